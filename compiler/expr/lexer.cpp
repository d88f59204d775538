#include "compiler/expr/lexer.h"

#include <cmath>

#include "compiler/expr/value.h"

namespace galley::expr {

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// GitHub's lexer ends numbers and identifiers at these characters; '.' only
// ends identifiers.
bool isBoundary(char c) {
  switch (c) {
    case '(':
    case '[':
    case ')':
    case ']':
    case ',':
    case '.':
    case '!':
    case '>':
    case '<':
    case '=':
    case '&':
    case '|':
      return true;
    default:
      return isSpace(c);
  }
}

uint32_t utf16Units(std::string_view s) {
  uint32_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;
    n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Token>* tokens, ExprError* err)
      : text_(text), tokens_(*tokens), err_(*err) {}

  bool run() {
    while (pos_ < text_.size()) {
      start_ = pos_;
      char c = text_[pos_++];
      if (!single(c)) return false;
    }
    start_ = pos_;
    add(TokenType::Eof);
    return true;
  }

 private:
  bool single(char c) {
    switch (c) {
      case '(':
        return add(TokenType::LeftParen);
      case ')':
        return add(TokenType::RightParen);
      case '[':
        return add(TokenType::LeftBracket);
      case ']':
        return add(TokenType::RightBracket);
      case ',':
        return add(TokenType::Comma);
      case '*':
        return add(TokenType::Star);
      case '.': {
        TokenType p = previous();
        // After a name, a ']' or a ')' a dot is property access; elsewhere it
        // starts a number such as .5.
        if (p == TokenType::Identifier || p == TokenType::RightBracket ||
            p == TokenType::RightParen || p == TokenType::Star)
          return add(TokenType::Dot);
        return number();
      }
      case '-':
      case '+':
        return number();
      case '!':
        return add(match('=') ? TokenType::BangEqual : TokenType::Bang);
      case '=':
        return match('=') ? add(TokenType::EqualEqual) : identifier();
      case '<':
        return add(match('=') ? TokenType::LessEqual : TokenType::Less);
      case '>':
        return add(match('=') ? TokenType::GreaterEqual : TokenType::Greater);
      case '&':
        return match('&') ? add(TokenType::And) : identifier();
      case '|':
        return match('|') ? add(TokenType::Or) : identifier();
      case '\'':
        return string();
      default:
        if (isSpace(c)) return true;
        if (c >= '0' && c <= '9') return number();
        return identifier();
    }
  }

  TokenType previous() const { return tokens_.empty() ? TokenType::Eof : tokens_.back().type; }

  bool match(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool add(TokenType type) {
    Token& t = tokens_.emplace_back();  // in place: a moved token copies its strings' buffers
    t.type = type;
    t.offset = static_cast<uint32_t>(start_);
    t.length = static_cast<uint32_t>(pos_ - start_);
    t.text = text_.substr(start_, pos_ - start_);
    return true;
  }

  bool fail(std::string_view symbol) {
    err_.kind = "lexing";
    err_.offset = static_cast<uint32_t>(start_);
    err_.length = static_cast<uint32_t>(symbol.size());
    err_.message =
        "Unexpected symbol: '" + std::string(symbol) + "'. " + locatedAt(text_, err_.offset);
    return false;
  }

  bool number() {
    while (pos_ < text_.size() && (!isBoundary(text_[pos_]) || text_[pos_] == '.'))
      ++pos_;
    std::string_view lexeme = text_.substr(start_, pos_ - start_);
    double d = parseNumber(lexeme);
    if (std::isnan(d)) return fail(lexeme);
    add(TokenType::Number);
    tokens_.back().number = d;
    return true;
  }

  bool string() {
    std::string value;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\'') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
          value.push_back('\'');
          pos_ += 2;
          continue;
        }
        ++pos_;
        add(TokenType::String);
        tokens_.back().value = std::move(value);
        return true;
      }
      value.push_back(c);
      ++pos_;
    }
    return fail(text_.substr(start_));
  }

  bool identifier() {
    while (pos_ < text_.size() && !isBoundary(text_[pos_]))
      ++pos_;
    std::string_view lexeme = text_.substr(start_, pos_ - start_);
    TokenType type = TokenType::Identifier;
    double number = 0;
    // After a dot every word is a property name, even `true`.
    if (previous() != TokenType::Dot) {
      if (lexeme == "true") type = TokenType::True;
      if (lexeme == "false") type = TokenType::False;
      if (lexeme == "null") type = TokenType::Null;
      if (lexeme == "NaN") type = TokenType::Number, number = NAN;
      if (lexeme == "Infinity") type = TokenType::Number, number = HUGE_VAL;
    }
    if (!isIdentifier(lexeme)) return fail(lexeme);
    add(type);
    tokens_.back().number = number;
    return true;
  }

  std::string_view text_;
  std::vector<Token>& tokens_;
  ExprError& err_;
  size_t pos_ = 0;
  size_t start_ = 0;
};

}  // namespace

bool isIdentifier(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s.substr(1))
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '-') return false;
  return true;
}

std::string locatedAt(std::string_view text, uint32_t offset) {
  return "Located at position " + std::to_string(utf16Units(text.substr(0, offset)) + 1) +
         " within expression: " + std::string(text);
}

bool lex(std::string_view text, std::vector<Token>* tokens, ExprError* err) {
  tokens->clear();
  if (text.size() > kMaxExpressionLength && utf16Units(text) > kMaxExpressionLength) {
    err->kind = "lexing";
    err->offset = 0;
    err->length = 0;
    err->message = "Exceeded max expression length " + std::to_string(kMaxExpressionLength);
    return false;
  }
  return Lexer(text, tokens, err).run();
}

}  // namespace galley::expr

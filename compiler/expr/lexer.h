// Splits a GitHub expression into tokens, each with its byte offset in the
// expression text (the text between `${{` and `}}`, or a whole `if:`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace galley::expr {

enum class TokenType : uint8_t {
  LeftParen,
  RightParen,
  LeftBracket,
  RightBracket,
  Comma,
  Dot,
  Bang,
  BangEqual,
  EqualEqual,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,
  And,
  Or,
  Star,
  Number,
  String,
  Identifier,
  True,
  False,
  Null,
  Eof,
};

struct Token {
  TokenType type = TokenType::Eof;
  uint32_t offset = 0;    // byte offset of the first character in the expression
  uint32_t length = 0;    // bytes of source text
  std::string_view text;  // the source text (lexeme), inside the text lexed
  std::string value;      // a string literal's value, '' unescaped
  double number = 0;      // a number literal's value
};

// Where and why lexing or parsing failed. `kind` is "lexing", "parsing" or
// "evaluation"; `message` is GitHub's wording, ending in "Located at position
// N within expression: TEXT" for syntax errors (N counts UTF-16 units from 1,
// as GitHub does).
struct ExprError {
  std::string kind;
  std::string message;
  uint32_t offset = 0;  // byte offset in the expression
  uint32_t length = 0;  // bytes underlined
};

// Expressions longer than this are refused (GitHub: 21,000 characters).
inline constexpr size_t kMaxExpressionLength = 21000;

// Tokenizes text; the last token is Eof. Returns false with *err set on the
// first bad symbol, an unterminated string or an over-long expression.
bool lex(std::string_view text, std::vector<Token>* tokens, ExprError* err);

// "Located at position N within expression: TEXT" for a byte offset.
std::string locatedAt(std::string_view text, uint32_t offset);

// Whether s is an identifier: [A-Za-z_][A-Za-z0-9_-]*.
bool isIdentifier(std::string_view s);

}  // namespace galley::expr

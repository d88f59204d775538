#include "compiler/expr/parser.h"

#include <memory>
#include <vector>

namespace galley::expr {

namespace {

// Thrown inside this file only, caught in parse(): a syntax error unwinds
// the recursive descent in one step.
struct SyntaxError {};

class Parser {
 public:
  Parser(std::string_view text, const std::vector<Token>& tokens, const ParseOptions& options,
         Expression& out, ExprError& err)
      : text_(text), tokens_(tokens), options_(options), out_(out), err_(err) {}

  Node* parseAll() {
    if (atEnd()) return nullptr;
    Node* root = expression();
    if (!atEnd()) fail("Unexpected symbol", peek());
    return root;
  }

 private:
  // Depth is counted where GitHub counts it, so that the same inputs hit the
  // limit: once per expression, per && / || chain, per ! and per accessor.
  struct Depth {
    explicit Depth(Parser& p) : p(p) { p.enter(); }
    ~Depth() { --p.depth_; }
    Parser& p;
  };

  void enter() {
    if (++depth_ > kMaxDepth) {
      const Token& t = peek();
      err_.kind = "parsing";
      err_.offset = t.offset;
      err_.length = t.length;
      err_.message = "Exceeded max expression depth " + std::to_string(kMaxDepth) + ". " +
                     locatedAt(text_, t.offset);
      throw SyntaxError{};
    }
  }

  Node* expression() {
    Depth d(*this);
    return logical(TokenType::Or);
  }

  Node* logical(TokenType op) {
    Node* left = op == TokenType::Or ? logical(TokenType::And) : equality();
    if (!check(op)) return left;
    Depth d(*this);
    Node* n = out_.make(NodeKind::Logical, left->offset, 0);
    n->op = op;
    n->args.reserve(2);
    n->args.push_back(left);
    while (match(op))
      n->args.push_back(op == TokenType::Or ? logical(TokenType::And) : equality());
    finish(n);
    return n;
  }

  Node* binary(Node* left, TokenType op, Node* right) {
    Node* n = out_.make(NodeKind::Binary, left->offset, 0);
    n->op = op;
    n->args = {left, right};
    finish(n);
    return n;
  }

  Node* equality() {
    Node* left = comparison();
    while (check(TokenType::BangEqual) || check(TokenType::EqualEqual)) {
      TokenType op = next().type;
      left = binary(left, op, comparison());
    }
    return left;
  }

  Node* comparison() {
    Node* left = unary();
    while (check(TokenType::Greater) || check(TokenType::GreaterEqual) || check(TokenType::Less) ||
           check(TokenType::LessEqual)) {
      TokenType op = next().type;
      left = binary(left, op, unary());
    }
    return left;
  }

  Node* unary() {
    if (!check(TokenType::Bang)) return index();
    const Token& bang = next();
    Depth d(*this);
    Node* n = out_.make(NodeKind::Not, bang.offset, 0);
    n->args.push_back(unary());
    finish(n);
    return n;
  }

  Node* index() {
    Node* expr = call();
    if (expr->kind != NodeKind::Group && expr->kind != NodeKind::Call &&
        expr->kind != NodeKind::Context)
      return expr;
    int entered = 0;
    struct Leave {
      int& n;
      int& depth;
      ~Leave() { depth -= n; }
    } leave{entered, depth_};
    for (;;) {
      if (match(TokenType::LeftBracket)) {
        Node* n = out_.make(NodeKind::Index, expr->offset, 0);
        n->args.reserve(2);  // the object and the index: one allocation
        n->args.push_back(expr);
        if (match(TokenType::Star))
          n->star = true;
        else
          n->args.push_back(expression());
        consume(TokenType::RightBracket);
        enter();
        ++entered;
        finish(n);
        expr = n;
      } else if (match(TokenType::Dot)) {
        enter();
        ++entered;
        Node* n = out_.make(NodeKind::Index, expr->offset, 0);
        n->args.reserve(2);
        n->args.push_back(expr);
        n->property = true;
        if (check(TokenType::Identifier)) {
          const Token& name = next();
          n->name = name.text;
          n->nameOffset = name.offset;
          Node* key = out_.make(NodeKind::Literal, name.offset, name.length);
          key->literal = Value::string(std::string(name.text));
          n->args.push_back(key);
        } else if (match(TokenType::Star)) {
          n->star = true;
        } else {
          fail("Unexpected symbol", peek());
        }
        finish(n);
        expr = n;
      } else {
        return expr;
      }
    }
  }

  Node* call() {
    if (!check(TokenType::Identifier)) return primary();
    const Token& name = next();
    if (!match(TokenType::LeftParen)) {
      if (!options_.permissive && !knownContext(name.text)) fail("Unrecognized named-value", name);
      Node* n = out_.make(NodeKind::Context, name.offset, name.length);
      n->name = name.text;
      n->nameOffset = name.offset;
      return n;
    }
    Node* n = out_.make(NodeKind::Call, name.offset, 0);
    n->name = name.text;
    n->nameOffset = name.offset;
    while (!match(TokenType::RightParen)) {
      n->args.push_back(expression());
      if (!check(TokenType::RightParen)) consume(TokenType::Comma);
    }
    finish(n);
    if (!options_.permissive) validateCall(*n, name);
    return n;
  }

  void validateCall(const Node& n, const Token& name) {
    const FunctionSpec* f = findFunction(options_.functions, name.text);
    if (!f) fail("Unrecognized function", name);
    if (n.args.size() < f->minArgs) fail("Too few parameters supplied", name);
    if (n.args.size() > f->maxArgs) fail("Too many parameters supplied", name);
    if (f->oddArgs && n.args.size() % 2 == 0)
      fail("Even number of parameters supplied, requires an odd number of parameters", name);
  }

  Node* primary() {
    if (atEnd()) fail("Unexpected end of expression", previous());
    const Token& t = peek();
    Node* n = nullptr;
    switch (t.type) {
      case TokenType::False:
      case TokenType::True:
        n = out_.make(NodeKind::Literal, t.offset, t.length);
        n->literal = Value::boolean(t.type == TokenType::True);
        break;
      case TokenType::Null:
        n = out_.make(NodeKind::Literal, t.offset, t.length);
        break;
      case TokenType::Number:
        n = out_.make(NodeKind::Literal, t.offset, t.length);
        n->literal = Value::number(t.number);
        break;
      case TokenType::String:
        n = out_.make(NodeKind::Literal, t.offset, t.length);
        n->literal = Value::string(t.value);
        break;
      case TokenType::LeftParen: {
        next();
        n = out_.make(NodeKind::Group, t.offset, 0);
        n->args.push_back(expression());
        if (atEnd()) fail("Unexpected end of expression", previous());
        consume(TokenType::RightParen);
        finish(n);
        return n;
      }
      default:
        fail("Unexpected symbol", t);
    }
    next();
    return n;
  }

  bool knownContext(std::string_view name) const {
    for (const auto& c : options_.contexts)
      if (equalsIgnoreCase(c, name)) return true;
    return false;
  }

  // Sets n's length to reach the end of the last token consumed.
  void finish(Node* n) {
    const Token& last = previous();
    n->length = last.offset + last.length - n->offset;
  }

  const Token& peek() const { return tokens_[pos_]; }
  const Token& previous() const { return tokens_[pos_ - 1]; }
  bool atEnd() const { return peek().type == TokenType::Eof; }
  bool check(TokenType t) const { return !atEnd() && peek().type == t; }
  const Token& next() {
    if (!atEnd()) ++pos_;
    return previous();
  }
  bool match(TokenType t) {
    if (!check(t)) return false;
    ++pos_;
    return true;
  }
  void consume(TokenType t) {
    if (!match(t)) fail("Unexpected symbol", peek());
  }

  [[noreturn]] void fail(const std::string& what, const Token& t) {
    std::string shown = t.type == TokenType::Eof      ? "EOF"
                        : t.type == TokenType::String ? t.value
                                                      : std::string(t.text);
    err_.kind = "parsing";
    err_.offset = t.offset;
    err_.length = t.length;
    err_.message = what + ": '" + shown + "'. " + locatedAt(text_, t.offset);
    throw SyntaxError{};
  }

  std::string_view text_;
  const std::vector<Token>& tokens_;
  const ParseOptions& options_;
  Expression& out_;
  ExprError& err_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

bool parse(std::string_view text, const ParseOptions& options, Expression* out, ExprError* err) {
  out->text = std::string(text);
  out->nodes.clear();
  out->root = nullptr;
  thread_local std::vector<Token> tokens;  // its storage serves every parse
  if (!lex(text, &tokens, err)) return false;
  try {
    out->root = Parser(out->text, tokens, options, *out, *err).parseAll();
    return true;
  } catch (const SyntaxError&) {
    out->nodes.clear();
    out->root = nullptr;
    return false;
  }
}

namespace {

// Direct-mapped: each text has one slot, whose tree a miss replaces. A hit
// costs a hash and a comparison, and the cache never grows past its slots.
struct ParseCache {
  struct Slot {
    std::string key;
    std::unique_ptr<Expression> tree;  // nullptr until the slot is first used
  };
  static constexpr size_t kSlots = 512;
  std::vector<Slot> slots = std::vector<Slot>(kSlots);
  std::vector<uint32_t> used;  // the slots holding a tree, for clear()
  std::string key;             // reused, so a lookup allocates nothing
};

ParseCache& threadCache() {
  thread_local ParseCache cache;
  return cache;
}

}  // namespace

const Expression* parseCached(std::string_view text, const ParseOptions& options, ExprError* err) {
  if (!options.contexts.empty()) {
    // Named values are part of what a text means: not cached.
    thread_local Expression one;
    one = Expression();
    return parse(text, options, &one, err) ? &one : nullptr;
  }
  ParseCache& cache = threadCache();
  std::string& key = cache.key;
  key.assign(text);
  // A permissive parse reads no function list: one tree serves every key's.
  if (!options.permissive)
    key.append(reinterpret_cast<const char*>(&options.functions), sizeof(options.functions));
  key += options.permissive ? 'p' : 's';
  size_t index = std::hash<std::string>{}(key) & (ParseCache::kSlots - 1);
  ParseCache::Slot& slot = cache.slots[index];
  if (slot.tree && slot.key == key) return slot.tree.get();
  if (!slot.tree) {
    slot.tree = std::make_unique<Expression>();
    cache.used.push_back(static_cast<uint32_t>(index));
  }
  slot.key.clear();  // the slot holds no valid tree until the parse succeeds
  if (!parse(text, options, slot.tree.get(), err)) return nullptr;
  slot.key = key;
  return slot.tree.get();
}

void clearParseCache() {
  ParseCache& cache = threadCache();
  for (uint32_t i : cache.used)
    cache.slots[i] = ParseCache::Slot();
  cache.used.clear();
}

}  // namespace galley::expr

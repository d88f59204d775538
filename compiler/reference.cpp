#include "compiler/reference.h"

#include <cctype>

#include "compiler/ascii.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/shape.h"

namespace galley {

Text Text::literal(std::string s, Location where) {
  Text t;
  t.where = where;
  if (!s.empty()) t.pieces.push_back({std::move(s), std::nullopt});
  return t;
}

bool Text::hasRefs() const {
  for (const auto& p : pieces)
    if (p.ref) return true;
  return false;
}

std::string Text::str() const {
  std::string s;
  for (const auto& p : pieces)
    s += p.text;
  return s;
}

const Ref* Text::onlyRef() const {
  return pieces.size() == 1 && pieces[0].ref ? &*pieces[0].ref : nullptr;
}

void Text::append(const Text& other) {
  for (const auto& p : other.pieces) {
    if (!p.ref && !pieces.empty() && !pieces.back().ref) {
      pieces.back().text += p.text;
    } else {
      pieces.push_back(p);
    }
  }
}

std::string envNameOf(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& part : path) {
    if (part == "outputs") continue;
    if (!out.empty()) out += '_';
    for (char c : part)
      out += (c == '-' || c == '.')
                 ? '_'
                 : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

Location locationInScalar(const yaml::Node& scalar, size_t k, size_t length) {
  return locationInScalar(expr::ScalarMap(scalar), scalar, k, length);
}

Location locationInScalar(const expr::ScalarMap& map, const yaml::Node& scalar, size_t k,
                          size_t length) {
  if (!scalar.where.file || !scalar.isScalar()) return scalar.where;
  return map.exact() ? map.location(k, length) : scalar.where;
}

namespace {

// Splits "a.b-c.d" into parts; false when a part is empty or not an id.
bool splitPath(const std::string& s, std::vector<std::string>& parts) {
  parts.clear();
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string part = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!shape::validId(part)) return false;
    parts.push_back(part);
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::optional<Text> parseText(const yaml::Node& scalar, Resolver& resolver, Diagnostics& diags) {
  Text out;
  out.where = scalar.where;
  expr::ScalarMap map(scalar);
  const std::string& s = scalar.value;
  size_t pos = 0;
  bool ok = true;
  while (pos < s.size()) {
    size_t open = s.find("${{", pos);
    if (open == std::string::npos) {
      out.append(Text::literal(s.substr(pos)));
      break;
    }
    out.append(Text::literal(s.substr(pos, open - pos)));
    size_t close = s.find("}}", open + 3);
    if (close == std::string::npos) {
      diags.error(locationInScalar(map, scalar, open, 3), "reference",
                  "'${{' is never closed with '}}'");
      return std::nullopt;
    }
    std::string inner = trim(std::string_view(s).substr(open + 3, close - open - 3));
    Location at = locationInScalar(map, scalar, open, close + 2 - open);
    std::vector<std::string> path;
    if (!splitPath(inner, path)) {
      diags.error(at, "reference",
                  "'" + inner +
                      "' is not a reference: write one of params.NAME, vars.NAME, "
                      "secrets.NAME, inputs.NAME, matrix.NAME, run.NAME, steps.ID.outputs.NAME, "
                      "needs.JOB.outputs.NAME or uses.ID.outputs.NAME");
      ok = false;
    } else if (!resolver.resolve(path, at, out, diags)) {
      ok = false;
    }
    pos = close + 2;
  }
  if (!ok) return std::nullopt;
  return out;
}

bool Cond::usesStatus() const {
  if (op == Op::Status) return true;
  for (const auto& a : args)
    if (a.usesStatus()) return true;
  return false;
}

namespace {

// A recursive-descent parser over GitHub's precedence: || < && < == != < !.
// Depth is bounded so that hostile input cannot overflow the stack.
class CondParser {
 public:
  CondParser(const yaml::Node& node, size_t base, std::string text, Resolver& r, Diagnostics& d)
      : node_(node), map_(node), base_(base), s_(std::move(text)), resolver_(r), diags_(d) {}

  std::optional<Cond> parse() {
    auto c = parseOr(0);
    skipSpace();
    if (c && pos_ < s_.size()) return fail("unexpected '" + s_.substr(pos_, 1) + "'");
    if (unresolved_) return std::nullopt;
    return c;
  }

 private:
  static constexpr int kMaxDepth = 50;

  std::optional<Cond> fail(const std::string& message) {
    if (!failed_) diags_.error(here(1), "condition", message);
    failed_ = true;
    return std::nullopt;
  }

  Location here(size_t length) const { return locationInScalar(map_, node_, base_ + pos_, length); }

  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
      ++pos_;
  }

  bool eat(std::string_view op) {
    skipSpace();
    if (s_.compare(pos_, op.size(), op) != 0) return false;
    pos_ += op.size();
    return true;
  }

  std::optional<Cond> binary(Cond::Op op, Cond left, Cond right) {
    Cond c;
    c.op = op;
    c.where = left.where;
    c.args.push_back(std::move(left));
    c.args.push_back(std::move(right));
    return c;
  }

  // operand (token operand)*, as one node with every operand in order: a
  // chain of thousands of && stays one level deep, so nothing that walks
  // the tree recursively (folding, emitting, destroying) goes deep.
  std::optional<Cond> leftAssociative(int depth, std::string_view token, Cond::Op op,
                                      std::optional<Cond> (CondParser::*operand)(int)) {
    auto left = (this->*operand)(depth);
    bool chained = false;
    while (left && eat(token)) {
      auto right = (this->*operand)(depth);
      if (!right) return std::nullopt;
      if (chained) {
        left->args.push_back(std::move(*right));
      } else {
        left = binary(op, std::move(*left), std::move(*right));
        chained = true;
      }
    }
    return left;
  }

  std::optional<Cond> parseOr(int depth) {
    return leftAssociative(depth, "||", Cond::Op::Or, &CondParser::parseAnd);
  }

  std::optional<Cond> parseAnd(int depth) {
    return leftAssociative(depth, "&&", Cond::Op::And, &CondParser::parseCompare);
  }

  std::optional<Cond> parseCompare(int depth) {
    auto left = parseUnary(depth);
    if (!left) return std::nullopt;
    if (eat("==")) {
      auto right = parseUnary(depth);
      if (!right) return std::nullopt;
      return binary(Cond::Op::Eq, std::move(*left), std::move(*right));
    }
    if (eat("!=")) {
      auto right = parseUnary(depth);
      if (!right) return std::nullopt;
      return binary(Cond::Op::Ne, std::move(*left), std::move(*right));
    }
    skipSpace();
    for (const char* op : {"<=", ">=", "<", ">"})
      if (s_.compare(pos_, std::string_view(op).size(), op) == 0)
        return fail(std::string("'") + op +
                    "' is not supported in galley conditions; use == or !=");
    return left;
  }

  std::optional<Cond> parseUnary(int depth) {
    if (depth >= kMaxDepth) return fail("condition nests deeper than 50 levels");
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == '!' && s_.compare(pos_, 2, "!=") != 0) {
      ++pos_;
      auto inner = parseUnary(depth + 1);
      if (!inner) return std::nullopt;
      Cond c;
      c.op = Cond::Op::Not;
      c.where = inner->where;
      c.args.push_back(std::move(*inner));
      return c;
    }
    if (eat("(")) {
      auto inner = parseOr(depth + 1);
      if (!inner) return std::nullopt;
      if (!eat(")")) return fail("expected ')'");
      return inner;
    }
    return parsePrimary();
  }

  std::optional<Cond> parsePrimary() {
    skipSpace();
    if (pos_ >= s_.size()) return fail("condition ends early");
    Cond c;
    c.where = here(1);
    char ch = s_[pos_];
    if (ch == '\'') return parseString();
    if (std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.') {
      size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == '.' || s_[pos_] == '-' || s_[pos_] == '+'))
        ++pos_;
      yaml::Node probe;
      probe.kind = yaml::Kind::Scalar;
      probe.value = s_.substr(start, pos_ - start);
      if (!probe.asNumber()) return fail("'" + probe.value + "' is not a number");
      c.op = Cond::Op::Literal;
      c.lit = Cond::Lit::Number;
      c.text = probe.value;
      return c;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '_' || s_[pos_] == '-' || s_[pos_] == '.'))
      ++pos_;
    std::string word = s_.substr(start, pos_ - start);
    if (word.empty()) return fail("unexpected '" + s_.substr(pos_, 1) + "'");
    c.where = locationInScalar(map_, node_, base_ + start, word.size());
    if (eat("(")) {
      static const char* status[] = {"success", "failure", "always", "cancelled"};
      bool known = false;
      for (const char* f : status)
        known |= word == f;
      if (!known)
        return fail("unknown function '" + word +
                    "': galley conditions take success(), failure(), always() and cancelled()");
      if (!eat(")")) return fail("'" + word + "' takes no arguments");
      c.op = Cond::Op::Status;
      c.text = word;
      return c;
    }
    if (word == "true" || word == "false" || word == "null") {
      c.op = Cond::Op::Literal;
      c.lit = word == "null" ? Cond::Lit::Null : Cond::Lit::Boolean;
      c.text = word;
      return c;
    }
    return resolveValue(word, c.where);
  }

  std::optional<Cond> parseString() {
    Cond c;
    c.where = here(1);
    ++pos_;
    std::string value;
    while (true) {
      if (pos_ >= s_.size()) return fail("string is never closed with '");
      if (s_[pos_] == '\'') {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\'') {
          value += '\'';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      value += s_[pos_++];
    }
    c.op = Cond::Op::Literal;
    c.lit = Cond::Lit::String;
    c.text = value;
    return c;
  }

  std::optional<Cond> resolveValue(const std::string& word, Location at) {
    std::vector<std::string> path;
    if (!splitPath(word, path)) return fail("'" + word + "' is not a reference");
    Text t;
    if (!resolver_.resolve(path, at, t, diags_)) {
      // Parsing goes on, so that every unknown name is reported at once.
      unresolved_ = true;
      Cond c;
      c.where = at;
      c.lit = Cond::Lit::Null;
      return c;
    }
    Cond c;
    c.where = at;
    if (const Ref* r = t.onlyRef()) {
      c.op = Cond::Op::Value;
      c.ref = *r;
    } else if (!t.hasRefs()) {
      c.op = Cond::Op::Literal;
      c.text = t.str();
      yaml::Node probe;
      probe.kind = yaml::Kind::Scalar;
      probe.value = c.text;
      c.lit = probe.asBool()     ? Cond::Lit::Boolean
              : probe.asNumber() ? Cond::Lit::Number
                                 : Cond::Lit::String;
    } else {
      return fail("'" + word + "' mixes text and references; conditions need a single value");
    }
    return c;
  }

  const yaml::Node& node_;
  expr::ScalarMap map_;  // one replay of node_ for every position the parser reports
  size_t base_;
  std::string s_;
  Resolver& resolver_;
  Diagnostics& diags_;
  size_t pos_ = 0;
  bool failed_ = false;
  bool unresolved_ = false;  // a reference that did not resolve was reported
};

// GitHub's loose equality on literals: numbers by value, the rest by
// case-insensitive text.
bool literalsEqual(const Cond& a, const Cond& b) {
  if (a.lit == Cond::Lit::Number && b.lit == Cond::Lit::Number) {
    yaml::Node x, y;
    x.kind = y.kind = yaml::Kind::Scalar;
    x.value = a.text;
    y.value = b.text;
    return *x.asNumber() == *y.asNumber();
  }
  return equalsIgnoreCase(a.text, b.text);
}

bool truthy(const Cond& c) {
  switch (c.lit) {
    case Cond::Lit::Null:
      return false;
    case Cond::Lit::Boolean:
      return equalsIgnoreCase(c.text, "true");
    case Cond::Lit::Number:
      return c.text != "0" && c.text != "0.0";
    case Cond::Lit::String:
      return !c.text.empty();
  }
  return false;
}

}  // namespace

std::optional<Cond> parseCondition(const yaml::Node& n, Resolver& resolver, Diagnostics& diags) {
  if (auto b = n.asBool()) {
    Cond c;
    c.op = Cond::Op::Literal;
    c.lit = Cond::Lit::Boolean;
    c.text = *b ? "true" : "false";
    c.where = n.where;
    return c;
  }
  if (!n.isScalar()) {
    diags.error(n.where, "type", "a condition must be a string, not " + n.typeName());
    return std::nullopt;
  }
  std::string text = n.value;
  size_t base = 0;
  std::string t = trim(text);
  if (t.rfind("${{", 0) == 0 && t.size() >= 5 && t.compare(t.size() - 2, 2, "}}") == 0 &&
      t.find("${{", 3) == std::string::npos) {
    base = text.find("${{") + 3;
    text = t.substr(3, t.size() - 5);
  } else if (t.find("${{") != std::string::npos) {
    diags.error(
        n.where, "condition",
        "a condition is one expression: write 'if: ${{ a && b }}', not text around '${{ }}'");
    return std::nullopt;
  }
  CondParser parser(n, base, text, resolver, diags);
  return parser.parse();
}

std::optional<bool> fold(Cond& c) {
  switch (c.op) {
    case Cond::Op::Literal:
      return truthy(c);
    case Cond::Op::Value:
    case Cond::Op::Status:
      return std::nullopt;
    case Cond::Op::Not: {
      auto v = fold(c.args[0]);
      if (v) return !*v;
      return std::nullopt;
    }
    case Cond::Op::Eq:
    case Cond::Op::Ne: {
      fold(c.args[0]);
      fold(c.args[1]);
      if (c.args[0].op != Cond::Op::Literal || c.args[1].op != Cond::Op::Literal)
        return std::nullopt;
      bool eq = literalsEqual(c.args[0], c.args[1]);
      return c.op == Cond::Op::Eq ? eq : !eq;
    }
    case Cond::Op::And:
    case Cond::Op::Or: {
      bool isAnd = c.op == Cond::Op::And;
      // A constant operand decides the whole, or drops out of it.
      bool decided = false;
      std::vector<Cond> kept;
      for (auto& a : c.args) {
        auto v = fold(a);
        if (v && *v != isAnd) decided = true;
        if (!v) kept.push_back(std::move(a));
      }
      if (decided) return !isAnd;
      if (kept.empty()) return isAnd;
      if (kept.size() == 1) {
        Cond keep = std::move(kept[0]);
        c = std::move(keep);
      } else {
        c.args = std::move(kept);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void collectRefs(const Text& t, std::vector<const Ref*>& out) {
  for (const auto& p : t.pieces)
    if (p.ref) out.push_back(&*p.ref);
}

void collectRefs(const Cond& c, std::vector<const Ref*>& out) {
  if (c.ref) out.push_back(&*c.ref);
  for (const auto& a : c.args)
    collectRefs(a, out);
}

}  // namespace galley

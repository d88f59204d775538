#include "compiler/expr/azure.h"

#include <array>
#include <cmath>
#include <span>

#include "compiler/expr/ast.h"
#include "compiler/expr/functions.h"

namespace galley::expr::azure {

double Host::counter(const std::string& prefix, double seed) {
  auto [it, fresh] = counters_.emplace(prefix, seed);
  if (!fresh) it->second += 1;
  return it->second;
}

namespace {

// --- Parsing ---

struct Failure {
  std::string message;
  size_t offset;
};

// Azure's names have no '-' (GitHub's do): `parameters.a-b` is an error,
// `parameters['a-b']` the way to write it.
bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

class Parser {
 public:
  Parser(std::string_view text, Expression& out) : t_(text), out_(out) {}

  Node* parseAll() {
    skip();
    if (i_ >= t_.size()) fail("Expected an expression");
    Node* n = expression();
    skip();
    if (i_ < t_.size()) fail("Unexpected symbol: '" + std::string(1, t_[i_]) + "'");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw Failure{what + ". Located at position " + std::to_string(i_ + 1) +
                      " within expression: " + std::string(t_),
                  i_};
  }

  void skip() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }

  void enter() {
    if (++depth_ > kMaxDepth) fail("Exceeded max expression depth " + std::to_string(kMaxDepth));
  }

  // Each accessor counts toward the depth, as in GitHub's parser of the same
  // lineage: a chain nests to the left, and every walk of the tree recurses
  // once per accessor.
  Node* expression() {
    enter();
    skip();
    Node* n = primary();
    int accessors = 0;
    for (;;) {
      skip();
      if (i_ >= t_.size() || (t_[i_] != '.' && t_[i_] != '[') || n->kind == NodeKind::Literal)
        break;
      enter();
      ++accessors;
      if (t_[i_] == '.') {
        ++i_;
        skip();
        size_t b = i_;
        while (i_ < t_.size() && isNameChar(t_[i_]))
          ++i_;
        if (b == i_) fail("Expected a property name");
        Node* idx = out_.make(NodeKind::Index, n->offset, static_cast<uint32_t>(i_ - n->offset));
        Node* key =
            out_.make(NodeKind::Literal, static_cast<uint32_t>(b), static_cast<uint32_t>(i_ - b));
        key->literal = Value::string(std::string(t_.substr(b, i_ - b)));
        idx->name = key->literal.asString();
        idx->nameOffset = static_cast<uint32_t>(b);
        idx->property = true;
        idx->args = {n, key};
        n = idx;
      } else {
        ++i_;
        Node* key = expression();
        skip();
        if (i_ >= t_.size() || t_[i_] != ']') fail("Expected ']'");
        ++i_;
        Node* idx = out_.make(NodeKind::Index, n->offset, static_cast<uint32_t>(i_ - n->offset));
        idx->args = {n, key};
        n = idx;
      }
    }
    depth_ -= 1 + accessors;
    return n;
  }

  Node* primary() {
    if (i_ >= t_.size()) fail("Unexpected end of expression");
    char c = t_[i_];
    size_t b = i_;
    if (c == '\'') return string();
    if (isDigit(c) || ((c == '-' || c == '+' || c == '.') && i_ + 1 < t_.size())) return number();
    if (!isNameChar(c)) fail("Unexpected symbol: '" + std::string(1, c) + "'");
    while (i_ < t_.size() && isNameChar(t_[i_]))
      ++i_;
    std::string name(t_.substr(b, i_ - b));
    auto at = static_cast<uint32_t>(b);
    auto len = static_cast<uint32_t>(i_ - b);
    skip();
    if (i_ < t_.size() && t_[i_] == '(') return call(name, at);
    Node* n = out_.make(NodeKind::Literal, at, len);
    if (equalsIgnoreCase(name, "true") || equalsIgnoreCase(name, "false")) {
      n->literal = Value::boolean(equalsIgnoreCase(name, "true"));
    } else if (!equalsIgnoreCase(name, "null")) {
      n->kind = NodeKind::Context;
      n->name = name;
      n->nameOffset = at;
    }
    return n;
  }

  Node* call(const std::string& name, uint32_t at) {
    ++i_;  // (
    Node* n = out_.make(NodeKind::Call, at, 0);
    n->name = name;
    n->nameOffset = at;
    skip();
    if (i_ < t_.size() && t_[i_] == ')') {
      ++i_;
    } else {
      for (;;) {
        n->args.push_back(expression());
        skip();
        if (i_ < t_.size() && t_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < t_.size() && t_[i_] == ')') {
          ++i_;
          break;
        }
        fail(i_ < t_.size() ? "Unexpected symbol: '" + std::string(1, t_[i_]) + "'"
                            : "Unexpected end of expression");
      }
    }
    n->length = static_cast<uint32_t>(i_ - at);
    return n;
  }

  Node* string() {
    size_t b = i_++;
    std::string v;
    for (;;) {
      if (i_ >= t_.size()) {
        i_ = b;
        fail("Unterminated string");
      }
      if (t_[i_] == '\'') {
        if (i_ + 1 < t_.size() && t_[i_ + 1] == '\'') {
          v.push_back('\'');
          i_ += 2;
          continue;
        }
        ++i_;
        break;
      }
      v.push_back(t_[i_++]);
    }
    Node* n = out_.make(NodeKind::Literal, static_cast<uint32_t>(b), static_cast<uint32_t>(i_ - b));
    n->literal = Value::string(std::move(v));
    return n;
  }

  // -1, 1.5, or a version 1.2.3 (two to four dots... parts).
  Node* number() {
    size_t b = i_;
    if (t_[i_] == '-' || t_[i_] == '+') ++i_;
    int dots = 0;
    while (i_ < t_.size() && (isDigit(t_[i_]) || t_[i_] == '.'))
      dots += t_[i_++] == '.';
    std::string_view lexeme = t_.substr(b, i_ - b);
    Node* n = out_.make(NodeKind::Literal, static_cast<uint32_t>(b), static_cast<uint32_t>(i_ - b));
    if (dots >= 2) {
      if (dots > 3 || !isDigit(lexeme[0]) || lexeme.back() == '.' ||
          lexeme.find("..") != std::string_view::npos)
        i_ = b, fail("Unexpected symbol: '" + std::string(lexeme) + "'");
      n->literal = Value::string(std::string(lexeme));
      n->version = true;
      return n;
    }
    double d = parseNumber(lexeme);
    if (std::isnan(d) || lexeme.find_first_of("xXoObB") != std::string_view::npos)
      i_ = b, fail("Unexpected symbol: '" + std::string(lexeme) + "'");
    n->literal = Value::number(d);
    return n;
  }

  std::string_view t_;
  Expression& out_;
  size_t i_ = 0;
  int depth_ = 0;
};

// --- Type casting ---

struct Typed {
  Value value;
  bool version = false;
};

bool parseVersion(std::string_view s, std::array<int64_t, 4>* parts, int* count) {
  *count = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t b = i;
    int64_t n = 0;
    while (i < s.size() && isDigit(s[i]) && i - b < 10)
      n = n * 10 + (s[i++] - '0');
    if (i == b || *count == 4) return false;
    (*parts)[(*count)++] = n;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return *count >= 2;
}

// -1, 0, 1 comparing versions a and b (missing parts are -1, as .NET's).
int compareVersions(std::string_view a, std::string_view b) {
  std::array<int64_t, 4> x{-1, -1, -1, -1}, y{-1, -1, -1, -1};
  int nx, ny;
  parseVersion(a, &x, &nx);
  parseVersion(b, &y, &ny);
  for (int k = 0; k < 4; ++k)
    if (x[k] != y[k]) return x[k] < y[k] ? -1 : 1;
  return 0;
}

bool toBool(const Typed& t) {
  // A version literal is always true; everything else as GitHub's truthiness.
  return t.version || truthy(t.value);
}

// Azure's string to number: invariant culture, surrounding white space,
// a sign, a decimal point, thousands separators; '' is 0.
bool stringToNumber(std::string_view s, double* out) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  if (b == std::string_view::npos) return *out = 0, true;
  std::string clean;
  for (char c : s.substr(b, e - b + 1))
    if (c != ',') clean.push_back(c);
  if (clean.empty() || clean.find_first_of("xXoObBInfinityNaN") != std::string::npos) return false;
  double d = parseNumber(clean);
  if (std::isnan(d)) return false;
  *out = d;
  return true;
}

bool toNumber(const Typed& t, double* out) {
  const Value& v = t.value;
  if (t.version) return false;
  switch (v.kind()) {
    case Kind::Null:
      return *out = 0, true;
    case Kind::Boolean:
      return *out = v.asBool() ? 1 : 0, true;
    case Kind::Number:
      return *out = v.asNumber(), true;
    case Kind::String:
      return stringToNumber(v.asString(), out);
    default:
      return false;
  }
}

bool toStringValue(const Typed& t, std::string* out) {
  if (t.value.kind() == Kind::Array || t.value.kind() == Kind::Object) return false;
  *out = toAzureString(t.value);
  return true;
}

bool toVersion(const Typed& t, std::string* out) {
  const Value& v = t.value;
  std::array<int64_t, 4> parts;
  int n;
  if (t.version) return *out = v.asString(), true;
  if (v.kind() == Kind::String) {
    std::string_view s = v.asString();
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    if (b == std::string_view::npos || !parseVersion(s.substr(b, e - b + 1), &parts, &n))
      return false;
    return *out = std::string(s.substr(b, e - b + 1)), true;
  }
  if (v.kind() == Kind::Number) {
    // Greater than zero with a non-zero decimal: 1.2 is version 1.2.
    std::string s = formatNumber(v.asNumber());
    if (v.asNumber() <= 0 || !parseVersion(s, &parts, &n)) return false;
    return *out = s, true;
  }
  return false;
}

const char* typeName(const Typed& t) {
  return t.version ? "Version" : kindName(t.value.kind());
}

// Compares a with b converted to a's type: -1, 0, 1, or 2 when b does not
// convert (or the values are unordered).
int compare(const Typed& a, const Typed& b) {
  if (a.version) {
    std::string v;
    if (!toVersion(b, &v)) return 2;
    return compareVersions(a.value.asString(), v);
  }
  switch (a.value.kind()) {
    case Kind::Null:
      return b.value.isNull() && !b.version ? 0 : 2;
    case Kind::Boolean: {
      bool x = a.value.asBool(), y = toBool(b);
      return x == y ? 0 : (x ? 1 : -1);
    }
    case Kind::Number: {
      double y;
      if (!toNumber(b, &y)) return 2;
      double x = a.value.asNumber();
      if (std::isnan(x) || std::isnan(y)) return 2;
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case Kind::String: {
      std::string y;
      if (!toStringValue(b, &y)) return 2;
      int c = foldCase(a.value.asString()).compare(foldCase(y));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default:
      return a.value.identity() == b.value.identity() ? 0 : 2;
  }
}

bool equal(const Typed& a, const Typed& b) {
  return compare(a, b) == 0;
}

// --- Functions (data: name, arity, implementation) ---

using Args = std::span<const Typed>;
struct Out {
  Typed result;
  std::string error;
};

Out ok(Value v) {
  return {{std::move(v), false}, {}};
}
Out okBool(bool b) {
  return ok(Value::boolean(b));
}
Out err(std::string m) {
  return {{}, std::move(m)};
}

std::string str(const Typed& t) {
  return toAzureString(t.value);
}

Out ordered(Args a, bool (*want)(int), const char* name) {
  int c = compare(a[0], a[1]);
  if (c == 2)
    return err(std::string("Unable to convert from ") + typeName(a[1]) + " to " + typeName(a[0]) +
               " for " + name + "()");
  return okBool(want(c));
}

Out fAnd(Args a, Host&) {
  for (const Typed& t : a)
    if (!toBool(t)) return okBool(false);
  return okBool(true);
}
Out fOr(Args a, Host&) {
  for (const Typed& t : a)
    if (toBool(t)) return okBool(true);
  return okBool(false);
}
Out fNot(Args a, Host&) {
  return okBool(!toBool(a[0]));
}
Out fXor(Args a, Host&) {
  return okBool(toBool(a[0]) != toBool(a[1]));
}
Out fEq(Args a, Host&) {
  return okBool(equal(a[0], a[1]));
}
Out fNe(Args a, Host&) {
  return okBool(!equal(a[0], a[1]));
}
Out fLt(Args a, Host&) {
  return ordered(
      a, [](int c) { return c < 0; }, "lt");
}
Out fLe(Args a, Host&) {
  return ordered(
      a, [](int c) { return c <= 0; }, "le");
}
Out fGt(Args a, Host&) {
  return ordered(
      a, [](int c) { return c > 0; }, "gt");
}
Out fGe(Args a, Host&) {
  return ordered(
      a, [](int c) { return c >= 0; }, "ge");
}
Out fIn(Args a, Host&) {
  for (size_t i = 1; i < a.size(); ++i)
    if (equal(a[0], a[i])) return okBool(true);
  return okBool(false);
}
Out fNotIn(Args a, Host& h) {
  return okBool(!fIn(a, h).result.value.asBool());
}
Out fContains(Args a, Host&) {
  return okBool(foldCase(str(a[0])).find(foldCase(str(a[1]))) != std::string::npos);
}
Out fContainsValue(Args a, Host&) {
  const Value& c = a[0].value;
  if (c.kind() == Kind::Array) {
    for (const Value& v : c.items())
      if (equal({v, false}, a[1])) return okBool(true);
  } else if (c.kind() == Kind::Object) {
    for (const auto& [_, v] : c.asObject().entries())
      if (equal({v, false}, a[1])) return okBool(true);
  }
  return okBool(false);
}
Out fStartsWith(Args a, Host&) {
  return okBool(foldCase(str(a[0])).starts_with(foldCase(str(a[1]))));
}
Out fEndsWith(Args a, Host&) {
  return okBool(foldCase(str(a[0])).ends_with(foldCase(str(a[1]))));
}

// A date/time in ISO 8601 form (pipeline.startTime): its fields, or false.
struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, fraction = 0;
};

bool parseDate(std::string_view s, DateTime* d) {
  auto num = [&](size_t at, size_t n, int* out) {
    if (at + n > s.size()) return false;
    int v = 0;
    for (size_t k = at; k < at + n; ++k) {
      if (!isDigit(s[k])) return false;
      v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return true;
  };
  if (!num(0, 4, &d->year) || s.size() < 10 || s[4] != '-' || !num(5, 2, &d->month) ||
      s[7] != '-' || !num(8, 2, &d->day))
    return false;
  if (s.size() >= 19 && (s[10] == 'T' || s[10] == ' ')) {
    if (!num(11, 2, &d->hour) || !num(14, 2, &d->minute) || !num(17, 2, &d->second)) return false;
    if (s.size() > 20 && s[19] == '.') {
      size_t k = 20;
      int digits = 0;
      while (k < s.size() && isDigit(s[k]) && digits < 7)
        d->fraction = d->fraction * 10 + (s[k++] - '0'), ++digits;
      for (; digits < 7; ++digits)
        d->fraction *= 10;
    }
  }
  return true;
}

std::string pad(int v, size_t width) {
  std::string s = std::to_string(v);
  return s.size() >= width ? s : std::string(width - s.size(), '0') + s;
}

// .NET custom date format specifiers: yyyy yy MM M dd d HH H hh h mm m ss s
// f..fffffff; other characters are copied; 'quoted' text is literal.
std::string formatDate(const DateTime& d, std::string_view spec) {
  std::string out;
  for (size_t i = 0; i < spec.size();) {
    char c = spec[i];
    size_t n = 1;
    while (i + n < spec.size() && spec[i + n] == c)
      ++n;
    switch (c) {
      case 'y':
        out += n <= 2 ? pad(d.year % 100, n) : pad(d.year, n);
        break;
      case 'M':
        out += pad(d.month, n);
        break;
      case 'd':
        out += pad(d.day, n);
        break;
      case 'H':
        out += pad(d.hour, n);
        break;
      case 'h':
        out += pad(d.hour % 12 == 0 ? 12 : d.hour % 12, n);
        break;
      case 'm':
        out += pad(d.minute, n);
        break;
      case 's':
        out += pad(d.second, n);
        break;
      case 'f':
        out += pad(d.fraction, 7).substr(0, std::min<size_t>(n, 7));
        break;
      case '\'': {
        size_t end = spec.find('\'', i + 1);
        if (end == std::string_view::npos) end = spec.size();
        out += spec.substr(i + 1, end - i - 1);
        i = end + 1;
        continue;
      }
      default:
        out.append(n, c);
    }
    i += n;
  }
  return out;
}

Out fFormat(Args a, Host&) {
  std::string fs = str(a[0]), out;
  for (size_t i = 0; i < fs.size();) {
    char c = fs[i];
    if ((c == '{' || c == '}') && i + 1 < fs.size() && fs[i + 1] == c) {
      out.push_back(c);
      i += 2;
      continue;
    }
    if (c == '}') return err("The format string is invalid: " + fs);
    if (c != '{') {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t close = fs.find('}', i);
    if (close == std::string::npos) return err("The format string is invalid: " + fs);
    std::string_view inner = std::string_view(fs).substr(i + 1, close - i - 1);
    std::string_view spec;
    if (size_t colon = inner.find(':'); colon != std::string_view::npos) {
      spec = inner.substr(colon + 1);
      inner = inner.substr(0, colon);
    }
    if (inner.empty() || inner.size() > 3 ||
        inner.find_first_not_of("0123456789") != std::string_view::npos)
      return err("The format string is invalid: " + fs);
    size_t index = std::stoul(std::string(inner));
    if (index + 1 >= a.size())
      return err("The format string references more arguments than were supplied: " + fs);
    DateTime d;
    const Typed& arg = a[index + 1];
    if (!spec.empty() && arg.value.kind() == Kind::String && parseDate(arg.value.asString(), &d))
      out += formatDate(d, spec);
    else
      out += str(arg);
    i = close + 1;
  }
  return ok(Value::string(std::move(out)));
}

Out fJoin(Args a, Host&) {
  const Value& v = a[1].value;
  if (v.kind() != Kind::Array) return ok(Value::string(v.kind() == Kind::Object ? "" : str(a[1])));
  std::string sep = str(a[0]), out;
  for (size_t i = 0; i < v.items().size(); ++i) {
    if (i) out += sep;
    out += toAzureString(v.items()[i]);
  }
  return ok(Value::string(std::move(out)));
}

bool isEmptyValue(const Value& v) {
  return v.isNull() || (v.kind() == Kind::String && v.asString().empty());
}

Out fCoalesce(Args a, Host&) {
  for (const Typed& t : a)
    if (!isEmptyValue(t.value)) return {t, {}};
  return ok(Value());
}

Out fConvertToJson(Args a, Host&) {
  return ok(Value::string(toJson(a[0].value)));
}

Out fCounter(Args a, Host& h) {
  double seed = 0;
  if (a.size() > 1 && !toNumber(a[1], &seed)) return err("counter() seed must be a number");
  return ok(Value::number(h.counter(a.empty() ? "" : str(a[0]), seed)));
}

Out fSplit(Args a, Host&) {
  std::string s = str(a[0]), d = str(a[1]);
  std::vector<Value> parts;
  if (d.empty()) {
    parts.push_back(Value::string(s));
  } else {
    size_t b = 0;
    for (size_t at; (at = s.find(d, b)) != std::string::npos; b = at + d.size())
      parts.push_back(Value::string(s.substr(b, at - b)));
    parts.push_back(Value::string(s.substr(b)));
  }
  return ok(Value::array(std::move(parts)));
}

Out fReplace(Args a, Host&) {
  std::string s = str(a[0]), from = str(a[1]), to = str(a[2]);
  if (from.empty()) return ok(Value::string(s));
  std::string out;
  size_t b = 0;
  for (size_t at; (at = s.find(from, b)) != std::string::npos; b = at + from.size())
    out += s.substr(b, at - b) + to;
  out += s.substr(b);
  return ok(Value::string(std::move(out)));
}

Out fLower(Args a, Host&) {
  return ok(Value::string(lowerCase(str(a[0]))));
}
Out fUpper(Args a, Host&) {
  return ok(Value::string(foldCase(str(a[0]))));
}

Out fLength(Args a, Host&) {
  const Value& v = a[0].value;
  switch (v.kind()) {
    case Kind::Null:
      return ok(Value::number(0));
    case Kind::String: {
      double n = 0;
      for (unsigned char c : v.asString())
        if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
      return ok(Value::number(n));
    }
    case Kind::Array:
      return ok(Value::number(static_cast<double>(v.items().size())));
    case Kind::Object:
      return ok(Value::number(static_cast<double>(v.asObject().size())));
    default:
      return err(std::string("length() cannot take a ") + typeName(a[0]));
  }
}

Out fTrim(Args a, Host&) {
  std::string s = str(a[0]);
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return ok(Value::string(b == std::string::npos ? "" : s.substr(b, e - b + 1)));
}

Out fSubstring(Args a, Host&) {
  std::string s = str(a[0]);
  double start = 0, length = static_cast<double>(s.size());
  if (!toNumber(a[1], &start) || (a.size() > 2 && !toNumber(a[2], &length)))
    return err("substring() takes a string and numbers");
  if (start < 0 || start > static_cast<double>(s.size()))
    return err("substring() start is out of range");
  return ok(Value::string(
      s.substr(static_cast<size_t>(start), length < 0 ? 0 : static_cast<size_t>(length))));
}

Out fIif(Args a, Host&) {
  return {toBool(a[0]) ? a[1] : a[2], {}};
}

std::vector<std::string> names(Args a) {
  std::vector<std::string> r;
  for (const Typed& t : a)
    r.push_back(str(t));
  return r;
}

Out fSucceeded(Args a, Host& h) {
  std::string s = h.status(names(a));
  return okBool(s == "Succeeded" || s == "SucceededWithIssues");
}
Out fFailed(Args a, Host& h) {
  return okBool(h.status(names(a)) == "Failed");
}
Out fCanceled(Args a, Host& h) {
  return okBool(h.status(names(a)) == "Canceled");
}
Out fAlways(Args, Host&) {
  return okBool(true);
}
Out fSucceededOrFailed(Args a, Host& h) {
  return okBool(h.status(names(a)) != "Canceled");
}

struct AzureFunction {
  std::string_view name;
  uint32_t minArgs, maxArgs;
  bool lazyBool;  // and/or: arguments evaluated left to right, stopping early
  Out (*impl)(Args, Host&);
};

constexpr uint32_t kMany = 1000;

constexpr AzureFunction kFunctions[] = {
    {"and", 2, kMany, true, fAnd},
    {"or", 2, kMany, true, fOr},
    {"not", 1, 1, false, fNot},
    {"xor", 2, 2, false, fXor},
    {"eq", 2, 2, false, fEq},
    {"ne", 2, 2, false, fNe},
    {"lt", 2, 2, false, fLt},
    {"le", 2, 2, false, fLe},
    {"gt", 2, 2, false, fGt},
    {"ge", 2, 2, false, fGe},
    {"in", 1, kMany, false, fIn},
    {"notIn", 1, kMany, false, fNotIn},
    {"contains", 2, 2, false, fContains},
    {"containsValue", 2, 2, false, fContainsValue},
    {"startsWith", 2, 2, false, fStartsWith},
    {"endsWith", 2, 2, false, fEndsWith},
    {"format", 1, kMany, false, fFormat},
    {"join", 2, 2, false, fJoin},
    {"coalesce", 2, kMany, false, fCoalesce},
    {"convertToJson", 1, 1, false, fConvertToJson},
    {"counter", 0, 2, false, fCounter},
    {"split", 2, 2, false, fSplit},
    {"replace", 3, 3, false, fReplace},
    {"lower", 1, 1, false, fLower},
    {"upper", 1, 1, false, fUpper},
    {"length", 1, 1, false, fLength},
    {"trim", 1, 1, false, fTrim},
    {"substring", 2, 3, false, fSubstring},
    {"iif", 3, 3, false, fIif},
    {"succeeded", 0, kMany, false, fSucceeded},
    {"failed", 0, kMany, false, fFailed},
    {"canceled", 0, kMany, false, fCanceled},
    {"always", 0, 0, false, fAlways},
    {"succeededOrFailed", 0, kMany, false, fSucceededOrFailed},
};

const AzureFunction* findAzure(std::string_view name) {
  for (const auto& f : kFunctions)
    if (equalsIgnoreCase(f.name, name)) return &f;
  return nullptr;
}

// --- Evaluation ---

class Evaluator {
 public:
  Evaluator(const Value& contexts, Host& host) : contexts_(contexts), host_(host) {}

  // Recursion is bounded by the parser's depth limit.
  bool eval(const Node& n, Typed* out) {
    switch (n.kind) {
      case NodeKind::Literal:
        *out = {n.literal, n.version};
        return true;
      case NodeKind::Context: {
        const Value* v =
            contexts_.kind() == Kind::Object ? contexts_.asObject().find(n.name) : nullptr;
        if (!v) return fail("Unrecognized named-value: '" + n.name + "'");
        *out = {*v, false};
        return true;
      }
      case NodeKind::Index: {
        Typed target, key;
        if (!eval(*n.args[0], &target) || !eval(*n.args[1], &key)) return false;
        *out = {index(target.value, key.value), false};
        if (out->value.isNull() && target.value.kind() == Kind::Object &&
            key.value.kind() == Kind::String &&
            !target.value.asObject().find(key.value.asString())) {
          std::string message = host_.missingProperty(target.value, key.value.asString());
          if (!message.empty()) return fail(std::move(message));
        }
        return true;
      }
      case NodeKind::Call:
        return call(n, out);
      default:
        return fail("unsupported expression");
    }
  }

  std::string error;

 private:
  bool fail(std::string m) {
    error = std::move(m);
    return false;
  }

  static Value index(const Value& target, const Value& key) {
    if (target.kind() == Kind::Object && key.kind() == Kind::String)
      if (const Value* v = target.asObject().find(key.asString())) return *v;
    if (target.kind() == Kind::Array && key.kind() == Kind::Number) {
      double d = key.asNumber();
      if (d >= 0 && d == std::floor(d) && d < static_cast<double>(target.items().size()))
        return target.items()[static_cast<size_t>(d)];
    }
    return Value();
  }

  bool call(const Node& n, Typed* out) {
    const AzureFunction* f = findAzure(n.name);
    if (!f) return fail("Unrecognized function: '" + n.name + "'");
    if (n.args.size() < f->minArgs || n.args.size() > f->maxArgs)
      return fail(std::string(n.args.size() < f->minArgs ? "Too few" : "Too many") +
                  " parameters supplied: '" + n.name + "'");
    std::vector<Typed> args;
    for (const Node* a : n.args) {
      Typed t;
      if (!eval(*a, &t)) return false;
      args.push_back(std::move(t));
      // and() stops at the first false, or() at the first true.
      if (f->lazyBool && toBool(args.back()) == (f->impl == fOr)) break;
      // coalesce() stops at its first value, so that later arguments may
      // name what does not exist (coalesce(parameters.x, 'default')).
      if (f->impl == fCoalesce && !isEmptyValue(args.back().value)) break;
    }
    Out r = f->impl(args, host_);
    if (!r.error.empty()) return fail(r.error);
    *out = std::move(r.result);
    return true;
  }

  const Value& contexts_;
  Host& host_;
};

std::string_view trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

std::string toAzureString(const Value& v) {
  switch (v.kind()) {
    case Kind::Boolean:
      return v.asBool() ? "True" : "False";
    case Kind::Array:
    case Kind::Object:
      return toJson(v);
    default:
      return toString(v);
  }
}

bool parse(std::string_view text, Expression* out, ExprError* err) {
  out->nodes.clear();
  out->root = nullptr;
  out->text = std::string(text);
  err->kind = "parsing";
  if (text.size() > kMaxLength) {
    err->offset = 0;
    err->length = 0;
    err->message = "Exceeded max expression length " + std::to_string(kMaxLength);
    return false;
  }
  try {
    out->root = Parser(out->text, *out).parseAll();
    return true;
  } catch (const Failure& f) {
    err->message = f.message;
    err->offset = static_cast<uint32_t>(f.offset);
    err->length = 1;
    out->nodes.clear();
    return false;
  }
}

bool functionArity(std::string_view name, uint32_t* minArgs, uint32_t* maxArgs) {
  const AzureFunction* f = findAzure(name);
  if (!f) return false;
  *minArgs = f->minArgs;
  *maxArgs = f->maxArgs;
  return true;
}

std::vector<std::string> functionNames() {
  std::vector<std::string> names;
  for (const auto& f : kFunctions)
    names.emplace_back(f.name);
  return names;
}

Result evaluate(std::string_view text, const Value& contexts, Host& host) {
  Expression expr;
  ExprError err;
  if (!parse(text, &expr, &err)) return {false, {}, false, err.message};
  return evaluate(expr, contexts, host);
}

Result evaluate(const Expression& parsed, const Value& contexts, Host& host) {
  if (!parsed.root) return {true, Value(), false, {}};
  Evaluator e(contexts, host);
  Typed out;
  if (!e.eval(*parsed.root, &out)) return {false, {}, false, e.error};
  return {true, out.value, out.version, {}};
}

namespace {

// Where the `}}` closing an expression that starts at begin is; a `}}` in a
// quoted string does not close it.
size_t closingBraces(std::string_view s, size_t begin) {
  bool quoted = false;
  for (size_t i = begin; i + 1 < s.size(); ++i) {
    if (s[i] == '\'') quoted = !quoted;
    if (!quoted && s[i] == '}' && s[i + 1] == '}') return i;
  }
  return std::string_view::npos;
}

}  // namespace

Result expandTemplate(std::string_view text, const Value& contexts, Host& host) {
  std::string out;
  size_t pos = 0;
  bool whole = false;
  while (pos <= text.size()) {
    size_t open = text.find("${{", pos);
    if (open == std::string_view::npos) {
      out += text.substr(pos);
      break;
    }
    size_t close = closingBraces(text, open + 3);
    if (close == std::string_view::npos)
      return {false, {}, false, "The expression is not closed: " + std::string(text.substr(open))};
    out += text.substr(pos, open - pos);
    std::string_view inner = text.substr(open + 3, close - open - 3);
    whole = open == 0 && close + 2 == text.size();
    Result r = evaluate(trimmed(inner), contexts, host);
    if (!r.ok) return r;
    if (whole) return r;
    // A missing value (null) is written as ''.
    out += toAzureString(r.value);
    pos = close + 2;
  }
  return {true, Value::string(std::move(out)), false, {}};
}

Result evaluateRuntime(std::string_view text, const Value& contexts, Host& host) {
  std::string_view t = trimmed(text);
  if (t.size() < 3 || t.substr(0, 2) != "$[" || t.back() != ']')
    return {false,
            {},
            false,
            "A runtime expression $[ ] must be the whole value: " + std::string(text)};
  return evaluate(trimmed(t.substr(2, t.size() - 3)), contexts, host);
}

}  // namespace galley::expr::azure

#include "compiler/expr/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "compiler/ascii.h"
#include "compiler/json_writer.h"

namespace galley::expr {

const char* kindName(Kind k) {
  switch (k) {
    case Kind::Null:
      return "Null";
    case Kind::Boolean:
      return "Boolean";
    case Kind::Number:
      return "Number";
    case Kind::String:
      return "String";
    case Kind::Array:
      return "Array";
    case Kind::Object:
      return "Object";
  }
  return "Null";
}

void Object::add(std::string key, Value value) {
  if (!index_.emplace(lowerCase(key), entries_.size()).second) return;
  entries_.emplace_back(std::move(key), std::move(value));
}

const Value* Object::find(std::string_view key) const {
  auto it = index_.find(lowerCase(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::Boolean;
  v.v_ = b;
  return v;
}

Value Value::number(double d) {
  Value v;
  v.kind_ = Kind::Number;
  v.v_ = d;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::String;
  v.v_ = std::move(s);
  return v;
}

Value Value::array(std::vector<Value> items, bool filtered) {
  Value v;
  v.kind_ = Kind::Array;
  v.filtered_ = filtered;
  v.v_ = std::make_shared<Array>(Array{std::move(items)});
  return v;
}

Value Value::object(Object o) {
  Value v;
  v.kind_ = Kind::Object;
  v.v_ = std::make_shared<Object>(std::move(o));
  return v;
}

const void* Value::identity() const {
  if (kind_ == Kind::Array) return std::get<std::shared_ptr<Array>>(v_).get();
  if (kind_ == Kind::Object) return std::get<std::shared_ptr<Object>>(v_).get();
  return nullptr;
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::Null:
      return false;
    case Kind::Boolean:
      return v.asBool();
    case Kind::Number:
      return v.asNumber() != 0 && !std::isnan(v.asNumber());
    case Kind::String:
      return !v.asString().empty();
    default:
      return true;
  }
}

double toNumber(const Value& v) {
  switch (v.kind()) {
    case Kind::Null:
      return 0;
    case Kind::Boolean:
      return v.asBool() ? 1 : 0;
    case Kind::Number:
      return v.asNumber();
    case Kind::String:
      return parseNumber(v.asString());
    default:
      return NAN;
  }
}

std::string toString(const Value& v) {
  switch (v.kind()) {
    case Kind::Null:
      return "";
    case Kind::Boolean:
      return v.asBool() ? "true" : "false";
    case Kind::Number:
      return formatNumber(v.asNumber());
    case Kind::String:
      return v.asString();
    case Kind::Array:
      return "Array";
    case Kind::Object:
      return "Object";
  }
  return "";
}

namespace {

// The length of the white space (as JavaScript's String#trim sees it) that
// starts at s[i], or 0.
size_t spaceAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c < 0xC2) return 0;
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (c == 0xC2 && at(1) == 0xA0) return 2;                   // U+00A0
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && at(1) == 0x80 &&
      (at(2) <= 0x8A || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF))
    return at(2) >= 0x80 ? 3 : 0;                             // U+2000..200A, 2028, 2029, 202F
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;  // U+3000
  if (c == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return 3;  // U+FEFF
  return 0;
}

std::string_view trimJs(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t n = spaceAt(s, b);
    if (n == 0) break;
    b += n;
  }
  s.remove_prefix(b);
  // Trailing: scan forward, remembering where the last non-space ended.
  size_t end = 0;
  for (size_t i = 0; i < s.size();) {
    size_t n = spaceAt(s, i);
    if (n == 0) {
      ++i;
      end = i;
    } else {
      i += n;
    }
  }
  return s.substr(0, end);
}

double parseRadix(std::string_view digits, int radix) {
  if (digits.empty()) return NAN;
  double r = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'Z')
      d = c - 'A' + 10;
    else
      return NAN;
    if (d >= radix) return NAN;
    r = r * radix + d;
  }
  return r;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

double parseNumber(std::string_view text) {
  std::string_view s = trimJs(text);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    char p = s[1];
    if (p == 'x' || p == 'X') return parseRadix(s.substr(2), 16);
    if (p == 'o' || p == 'O') return parseRadix(s.substr(2), 8);
    if (p == 'b' || p == 'B') return parseRadix(s.substr(2), 2);
  }
  bool negative = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "Infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  // [0-9]+(\.[0-9]*)? | \.[0-9]+, then an optional exponent.
  size_t i = 0, intDigits = 0, fracDigits = 0;
  while (i < body.size() && isDigit(body[i]))
    ++i, ++intDigits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && isDigit(body[i]))
      ++i, ++fracDigits;
  }
  if (intDigits + fracDigits == 0) return NAN;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t start = i;
    while (i < body.size() && isDigit(body[i]))
      ++i;
    if (i == start) return NAN;
  }
  if (i != body.size()) return NAN;
  double d = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), d);
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars leaves d alone on overflow and underflow; tell them apart.
    size_t e = body.find_first_of("eE");
    bool tiny = e != std::string_view::npos && body[e + 1] == '-';
    d = tiny ? 0.0 : HUGE_VAL;
  }
  return negative ? -d : d;
}

namespace {

// Splits d (finite, non-zero) into decimal digits and the exponent of the
// first digit, rounded to `precision` significant digits (0: shortest).
void decimalDigits(double d, int precision, std::string* digits, int* exponent) {
  char buf[64];
  std::to_chars_result r;
  if (precision > 0)
    r = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific,
                      precision - 1);
  else
    r = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string_view s(buf, r.ptr - buf);
  size_t e = s.find('e');
  digits->clear();
  for (char c : s.substr(0, e))
    if (c != '.') digits->push_back(c);
  while (digits->size() > 1 && digits->back() == '0')
    digits->pop_back();
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), *exponent);
}

std::string fixedForm(const std::string& digits, int exponent) {
  std::string r;
  if (exponent < 0) {
    r = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
    r = digits + std::string(exponent + 1 - digits.size(), '0');
  } else {
    r = digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
  }
  return r;
}

std::string mantissa(const std::string& digits) {
  return digits.size() == 1 ? digits : digits.substr(0, 1) + "." + digits.substr(1);
}

std::string specialNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return "0";
}

}  // namespace

std::string formatNumber(double d) {
  if (d == 0 || !std::isfinite(d)) return specialNumber(d);
  std::string digits;
  int exponent = 0;
  decimalDigits(d, 15, &digits, &exponent);
  std::string sign = d < 0 ? "-" : "";
  if (exponent > -5 && exponent < 15) return sign + fixedForm(digits, exponent);
  std::string e = std::to_string(std::abs(exponent));
  if (e.size() < 2) e = "0" + e;
  return sign + mantissa(digits) + (exponent < 0 ? "E-" : "E+") + e;
}

std::string formatNumberJs(double d) {
  if (d == 0 || !std::isfinite(d)) return specialNumber(d);
  std::string digits;
  int exponent = 0;
  decimalDigits(d, 0, &digits, &exponent);
  std::string sign = d < 0 ? "-" : "";
  if (exponent >= -7 && exponent < 21) return sign + fixedForm(digits, exponent);
  return sign + mantissa(digits) + (exponent < 0 ? "e-" : "e+") +
         std::to_string(std::abs(exponent));
}

namespace {

// Lower-case letters and their upper case, as JavaScript's toUpperCase maps
// them, for the scripts workflows use: Latin, Greek, Cyrillic, Armenian and
// full-width Latin. A row covers [lo, hi]; with step 2 only every other code
// point (starting at lo) is a lower-case letter. Source: Unicode's
// UnicodeData.txt simple upper-case mappings. U+0131 (dotless i) is left
// alone on purpose: GitHub's toUpperSpecial skips it.
struct CaseRange {
  char32_t lo, hi;
  int32_t delta;
  uint8_t step;
};

constexpr CaseRange kUpper[] = {
    {0x61, 0x7A, -32, 1},    {0xB5, 0xB5, 0x39C - 0xB5, 1},   {0xE0, 0xF6, -32, 1},
    {0xF8, 0xFE, -32, 1},    {0xFF, 0xFF, 0x178 - 0xFF, 1},   {0x101, 0x12F, -1, 2},
    {0x133, 0x137, -1, 2},   {0x13A, 0x148, -1, 2},           {0x14B, 0x177, -1, 2},
    {0x17A, 0x17E, -1, 2},   {0x17F, 0x17F, 0x53 - 0x17F, 1}, {0x3AC, 0x3AC, 0x386 - 0x3AC, 1},
    {0x3AD, 0x3AF, -37, 1},  {0x3B1, 0x3C1, -32, 1},          {0x3C2, 0x3C2, -31, 1},
    {0x3C3, 0x3CB, -32, 1},  {0x3CC, 0x3CC, -64, 1},          {0x3CD, 0x3CE, -63, 1},
    {0x430, 0x44F, -32, 1},  {0x450, 0x45F, -80, 1},          {0x461, 0x481, -1, 2},
    {0x48B, 0x4BF, -1, 2},   {0x4C2, 0x4CE, -1, 2},           {0x4CF, 0x4CF, -15, 1},
    {0x4D1, 0x52F, -1, 2},   {0x561, 0x586, -48, 1},          {0x1E01, 0x1E95, -1, 2},
    {0x1EA1, 0x1EFF, -1, 2}, {0xFF41, 0xFF5A, -32, 1},
};

char32_t upper(char32_t c) {
  for (const CaseRange& r : kUpper) {
    if (c < r.lo) return c;
    if (c <= r.hi) return (c - r.lo) % r.step == 0 ? static_cast<char32_t>(c + r.delta) : c;
  }
  return c;
}

// Decodes the UTF-8 sequence at s[i]; *n is its length. Invalid bytes come
// back as themselves with length 1 (and are then copied unchanged).
char32_t decode(std::string_view s, size_t i, size_t* n) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) {
    *n = 1;
    return 0xFFFFFFFF;
  }
  char32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *n = static_cast<size_t>(len);
  return cp;
}

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string foldCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(b >= 'a' && b <= 'z' ? static_cast<char>(b - 32) : static_cast<char>(b));
      ++i;
      continue;
    }
    size_t n = 0;
    char32_t cp = decode(s, i, &n);
    char32_t up = cp == 0xFFFFFFFF || cp > 0xFFFF ? cp : upper(cp);
    if (cp == 0xDF) {
      out += "SS";  // sharp s upper-cases to two letters
    } else if (up == cp) {
      out.append(s, i, n);
    } else {
      encode(up, out);
    }
    i += n;
  }
  return out;
}

namespace {

// Mixed kinds meet as numbers, except that a string meets an array or object
// unconverted (and so never equals it).
void coerce(Value& l, Value& r) {
  if (l.kind() == r.kind()) return;
  auto numeric = [](const Value& v) {
    return v.kind() == Kind::Null || v.kind() == Kind::Boolean || v.kind() == Kind::Number ||
           v.kind() == Kind::String;
  };
  if (l.kind() == Kind::Null || l.kind() == Kind::Boolean) {
    l = Value::number(toNumber(l));
    return coerce(l, r);
  }
  if (r.kind() == Kind::Null || r.kind() == Kind::Boolean) {
    r = Value::number(toNumber(r));
    return coerce(l, r);
  }
  if (numeric(l) && numeric(r)) {
    l = Value::number(toNumber(l));
    r = Value::number(toNumber(r));
  }
}

// -1, 0, 1 for ordered values of one kind; 2 when unordered.
int compare(const Value& a, const Value& b) {
  Value l = a, r = b;
  coerce(l, r);
  if (l.kind() != r.kind()) return 2;
  switch (l.kind()) {
    case Kind::Null:
      return 0;
    case Kind::Boolean:
      return l.asBool() == r.asBool() ? 0 : (l.asBool() ? 1 : -1);
    case Kind::Number: {
      double x = l.asNumber(), y = r.asNumber();
      if (std::isnan(x) || std::isnan(y)) return 2;
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case Kind::String: {
      int c = foldCase(l.asString()).compare(foldCase(r.asString()));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default:
      return l.identity() == r.identity() ? 0 : 2;
  }
}

}  // namespace

bool looseEquals(const Value& a, const Value& b) {
  return compare(a, b) == 0;
}

bool lessThan(const Value& a, const Value& b) {
  Value l = a, r = b;
  coerce(l, r);
  if (l.kind() == Kind::Array || l.kind() == Kind::Object) return false;
  return compare(a, b) == -1;
}

bool greaterThan(const Value& a, const Value& b) {
  Value l = a, r = b;
  coerce(l, r);
  if (l.kind() == Kind::Array || l.kind() == Kind::Object) return false;
  return compare(a, b) == 1;
}

namespace {

void writeJson(const Value& v, int indent, std::string& out) {
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  switch (v.kind()) {
    case Kind::Null:
      out += "null";
      return;
    case Kind::Boolean:
      out += v.asBool() ? "true" : "false";
      return;
    case Kind::Number:
      out += std::isfinite(v.asNumber()) ? formatNumberJs(v.asNumber()) : "null";
      return;
    case Kind::String:
      appendJsonString(out, v.asString());
      return;
    case Kind::Array: {
      if (v.items().empty()) {
        out += "[]";
        return;
      }
      out += "[";
      bool first = true;
      for (const Value& item : v.items()) {
        out += first ? "\n" : ",\n";
        first = false;
        out += pad;
        writeJson(item, indent + 2, out);
      }
      out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "]";
      return;
    }
    case Kind::Object: {
      if (v.asObject().size() == 0) {
        out += "{}";
        return;
      }
      out += "{";
      bool first = true;
      for (const auto& [key, item] : v.asObject().entries()) {
        out += first ? "\n" : ",\n";
        first = false;
        out += pad;
        appendJsonString(out, key);
        out += ": ";
        writeJson(item, indent + 2, out);
      }
      out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "}";
      return;
    }
  }
}

}  // namespace

std::string toJson(const Value& v) {
  std::string out;
  writeJson(v, 0, out);
  return out;
}

nlohmann::ordered_json toJsonValue(const Value& v) {
  switch (v.kind()) {
    case Kind::Null:
      return nullptr;
    case Kind::Boolean:
      return v.asBool();
    case Kind::Number: {
      double d = v.asNumber();
      if (!std::isfinite(d)) return nullptr;
      if (d == std::floor(d) && std::fabs(d) < 9007199254740992.0) return static_cast<int64_t>(d);
      return d;
    }
    case Kind::String:
      return v.asString();
    case Kind::Array: {
      auto a = nlohmann::ordered_json::array();
      for (const Value& item : v.items())
        a.push_back(toJsonValue(item));
      return a;
    }
    case Kind::Object: {
      auto o = nlohmann::ordered_json::object();
      for (const auto& [key, item] : v.asObject().entries())
        o[key] = toJsonValue(item);
      return o;
    }
  }
  return nullptr;
}

namespace {

// Recursion bounded by kMaxJsonDepth: a context given as JSON lines is
// parsed by nlohmann without a depth limit, and both this walk and the
// Value tree it builds (whose destructor recurses) must stay shallow.
bool convertJson(const nlohmann::ordered_json& j, int depth, Value* out, std::string* err) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::boolean:
      *out = Value::boolean(j.get<bool>());
      return true;
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned:
    case nlohmann::ordered_json::value_t::number_float:
      *out = Value::number(j.get<double>());
      return true;
    case nlohmann::ordered_json::value_t::string:
      *out = Value::string(j.get<std::string>());
      return true;
    case nlohmann::ordered_json::value_t::array:
    case nlohmann::ordered_json::value_t::object:
      break;
    default:
      *out = Value();
      return true;
  }
  if (depth >= kMaxJsonDepth) {
    *err = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return false;
  }
  if (j.is_array()) {
    std::vector<Value> items(j.size());
    for (size_t i = 0; i < j.size(); ++i)
      if (!convertJson(j[i], depth + 1, &items[i], err)) return false;
    *out = Value::array(std::move(items));
    return true;
  }
  Object o;
  for (const auto& [key, item] : j.items()) {
    Value v;
    if (!convertJson(item, depth + 1, &v, err)) return false;
    o.add(key, std::move(v));
  }
  *out = Value::object(std::move(o));
  return true;
}

}  // namespace

bool fromJsonValue(const nlohmann::ordered_json& j, Value* out, std::string* err) {
  return convertJson(j, 0, out, err);
}

namespace {

// A JSON reader with JavaScript's JSON.parse semantics where they matter to
// expressions: numbers too large for a double become Infinity (not an
// error), a repeated key keeps its first position and its last value.
class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : t_(text) {}

  bool read(Value* out, std::string* err) {
    skip();
    if (!value(out, 0)) {
      *err = error_;
      return false;
    }
    skip();
    if (i_ != t_.size()) {
      *err = fail("unexpected text after the JSON value");
      return false;
    }
    return true;
  }

 private:
  std::string fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at offset " + std::to_string(i_);
    return error_;
  }

  void skip() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }

  bool literal(std::string_view word) {
    if (t_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  // depth: the arrays and objects around this value.
  bool value(Value* out, int depth) {
    if (i_ >= t_.size()) {
      fail("unexpected end of JSON");
      return false;
    }
    char c = t_[i_];
    if ((c == '{' || c == '[') && depth >= kMaxJsonDepth) {
      fail("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      return false;
    }
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      std::string s;
      if (!string(&s)) return false;
      *out = Value::string(std::move(s));
      return true;
    }
    if (literal("true")) return *out = Value::boolean(true), true;
    if (literal("false")) return *out = Value::boolean(false), true;
    if (literal("null")) return *out = Value(), true;
    return number(out);
  }

  bool number(Value* out) {
    size_t start = i_;
    auto digits = [&] {
      size_t b = i_;
      while (i_ < t_.size() && isDigit(t_[i_]))
        ++i_;
      return i_ - b;
    };
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    size_t intStart = i_;
    size_t n = digits();
    if (n == 0 || (n > 1 && t_[intStart] == '0')) return fail("invalid number"), false;
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      if (digits() == 0) return fail("invalid number"), false;
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (digits() == 0) return fail("invalid number"), false;
    }
    *out = Value::number(parseNumber(t_.substr(start, i_ - start)));
    return true;
  }

  static void append(uint32_t cp, std::string& s) {
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool hex4(uint32_t* cp) {
    if (i_ + 4 > t_.size()) return false;
    *cp = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[i_ + k];
      int d = isDigit(c)               ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return false;
      *cp = *cp * 16 + static_cast<uint32_t>(d);
    }
    i_ += 4;
    return true;
  }

  bool string(std::string* s) {
    ++i_;  // the opening quote
    while (i_ < t_.size()) {
      char c = t_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string"), false;
      if (c != '\\') {
        s->push_back(c);
        continue;
      }
      if (i_ >= t_.size()) break;
      char e = t_[i_++];
      switch (e) {
        case '"':
          s->push_back('"');
          break;
        case '\\':
          s->push_back('\\');
          break;
        case '/':
          s->push_back('/');
          break;
        case 'b':
          s->push_back('\b');
          break;
        case 'f':
          s->push_back('\f');
          break;
        case 'n':
          s->push_back('\n');
          break;
        case 'r':
          s->push_back('\r');
          break;
        case 't':
          s->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!hex4(&cp)) return fail("invalid \\u escape"), false;
          if (cp >= 0xD800 && cp < 0xDC00 && t_.substr(i_, 2) == "\\u") {
            size_t save = i_;
            i_ += 2;
            uint32_t lo;
            if (hex4(&lo) && lo >= 0xDC00 && lo < 0xE000)
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else
              i_ = save;
          }
          append(cp, *s);
          break;
        }
        default:
          return fail("invalid escape"), false;
      }
    }
    return fail("unterminated string"), false;
  }

  bool array(Value* out, int depth) {
    ++i_;
    std::vector<Value> items;
    skip();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      *out = Value::array(std::move(items));
      return true;
    }
    for (;;) {
      skip();
      Value v;
      if (!value(&v, depth + 1)) return false;
      items.push_back(std::move(v));
      skip();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < t_.size() && t_[i_] == ']') {
        ++i_;
        *out = Value::array(std::move(items));
        return true;
      }
      return fail("expected ',' or ']'"), false;
    }
  }

  bool object(Value* out, int depth) {
    ++i_;
    std::vector<std::pair<std::string, Value>> pairs;
    std::unordered_map<std::string, size_t> seen;
    skip();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      *out = Value::object(Object());
      return true;
    }
    for (;;) {
      skip();
      if (i_ >= t_.size() || t_[i_] != '"') return fail("expected a string key"), false;
      std::string key;
      if (!string(&key)) return false;
      skip();
      if (i_ >= t_.size() || t_[i_] != ':') return fail("expected ':'"), false;
      ++i_;
      skip();
      Value v;
      if (!value(&v, depth + 1)) return false;
      auto [at, fresh] = seen.emplace(key, pairs.size());
      if (fresh)
        pairs.emplace_back(std::move(key), std::move(v));
      else
        pairs[at->second].second = std::move(v);
      skip();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
        Object o;
        for (auto& [k, val] : pairs)
          o.add(std::move(k), std::move(val));
        *out = Value::object(std::move(o));
        return true;
      }
      return fail("expected ',' or '}'"), false;
    }
  }

  std::string_view t_;
  size_t i_ = 0;
  std::string error_;
};

}  // namespace

bool parseJson(std::string_view text, Value* out, std::string* err) {
  return JsonReader(text).read(out, err);
}

}  // namespace galley::expr

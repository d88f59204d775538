// The values expressions compute with, and GitHub's coercion rules on them.
//
// Semantics follow GitHub's runner (actions/runner, Sdk/DTExpressions2) and
// its TypeScript twin (@actions/expressions); where the two differ, the
// runner wins and docs/expressions.md names the case.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace galley::expr {

enum class Kind : uint8_t { Null, Boolean, Number, String, Array, Object };

// "Null", "Boolean", "Number", "String", "Array", "Object".
const char* kindName(Kind k);

class Value;

struct Array {
  std::vector<Value> items;
};

// An object with case-insensitive keys; keys keep their first spelling and
// insertion order. Adding a key that exists (ignoring case) is a no-op, as in
// the runner's dictionaries.
class Object {
 public:
  void add(std::string key, Value value);
  // The value of key compared case-insensitively (ASCII), or nullptr.
  const Value* find(std::string_view key) const;
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  size_t size() const;

 private:
  std::vector<std::pair<std::string, Value>> entries_;
  std::unordered_map<std::string, size_t> index_;  // lower-cased key -> entry
};

// An immutable value. Arrays and objects are shared: copying a Value is cheap,
// and two arrays or objects are equal only when they are the same one.
class Value {
 public:
  Value() = default;
  static Value boolean(bool b);
  static Value number(double d);
  static Value string(std::string s);
  static Value array(std::vector<Value> items, bool filtered = false);
  static Value object(Object o);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isPrimitive() const { return kind_ != Kind::Array && kind_ != Kind::Object; }
  // An array made by a `*` filter: further property access maps over it.
  bool isFiltered() const { return filtered_; }

  bool asBool() const { return std::get<bool>(v_); }
  double asNumber() const { return std::get<double>(v_); }
  const std::string& asString() const { return std::get<std::string>(v_); }
  const std::vector<Value>& items() const { return std::get<std::shared_ptr<Array>>(v_)->items; }
  const Object& asObject() const { return *std::get<std::shared_ptr<Object>>(v_); }
  // Identity of an array or object, for equality.
  const void* identity() const;

 private:
  Kind kind_ = Kind::Null;
  bool filtered_ = false;
  std::variant<std::monostate, bool, double, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Object>>
      v_;
};

// Defined here, once Value is complete: clang instantiates the entries'
// pair type eagerly, where g++ waits.
inline size_t Object::size() const {
  return entries_.size();
}

// --- Coercions (GitHub) ---

// Truthiness as `if:` reads it: null, false, 0, NaN and '' are false.
bool truthy(const Value& v);
// Number of a value: null 0, booleans 0/1, strings parsed (see parseNumber),
// arrays and objects NaN.
double toNumber(const Value& v);
// String of a value as `${{ }}` writes it: null '', booleans true/false,
// numbers as formatNumber, arrays 'Array', objects 'Object'.
std::string toString(const Value& v);

// GitHub's string-to-number: surrounding whitespace ignored, '' is 0, decimal
// with optional sign and exponent, 0x hex, 0o octal, 0b binary, Infinity;
// anything else is NaN.
double parseNumber(std::string_view s);
// The runner's number format (.NET "G15"): 15 significant digits, exponent
// form below 1e-5 or from 1e15, 0 for negative zero, Infinity, NaN.
std::string formatNumber(double d);
// JavaScript's Number#toString (shortest round trip), used by toJSON.
std::string formatNumberJs(double d);

// Loose equality and ordering with GitHub's coercions: mixed kinds compare
// as numbers, strings compare case-insensitively, NaN is unordered.
bool looseEquals(const Value& a, const Value& b);
bool lessThan(const Value& a, const Value& b);
bool greaterThan(const Value& a, const Value& b);

// Upper-cases as the runner does for comparisons (ASCII and Latin-1 letters
// in UTF-8; other text unchanged).
std::string foldCase(std::string_view s);

// --- JSON ---

// toJSON: two-space indented JSON, as GitHub prints it.
std::string toJson(const Value& v);
// The value as a JSON document (for CLI output and tests).
nlohmann::ordered_json toJsonValue(const Value& v);
// JSON nesting deeper than this is refused (by both functions below), so
// that hostile input cannot exhaust the stack.
inline constexpr int kMaxJsonDepth = 500;

// A value from a JSON document (contexts, fromJSON). Integral numbers become
// doubles; objects keep key order, the first of case-insensitive duplicates.
// On a document nested deeper than kMaxJsonDepth returns false and sets *err.
bool fromJsonValue(const nlohmann::ordered_json& j, Value* out, std::string* err);
// Parses text as JSON. On failure returns false and sets *err.
bool parseJson(std::string_view text, Value* out, std::string* err);

}  // namespace galley::expr

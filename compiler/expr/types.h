// Static types of GitHub expressions, as the linter infers them: any, null,
// number, bool, string, object and array. Objects are strict (only the
// properties listed exist: `{os: string}`), or maps whose every other
// property has one type (`{string => string}`; a map of any is written
// `object`). Types are immutable and shared: build a context's type once and
// hand out pointers. Property names compare ignoring ASCII case, as GitHub's
// do; they are stored lower-cased.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/expr/value.h"

namespace galley::expr {

enum class TypeKind : uint8_t { Any, Null, Number, Bool, String, Object, Array };

struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct Type {
  TypeKind kind = TypeKind::Any;
  // Object: known properties by lower-case name, sorted by name.
  std::vector<std::pair<std::string, TypePtr>> props;
  // Array: the element type. Object: the type of every property not in
  // props, or nullptr when the object has no others (strict).
  TypePtr elem;

  bool isStrictObject() const { return kind == TypeKind::Object && !elem; }
  // Object, array or null: what `${{ }}` renders as JSON or as nothing.
  bool isStructured() const {
    return kind == TypeKind::Object || kind == TypeKind::Array || kind == TypeKind::Null;
  }
  // The type of a known property (any case), or nullptr.
  const TypePtr* find(std::string_view name) const;
};

namespace types {

const TypePtr& any();
const TypePtr& null();
const TypePtr& number();
const TypePtr& boolean();
const TypePtr& string();
// `object`: a map of any (nothing known about its properties).
const TypePtr& object();
TypePtr arrayOf(TypePtr elem);
// `{string => elem}`.
TypePtr mapOf(TypePtr elem);
// A strict object (or with rest, a map with known properties). Names are
// lower-cased; the first of duplicate names wins.
TypePtr objectOf(std::vector<std::pair<std::string, TypePtr>> props, TypePtr rest = nullptr);

// Parses the notation toString writes: any, null, number, bool, string,
// object, array<T>, {a: T; b: T}, {string => T}. Returns nullptr on a
// syntax error (tables of types are data; their tests parse every row).
TypePtr parse(std::string_view text);
// The type of a value (a literal, fromJSON's result).
TypePtr ofValue(const Value& v);

// One type for two sources of a value (matrix rows, ||): the same kind
// stays; strings absorb numbers and bools; objects union their properties;
// anything else is any.
TypePtr merge(const TypePtr& a, const TypePtr& b);
// Whether a value of type from may be passed where to is expected (a
// function parameter): any both ways, scalars convert to each other, objects
// and arrays only to their own kind.
bool assignable(const Type& to, const Type& from);
// Whether GitHub compares a and b meaningfully: == and != never mix scalars
// with objects or arrays; <, <=, >, >= order only strings and numbers.
bool comparable(const Type& a, const Type& b, bool equality);

std::string toString(const Type& t);

// The type of a context wherever it is used, before what one workflow says
// of it (its inputs, matrix, steps, needs): github, runner, job, strategy,
// env, vars, secrets, and loose shapes of inputs, matrix, steps, needs and
// jobs. Any for a name that is not a context.
const TypePtr& context(std::string_view name);

// Whether name (in any case) is one of the contexts above.
bool isContext(std::string_view name);

}  // namespace types
}  // namespace galley::expr

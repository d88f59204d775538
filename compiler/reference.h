// The neutral dialect's `${{ }}` references and `if:` conditions.
//
// Recipe text is parsed into Text: literal pieces and Refs to values known
// only at run time (inputs, secrets, matrix values, step and job outputs,
// facts of the run such as its commit).
// Compile-time values (parameters, variables) are substituted while parsing,
// through a Resolver, so emitters only ever see runtime Refs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/yaml.h"

namespace galley {

struct Ref {
  enum class Kind { Input, Secret, Matrix, StepOutput, JobOutput, Run };
  Kind kind = Kind::Input;
  std::string name;        // input, secret, matrix or run fact name; the output name for outputs
  std::string step;        // the step that sets the output (outputs only)
  std::string stage;       // JobOutput: absolute id of the use (stage) holding the job
  std::string job;         // JobOutput: job id within that stage
  std::string stepOutput;  // outputs: the output name as the step sets it
  std::string env;         // environment variable a script reads it from
  Location where;
};

struct Piece {
  std::string text;
  std::optional<Ref> ref;
};

struct Text {
  std::vector<Piece> pieces;
  Location where;

  static Text literal(std::string s, Location where = {});
  bool hasRefs() const;
  bool empty() const { return pieces.empty(); }
  // The text with references left out; exact when !hasRefs().
  std::string str() const;
  // The single reference when the text is exactly one, else nullptr.
  const Ref* onlyRef() const;
  void append(const Text& other);
};

// Resolves a reference path such as {"params", "data"} or
// {"needs", "train", "outputs", "model"}. Appends what it stands for to out
// and returns true, or reports at where and returns false.
class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual bool resolve(const std::vector<std::string>& path, Location where, Text& out,
                       Diagnostics& diags) = 0;
};

// The environment variable name of a reference path: upper case, '.' and '-'
// become '_', "outputs" dropped: steps.train.outputs.model -> STEPS_TRAIN_MODEL.
std::string envNameOf(const std::vector<std::string>& path);

// Parses a scalar's text with its `${{ }}` references resolved.
std::optional<Text> parseText(const yaml::Node& scalar, Resolver& resolver, Diagnostics& diags);

// A condition: GitHub's expression syntax, restricted to what galley can
// write for every target.
// A condition. Or and And hold two or more operands (a chain is one node);
// Eq and Ne two; Not one.
struct Cond {
  enum class Op { Or, And, Not, Eq, Ne, Status, Literal, Value };
  enum class Lit { String, Number, Boolean, Null };
  Op op = Op::Literal;
  std::vector<Cond> args;
  std::string text;  // Status: function name; Literal: the value
  Lit lit = Lit::String;
  std::optional<Ref> ref;  // Value
  Location where;

  // Whether a status function (success, failure, always, cancelled) appears.
  bool usesStatus() const;
};

// Parses an `if:` value (with or without `${{ }}`; YAML booleans too).
std::optional<Cond> parseCondition(const yaml::Node& n, Resolver& resolver, Diagnostics& diags);

// Folds what is known at compile time. Returns true or false when the whole
// condition is constant; otherwise simplifies cond in place and returns nullopt.
std::optional<bool> fold(Cond& cond);

// Every reference a text or condition reads.
void collectRefs(const Text& t, std::vector<const Ref*>& out);
void collectRefs(const Cond& c, std::vector<const Ref*>& out);

// Location of the value bytes [k, k + length) of a scalar, in every scalar
// style (block scalars too); the scalar's start when the source cannot be
// replayed.
Location locationInScalar(const yaml::Node& scalar, size_t k, size_t length);
// The same through a map of the scalar that the caller keeps: a map replays
// its scalar once, so a caller locating many pieces of one scalar stays
// linear (a fresh map per piece is quadratic in the scalar's length).
Location locationInScalar(const expr::ScalarMap& map, const yaml::Node& scalar, size_t k,
                          size_t length);

}  // namespace galley

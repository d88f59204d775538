// Recipes: typed, parameterized pieces of a pipeline (see docs/recipes.md).
//
// A Recipe is loaded and shape-checked once; its body stays YAML until
// expansion substitutes parameters into it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley {

enum class ParamType { String, Number, Boolean, Choice, List, Map, Script };

const char* paramTypeName(ParamType t);

struct Parameter {
  std::string name;
  ParamType type = ParamType::String;
  std::string description;
  std::optional<yaml::Node> defaultValue;
  std::vector<std::string> options;  // choice
  std::optional<double> minimum;     // number: the smallest value allowed
  std::optional<double> maximum;     // number: the largest value allowed
  // required-if: a condition on the other parameters under which an empty
  // value is an error (an Azure ML workspace when backend is azureml).
  std::optional<yaml::Node> requiredIf;
  Location where;  // the parameter's name in the recipe
};

struct RecipeOutput {
  std::string name;
  std::string description;
  std::string member;  // job id (job recipes) or use id (composites)
  std::string output;  // the member's output
  Location where;
};

enum class RecipeKind { Jobs, Steps, Uses };

struct Recipe {
  std::string name;
  std::string description;
  std::string origin;  // "built in" or the project folder it came from
  RecipeKind kind = RecipeKind::Jobs;
  std::vector<Parameter> parameters;
  std::vector<RecipeOutput> outputs;
  yaml::Node body;  // the value of jobs:, steps: or uses:
  Location where;   // the recipe: key

  const Parameter* parameter(const std::string& name) const;
  const RecipeOutput* output(const std::string& name) const;
};

// Reads and checks a recipe document. Returns nullptr after reporting when
// the recipe cannot be used.
std::unique_ptr<Recipe> parseRecipe(const yaml::Node& doc, const std::string& expectedName,
                                    Diagnostics& diags);

// A script parameter's value as the words that follow `python`: none for ""
// (no script), {FILE} for a file, {"-m", MODULE} for a module; a leading
// `python` or `python3` is the recipe's own python, and dropped. nullopt when
// the value is neither; *problem then says what is wrong and *hint what to
// write instead.
std::optional<std::vector<std::string>> scriptWords(const std::string& value, std::string* problem,
                                                    std::string* hint);

// A number as messages write it: 100, 0.5 (not 100.000000).
std::string paramNumberText(double n);
// p's required-if condition as messages quote it, without its ${{ }}:
// "params.backend == 'azureml'"; "" when p has none.
std::string requiredIfText(const Parameter& p);

// Checks that value suits parameter p: its type, a choice's options, a
// number's range. Single `${{ }}` references are accepted for every type.
bool checkParameterValue(const Parameter& p, const yaml::Node& value, Diagnostics& diags);

// Finds recipes by name: a project's folder first, then the built-in
// library compiled into galley. Loads each recipe once.
class RecipeLibrary {
 public:
  // projectDir may be empty (no project recipes).
  RecipeLibrary(Sources& sources, std::string projectDir);

  // The recipe, or nullptr when it does not exist or is broken (the problem
  // is reported into diags the first time).
  const Recipe* find(const std::string& name, Diagnostics& diags);
  bool exists(const std::string& name) const;
  // Every recipe name, sorted.
  std::vector<std::string> names() const;

 private:
  Sources& sources_;
  std::string projectDir_;
  std::map<std::string, std::unique_ptr<Recipe>> loaded_;
  std::map<std::string, bool> failed_;
};

// How a built-in recipe's text is named in diagnostics, "recipe 'NAME'
// (built in)": never a path, since the user has no such file (`galley
// recipes show --source NAME` prints it, `galley recipes export` copies it).
std::string builtinRecipeSourceName(const std::string& name);
// Whether file is a built-in recipe's text (named as above).
bool isBuiltinRecipeSource(const SourceFile* file);

// A secret a recipe reads, and the recipe whose text reads it (the recipe
// itself, or one it uses as a step or member).
struct RecipeSecret {
  std::string name;
  std::string readBy;
};

// Every secret recipe r reads, through the recipes it uses too, sorted by
// name, each with the first recipe found to read it. Secrets read only by
// steps that a condition may skip are listed too: galley.yml must list them
// whenever the step is kept.
std::vector<RecipeSecret> recipeSecrets(const Recipe& r, RecipeLibrary& library);

// The built-in library as compiled into the binary: name -> YAML text.
const std::map<std::string, std::string>& builtinRecipeFiles();

}  // namespace galley

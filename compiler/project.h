// galley.yml: a project's pipelines, composed of recipe uses (docs/pipeline.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley {

// One recipe use: in galley.yml's `recipes:` or a composite recipe's `uses:`.
struct Use {
  std::string id;
  std::string recipe;
  std::string name;                  // display name; empty for the recipe's description
  const yaml::Node* with = nullptr;  // mapping or nullptr
  std::vector<std::pair<std::string, Location>> needs;
  const yaml::Node* condition = nullptr;
  Location where;        // the use's id
  Location recipeWhere;  // the recipe name (the id when implicit)
};

// Reads a mapping of uses. The nodes must outlive the returned uses.
std::vector<Use> parseUses(const yaml::Node& map, Diagnostics& diags);

struct Environment {
  std::string name;
  std::string description;
  std::vector<std::string> approvers;
  Location where;
};

struct ManualInput {
  std::string name;
  std::string type;  // string, number, boolean or choice
  std::string description;
  std::optional<yaml::Node> defaultValue;
  std::vector<std::string> options;
  Location where;
};

struct BranchFilter {
  bool present = false;
  std::vector<std::string> branches;
  std::vector<std::string> paths;
};

struct Schedule {
  std::string cron;
  std::vector<std::string> branches;
  Location where;          // the cron value
  Location branchesWhere;  // the branches list, when written
};

struct Triggers {
  BranchFilter push;
  BranchFilter pullRequest;
  std::vector<Schedule> schedules;
  bool manual = false;
  std::vector<ManualInput> inputs;
};

struct Agents {
  std::vector<std::string> githubLabels = {"ubuntu-latest"};
  Location githubWhere;                      // where the labels are written, when they are
  std::string adoPool;                       // self-hosted pool, or
  std::string adoVmImage = "ubuntu-latest";  // a Microsoft-hosted image
  Location adoWhere;                         // the pool or image, when written
};

// Which galley the agents run (galley.yml's `galley:`): the version the
// compiled jobs check for, and where to build it from when an agent lacks it.
struct GalleyPin {
  std::string version = GALLEY_VERSION;
  std::string source;  // a git URL; empty: the agent must already have galley
  std::string ref;     // tag or commit of source; default v<version>
};

struct PipelineSpec {
  std::string id;
  std::string name;
  Triggers on;
  std::vector<Use> uses;
  Agents agents;  // the project's, with the pipeline's own 'agents' over them
  Location where;
  Location nameWhere;  // the name's value, when written
};

struct Project {
  std::string path;  // galley.yml as given
  std::string dir;   // its folder
  std::string name;
  bool github = true;
  bool ado = true;
  Agents agents;
  GalleyPin galley;
  std::vector<Environment> environments;
  std::vector<std::pair<std::string, std::string>> variables;
  std::vector<Location> variableWhere;  // the value of each of variables
  std::vector<std::string> secrets;
  std::string recipesDir;  // absolute or relative to the working directory
  std::vector<PipelineSpec> pipelines;
  yaml::Node document;  // owns the nodes Use points into

  const Environment* environment(const std::string& name) const;
  bool hasSecret(const std::string& name) const;
};

// Reads and shape-checks galley.yml. Returns nullopt after reporting when
// the file cannot be used at all; recipe-level problems are for expansion.
std::optional<Project> parseProject(const SourceFile& file, Diagnostics& diags);

}  // namespace galley

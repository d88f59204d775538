// Azure Pipelines template expansion: a pipeline file and every template it
// includes, expanded offline the way Azure DevOps expands them when it
// queues a run (learn.microsoft.com/azure/devops/pipelines/process/templates,
// .../process/template-expressions, .../process/runtime-parameters).
//
// What it does: `extends`; stage, job, step and variable templates; typed
// and untyped `parameters` (types string, number, boolean, object, step,
// stepList, job, jobList, deployment, deploymentList, stage, stageList,
// container, containerList, legacyObject; `values:`; defaults);
// `${{ if }}`, `${{ elseif }}`, `${{ else }}`, `${{ each }}` and
// `${{ insert }}` in mappings and sequences; `${{ }}` in keys and values,
// evaluated with compiler/expr's Azure dialect; `variables` in mapping and
// list form, scoped to the pipeline, stage and job that define them, and
// visible to `${{ variables.x }}` from the point they are defined; template
// paths relative to the including file, `/` for the root of its repository,
// `@alias` for a repository resource mapped to a local folder, `@self`.
// Runtime expressions `$[ ]` and macros `$(x)` are left as written.
//
// Every node of the result carries the Location of the text it came from:
// a node copied from a template points into the template; a scalar that an
// expression computed points at the expression; a value a parameter
// carried points where the caller wrote it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/source.h"
#include "compiler/yaml.h"

namespace galley::azure {

// Azure DevOps' limits on one expansion ("Imposed limits" in the templates
// documentation). Each overrun is an error at the text that caused it.
struct ExpandLimits {
  size_t maxFiles = 100;        // YAML files read, directly or indirectly, the pipeline included
  uint32_t maxNesting = 20;     // templates including templates
  size_t maxBytes = 20u << 20;  // keys and scalar text of the expanded document
  size_t maxNodes = 2'000'000;  // nodes of the expanded document (a memory bound)
};

// Where template files come from. The default reads the disk through the
// Sources given to expand(); tests and the fuzzer supply files in memory.
class TemplateFiles {
 public:
  virtual ~TemplateFiles() = default;
  // The file at path (a path as the expander built it: folder + '/' +
  // relative path, `..` not resolved). On failure nullptr, *err says why
  // ("no such file", "not a regular file", ...), without the path.
  virtual const SourceFile* read(const std::string& path, std::string* err) = 0;
};

struct ExpandOptions {
  // Values for the pipeline's own parameters (--parameters NAME=VALUE), in
  // order; VALUE is read as YAML, so `[a, b]` is a list. A later value for
  // the same name wins. A name the pipeline does not declare is an error.
  std::vector<std::pair<std::string, std::string>> parameters;
  // A YAML file holding a mapping of parameter values (--parameters-file),
  // read before `parameters`, which override it. Empty: none.
  std::string parametersFile;
  // Queue-time variables (--var NAME=VALUE), visible to ${{ variables.x }}
  // everywhere; a variable the YAML defines with the same name shadows one.
  std::vector<std::pair<std::string, std::string>> variables;
  // Repository resource alias -> local folder (--repo ALIAS=PATH), for
  // `template: x.yml@ALIAS`. An alias used without a mapping is an error
  // naming it.
  std::map<std::string, std::string> repositories;
  // The folder `/x.yml` and `x.yml@self` resolve against. Empty: the
  // nearest folder above the pipeline that holds `.git`, else the
  // pipeline's own folder.
  std::string selfRoot;
  ExpandLimits limits;
  // nullptr: read from disk.
  TemplateFiles* files = nullptr;
};

// A `- group: NAME` variable entry: its variables live on the server, so
// ${{ variables.x }} cannot see them. Kept in the output, and listed here.
struct VariableGroup {
  std::string name;
  Location where;
};

struct Expansion {
  // The expanded pipeline (a mapping); nullopt when an error was reported.
  std::optional<yaml::Node> pipeline;
  std::vector<VariableGroup> groups;
  // The repository alias of each `azure-repository` error (an include from
  // a repository resource not mapped to a folder), in the errors' order.
  std::vector<std::string> unmappedRepositories;
  // Every file read, the pipeline first, each once.
  std::vector<const SourceFile*> files;
};

// Expands the pipeline (or template) file at path. A template file expands
// as its own pipeline would: its parameters take their defaults, and one
// without a default is an error. Problems go to diags at the text where
// they lie (inside a template: in the template), each with notes naming the
// include chain, innermost first ("in template 'steps.yml' included
// here"). Errors: exit status 1 for the CLI; the caller decides.
Expansion expand(const std::string& path, const ExpandOptions& options, Sources& sources,
                 Diagnostics& diags);
// The same for a file already read (standard input, tests, the fuzzer).
// Templates it names are read relative to root.path().
Expansion expand(const SourceFile& root, const ExpandOptions& options, Sources& sources,
                 Diagnostics& diags);

// Azure Pipelines reads YAML without anchors and aliases ("Unsupported
// features include anchors, complex keys, and sets", the YAML schema
// reference): each anchor defined is an error at its `&` (an alias needs
// one), rule yaml-anchor. expand() reports them in every file it reads;
// lint calls this with the anchors yaml::loadAll found.
void reportAnchors(const std::vector<yaml::Anchor>& anchors, Diagnostics& diags);

// What kind of file a template is, by its top-level keys: what lint should
// check it as. Pipeline: it has `trigger`, `pr`, `schedules`, `resources`,
// `extends`, `pool`, `name` or more than one of stages/jobs/steps...
enum class FileKind { Pipeline, Stages, Jobs, Steps, Variables, Unknown };
FileKind fileKind(const yaml::Node& root);
const char* fileKindName(FileKind k);

}  // namespace galley::azure

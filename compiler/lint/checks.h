// The check stages lintFile chains, one per file pair. Internal to lint/.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ascii.h"
#include "compiler/diagnostic.h"
#include "compiler/expr/checker.h"
#include "compiler/expr/template.h"
#include "compiler/lint/lint.h"
#include "compiler/lint/schema.h"
#include "compiler/yaml.h"

namespace galley::lint {

struct CheckContext {
  const SourceFile& file;
  Repo* repo;  // may be nullptr
  const LintOptions& options;
  Diagnostics& diags;
  // The repository's actionlint.yaml as read for this file, or nullptr.
  const ActionlintConfig* actionlint = nullptr;
};

// Job ids, needs, step ids, runners, uses:, inputs of actions and reusable
// workflows, shells, schedules, filters, inputs, env names, matrix, timeouts,
// deprecated commands, constant conditions. (workflow.cpp)
void checkWorkflow(const yaml::Node& root, CheckContext& cx);

// action.yml: runs.using, the main file, branding, composite steps. (action.cpp)
void checkActionMetadata(const yaml::Node& root, CheckContext& cx);

// A composite action's steps, as checkWorkflow checks a job's: ids, if:,
// env names, shells, deprecated commands, uses: and the inputs of the
// actions they call. (workflow.cpp)
void checkActionSteps(const yaml::Node& root, CheckContext& cx);

// Template injection, dangerous triggers, permissions, pinning, credentials.
// (security.cpp)
void checkSecurity(const yaml::Node& root, CheckContext& cx);

// Artifacts: an upload that takes in the .git directory of a checkout that
// kept its token (artipacked); in workflow_run workflows, a downloaded
// artifact's contents reaching scripts through step outputs or GITHUB_ENV
// (artifact-poisoning). (artifacts.cpp)
void checkArtifacts(const yaml::Node& root, CheckContext& cx);

// ${{ }} in one scalar the schema accepted (`expression`: whether it holds
// one, as the schema walk found): syntax, unknown functions and argument
// counts, and contexts or functions not available under contextDef (nullptr:
// no expressions are evaluated here). (expressions.cpp)
// Per job: what steps.<id>, needs.<job> and matrix.<key> may name, and the
// types of those contexts; for the whole workflow, inputs, secrets and the
// outputs of jobs. Built once per workflow (or action).
class JobScopes {
 public:
  // repo (may be nullptr) is where local actions and reusable workflows are
  // read from, for their outputs.
  // configVariables, when given, are all that vars.<name> may name.
  // For an action (kind Action), its inputs and a composite action's steps
  // are what inputs.<name> and steps.<id> may name.
  JobScopes(const yaml::Node& root, Repo* repo,
            const std::optional<std::vector<std::string>>& configVariables = std::nullopt,
            FileKind kind = FileKind::Workflow);
  // The scope of a scalar at `at` under contextDef, whose contexts and
  // functions `base` sets: the workflow's inputs, and inside a job its
  // steps, needs and matrix (unknown, so unchecked, outside any job). The
  // scope points into this JobScopes' tables; the last one is kept for the
  // scalars after it, so a JobScopes serves one thread.
  const expr::Scope& scopeAt(Position at, const void* contextDef,
                             const std::function<void(expr::Scope*)>& base) const;
  // What a value that is one whole `${{ }}` at `at` must be, checked
  // against its type: runs-on takes a string or an array, env a mapping, an
  // input's default the input's type.
  void checkWhole(Position at, const expr::Type& type, const yaml::Node& node,
                  Diagnostics& diags) const;

 private:
  struct Step {
    Position begin, end;
    expr::TypePtr steps;  // the steps context inside this step
    size_t idsBefore;     // how many of the job's stepIds come before it
  };
  struct Job {
    Position begin, end;
    std::optional<std::vector<std::string>> needs, matrix;
    std::vector<Step> steps;
    bool stepsInOrder = true;                  // by position, apart: a step is found by bisection
    std::vector<std::string> stepIds;          // the ids its steps give, in order
    std::unique_ptr<CaselessIndex> stepIndex;  // of stepIds, when there are many
    expr::TypePtr stepsAll, needsType, matrixType;
  };
  // A workflow_call input: its default sees only the inputs before it.
  struct Input {
    Position begin, end;
    size_t inputsBefore;  // how many of inputs_ it sees
    expr::TypePtr type;   // the inputs context there
  };
  enum class Want : uint8_t { RunsOn, Env, Bool, Number };
  struct Whole {
    Position at;
    Want want;
    std::string name;  // the input, for Bool and Number
  };
  static std::optional<std::vector<std::string>> matrixKeys(const yaml::Node& job);
  expr::TypePtr matrixType(const yaml::Node& job) const;
  expr::TypePtr valueType(const yaml::Node& n) const;
  expr::TypePtr stepOutputs(const yaml::Node& step) const;
  // Where a position is: which workflow_call input, job and step (-1: none).
  struct Region {
    int input = -1, job = -1, step = -1;
    friend bool operator==(const Region&, const Region&) = default;
  };
  Region regionOf(Position at) const;
  void fill(const Region& r, expr::Scope* scope) const;
  void readInputs(const yaml::Node& root);
  void readAction(const yaml::Node& root);
  void readSteps(const yaml::Node& owner, Job& job) const;
  void readOutputs(const std::string& id, const yaml::Node& job);
  void readWholes(const yaml::Node& root);
  Repo* repo_;
  bool action_ = false;
  struct Cached {
    const void* contextDef = nullptr;
    Region region;
    bool valid = false;
    expr::Scope scope;
  };
  mutable Cached cached_;
  expr::Scope global_;  // for the types of literal matrix values
  std::vector<Job> jobs_;
  std::vector<Input> callInputs_;
  std::vector<Whole> wholes_;
  std::optional<std::vector<std::string>> inputs_, eventInputs_;
  std::unique_ptr<CaselessIndex> inputIndex_;  // of inputs_, when there are many
  expr::TypePtr inputsType_, secretsType_, githubType_, varsType_;
  // jobs.<id> (workflow_call outputs): every job of the workflow, so an id
  // that names none is reported.
  expr::TypePtr jobsType_;
  std::vector<std::pair<std::string, std::vector<std::string>>> outputs_;
};

void checkExpressions(const yaml::Node& scalar, const SchemaDefinition* contextDef, bool expression,
                      const JobScopes& jobs, CheckContext& cx);

// actionlint's configuration for a workflow (.github/actionlint.yaml or .yml
// beside .github/workflows/), so a repository set up for actionlint needs no
// second list of runner labels or variables; nullptr when there is none.
// (lint.cpp)
const SourceFile* actionlintConfig(const SourceFile& workflow, Repo* repo);

// Shared helpers (workflow.cpp).
// The metadata file of a local action (`uses: ./dir`: dir/action.yml, else
// dir/action.yaml), or nullptr when repo has neither.
const SourceFile* localActionFile(Repo* repo, std::string_view uses);
// An action reference as actions.json keys it: owner/name lower-cased, then
// @ and the ref (`actions/cache@v4.1.2`); "" without an '@'.
std::string actionSpec(std::string_view uses);
// Whether ref is a full commit SHA (40 hexadecimal digits).
bool isCommitSha(std::string_view ref);
// The tag a `uses:` pinned to a commit SHA names in a comment after it on
// its line (`owner/repo@<sha> # v4.2.2`, also `# tag=v4.2.2`), as pinning
// advice asks: "v4.2.2", or "" when the ref is no SHA or has no such
// comment. The comment is trusted: galley cannot fetch the tag to compare.
std::string pinnedTag(const yaml::Node& uses);
// actionSpec() of a `uses:`, with a pinned SHA read as the tag its comment
// names.
std::string actionSpecOf(const yaml::Node& uses);
// A spec's major version: inputs and outputs are known per major version, so
// v4.1.2 and v4 share v4's.
std::string_view majorSpec(std::string_view spec);

// Hashes std::string and std::string_view alike, so tables keyed by string
// are looked up without building one.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using expr::hasExpression;
// The steps of a job (its steps: items that are mappings), or of a composite
// action's runs.steps, as a range of `const yaml::Node*` that allocates
// nothing: every check walks them.
class StepRange {
 public:
  using Items = std::vector<yaml::Node>;
  class iterator {
   public:
    iterator(Items::const_iterator at, Items::const_iterator end) : at_(at), end_(end) { skip(); }
    const yaml::Node* operator*() const { return &*at_; }
    iterator& operator++() {
      ++at_;
      skip();
      return *this;
    }
    bool operator!=(const iterator& o) const { return at_ != o.at_; }

   private:
    void skip() {
      while (at_ != end_ && !at_->isMapping())
        ++at_;
    }
    Items::const_iterator at_, end_;
  };
  explicit StepRange(const Items* items) : items_(items) {}
  iterator begin() const {
    return items_ ? iterator(items_->begin(), items_->end()) : iterator({}, {});
  }
  iterator end() const {
    return items_ ? iterator(items_->end(), items_->end()) : iterator({}, {});
  }

 private:
  const Items* items_;
};
StepRange stepsOf(const yaml::Node& job);
// The keys of a step the checks read, found in one pass over it.
struct StepKeys {
  const yaml::Node *id = nullptr, *ifCond = nullptr, *env = nullptr, *uses = nullptr,
                   *run = nullptr, *with = nullptr, *shell = nullptr, *timeout = nullptr;
  explicit StepKeys(const yaml::Node& step);
  // `uses:` names this action (lower case, no ref), at any ref.
  bool usesAction(std::string_view action) const;
};
// The inputs an action declares (a popular one, or a local `uses: ./dir`).
struct ActionInputs {
  std::vector<std::pair<std::string, bool>> inputs;             // name, required
  std::vector<std::pair<std::string, std::string>> deprecated;  // name, message
};

}  // namespace galley::lint

// Inside a real CI job, galley speaks its host's own log dialect: the
// steps of the local run become collapsible groups, annotations become the
// host's annotations, summaries and job outputs go where the host reads
// them. GitHub Actions: `::group::`, `::error file=..::`, $GITHUB_OUTPUT,
// $GITHUB_STEP_SUMMARY. Azure Pipelines: `##[group]`, `##vso[task.logissue]`,
// `##vso[task.setvariable]`, `##vso[task.uploadsummary]`.
#pragma once

#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "runtime/progress.h"

namespace galley::run {

enum class Host : uint8_t { None, GitHubActions, AzurePipelines };
const char* hostName(Host h);  // "none", "github", "azure"

// GITHUB_ACTIONS=true: GitHub Actions; TF_BUILD=True (any case): Azure
// Pipelines; else None. `getenv` is replaceable for tests.
Host detectHost(const char* (*getenv)(const char*) = nullptr);


// Where a host view writes besides its log; empty members are taken from
// the environment ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY, $AGENT_TEMPDIRECTORY).
struct HostFiles {
  std::string githubOutput, githubStepSummary, azureTempDir;
};

// The view for a host. A group holds exactly one step's lines, together:
// a step streams live while no other step runs; when steps overlap, the
// lines of those without the open group wait and are written as their
// own group when the step finishes (or when 1 MiB has gathered). Inner
// lines cannot issue commands to the host: on GitHub they run under
// `::stop-commands::` with an unguessable token; on Azure `##vso[` and `##[`
// get a zero-width space after `##`. Thread-safe (setOutput may come from
// any thread).
class HostView final : public RunTally {
 public:
  HostView(Host host, std::ostream& out, ViewOptions options, HostFiles files = {});
  ~HostView() override;

  // Sets an output of the host's own job (for `galley run` asked to pass
  // job outputs on): a line in $GITHUB_OUTPUT, or `##vso[task.setvariable
  // variable=NAME;isOutput=true]VALUE`. False with *err when it cannot.
  bool setOutput(const std::string& name, const std::string& value, std::string* err);

  void runStarted(const RunInfo&) override;
  void jobStarted(const JobInfo&) override;
  void stepStarted(const JobInfo&, const StepInfo&) override;
  void stepLog(const JobInfo&, const StepInfo&, const LogLine&) override;
  void stepSummary(const JobInfo&, const StepInfo&, const std::string&) override;
  void stepFinished(const JobInfo&, const StepInfo&, const StepResult&) override;
  void annotation(const Annotation&) override;
  void approvalRequested(const Approval&) override;
  void approvalDecided(const Approval&) override;
  void jobFinished(const JobInfo&, const JobResult&) override;
  void runFinished(const RunInfo&, const RunResult&) override;

 private:
  using StepKey = std::pair<size_t, size_t>;  // job index, step index
  struct Pending {
    std::string title;
    std::vector<std::pair<bool, std::string>> entries;  // (is a command, text)
    size_t bytes = 0;
    bool shownBefore = false;
  };
  void openGroup(const StepKey& k);
  void closeGroup();
  void flush(const StepKey& k, bool finished);
  void writeLine(const std::string& text);
  void writeCommand(const std::string& command);
  std::string annotationCommand(const Annotation& a) const;
  void outside(const std::string& line);

  Host host_;
  std::ostream& out_;
  ViewOptions options_;
  HostFiles files_;
  std::mutex mu_;
  std::map<StepKey, Pending> running_;
  bool open_ = false;
  StepKey openKey_{};
  std::string token_;  // GitHub: the stop-commands token of the open group
  size_t summaries_ = 0;
};

}  // namespace galley::run

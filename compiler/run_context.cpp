#include "compiler/run_context.h"

namespace galley {

// Sources: GitHub's "Contexts reference" (the github context) and Azure
// Pipelines' "Use predefined variables". Where the targets differ in what
// they hold, docs/recipes.md says how.
const std::vector<RunFact>& runFacts() {
  static const std::vector<RunFact> facts = {
      {"commit", "sha", "Build.SourceVersion", "the commit being built"},
      {"ref", "ref", "Build.SourceBranch", "the full ref being built, such as refs/heads/main"},
      {"branch", "ref_name", "Build.SourceBranchName", "the branch or tag name being built"},
      {"id", "run_id", "Build.BuildId", "the run's id, unique in the repository"},
      {"event", "event_name", "Build.Reason", "what started the run"},
      {"attempt", "run_attempt", "System.JobAttempt", "the attempt number, 1 for the first run"},
      {"actor", "actor", "Build.RequestedFor", "who started the run"},
  };
  return facts;
}

const RunFact* runFact(std::string_view name) {
  for (const auto& f : runFacts())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace galley

// The `run` context of recipes: facts about the run a pipeline is in (its
// commit, ref, branch, id, event, attempt and actor), readable as
// `${{ run.NAME }}`, and each target's own name for every fact.
//
// Expansion turns `run.NAME` into a runtime Ref (Ref::Kind::Run); the
// emitters write it as the target's expression: `github.sha` on GitHub
// (`galley run` fills the same github context), `Build.SourceVersion` on
// Azure DevOps. Like every runtime value, scripts read it through an
// environment variable, never pasted into their text.
#pragma once

#include <string_view>
#include <vector>

namespace galley {

struct RunFact {
  std::string_view name;         // run.NAME
  std::string_view github;       // the github context's property
  std::string_view ado;          // Azure DevOps' predefined variable
  std::string_view description;  // for messages and docs
};

// Every fact, in the order docs/recipes.md lists them.
const std::vector<RunFact>& runFacts();

// The fact called name, or nullptr.
const RunFact* runFact(std::string_view name);

}  // namespace galley

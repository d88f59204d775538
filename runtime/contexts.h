// The contexts a run starts from: `github` (from the repository's git state,
// the event and the run), `vars`, `secrets` and `inputs`; and the dotenv
// files that --secret-file and --var-file read.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/expr/value.h"
#include "compiler/workflow.h"

namespace galley::run {

struct RunFacts {
  std::string repoRoot;
  std::string event = "push";
  expr::Value payload;  // github.event: --event-file, or a minimal payload
  std::string eventPath;
  std::string runId;
  std::string workflowName;
  std::string workflowFile;  // repository-relative
  std::string actor;         // $GALLEY_ACTOR, else the OS user
};

// The git facts of the repository: sha, ref and ref_name of HEAD, and the
// repository's owner/name from its origin remote (else the folder's name).
struct GitFacts {
  std::string sha, ref, refName, refType = "branch", repository, owner;
};
GitFacts gitFacts(const std::string& repoRoot);

expr::Value githubContext(const RunFacts& facts, const GitFacts& git);

// Reads KEY=VALUE lines (dotenv): `#` comments, `export `, single or double
// quotes, `\n` escapes inside double quotes, multi-line double-quoted values.
// On error returns false with *err naming the line.
bool readDotenv(const std::string& path, std::vector<std::pair<std::string, std::string>>* out,
                std::string* err);

// workflow_dispatch / workflow_call inputs: --input values typed by the
// workflow's declarations, defaults filled in. Reports unknown or missing
// required inputs and values outside a choice's options in *err.
bool inputsContext(const std::vector<wf::Input>& declared,
                   const std::vector<std::pair<std::string, std::string>>& given, expr::Value* out,
                   std::string* err);

}  // namespace galley::run

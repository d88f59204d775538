// How the commands that read runs (runs, logs, approve) find them.
#pragma once

#include <string>

#include "cli/app.h"
#include "runtime/store.h"

namespace galley::cli {

// $GALLEY_RUNS_DIR, else .galley/runs at the repository root of the
// working directory (the nearest ancestor holding .git or .github).
std::string runsRootHere();

// Loads the run a user named (an id, `latest` or `last`). On failure writes
// `galley: error: ...` to stderr and returns false.
bool openRun(const std::string& root, const std::string& name, run::StoredRun* out);

}  // namespace galley::cli

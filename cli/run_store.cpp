#include "cli/run_store.h"

#include <filesystem>
#include <iostream>

#include "compiler/lint/lint.h"
#include "runtime/display.h"

namespace galley::cli {

std::string runsRootHere() {
  std::error_code ec;
  std::filesystem::path here = std::filesystem::current_path(ec);
  return run::runsRoot(lint::repoRootOf((here / "x").string()));
}

bool openRun(const std::string& root, const std::string& name, run::StoredRun* out) {
  std::string id, err;
  if (!run::resolveRun(root, name, &id, &err) || !run::loadRun(root, id, out, &err)) {
    printError(err);
    return false;
  }
  return true;
}

}  // namespace galley::cli

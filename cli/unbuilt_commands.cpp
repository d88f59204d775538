// Commands that pipelines call but galley does not have yet: each says so
// plainly and exits 2, instead of "unknown command" (or nothing at all).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"

namespace galley::cli {

namespace {

void attachUnbuilt(CLI::App& app, int& status, const std::string& name, const std::string& what) {
  CLI::App* cmd = app.add_subcommand(name, what + " (not built yet)");
  cmd->allow_extras();
  cmd->callback([&status, name, what] {
    std::cerr << "galley: error: `galley " << name << "` (" << what
              << ") is not built yet; the recipes' `backend: local` steps need it\n";
    status = kExitUsage;
  });
}

}  // namespace

void attachRegistry(CLI::App& app, int& status) {
  attachUnbuilt(app, status, "registry", "the local model registry");
}

}  // namespace galley::cli

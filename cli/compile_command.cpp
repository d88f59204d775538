#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace galley::cli {

void attachCompile(CLI::App& app, int& status) {
  app.add_subcommand("compile", "Compile galley.yml into GitHub and Azure DevOps pipelines");
}

void attachRecipes(CLI::App& app, int& status) {
  app.add_subcommand("recipes", "List the recipe library, or show one recipe");
}

}  // namespace galley::cli

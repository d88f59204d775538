#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "compiler/recipe.h"
#include "compiler/render.h"

namespace galley::cli {

namespace {

std::string valueText(const yaml::Node& n) {
  if (n.isSequence()) {
    std::string s = "[";
    for (const auto& i : n.items)
      s += (s.size() > 1 ? ", " : "") + i.value;
    return s + "]";
  }
  if (n.isMapping()) return "{...}";
  if (n.isNull()) return "null";
  return n.value.empty() ? "\"\"" : n.value;
}

int list(RecipeLibrary& library) {
  Diagnostics diags;
  int status = kExitOk;
  for (const auto& name : library.names()) {
    const Recipe* r = library.find(name, diags);
    std::cout << printable(name);
    if (r)
      std::cout << std::string(name.size() < 30 ? 30 - name.size() : 1, ' ')
                << printable(r->description);
    std::cout << '\n';
    if (!r) status = kExitFindings;
  }
  renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  return status;
}

int show(RecipeLibrary& library, const std::string& name) {
  Diagnostics diags;
  const Recipe* r = library.find(name, diags);
  if (!r) {
    if (diags.empty()) {
      std::string hint = didYouMean(name, library.names());
      printError("unknown recipe '" + name + "'" + (hint.empty() ? "" : "; " + hint));
      return kExitUsage;
    }
    renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
    return kExitFindings;
  }
  std::cout << printable(r->name) << " (" << printable(r->origin) << ")\n  "
            << printable(r->description) << "\n\nparameters:\n";
  if (r->parameters.empty()) std::cout << "  (none)\n";
  for (const auto& p : r->parameters) {
    std::cout << "  " << printable(p.name) << ": " << paramTypeName(p.type);
    if (!p.options.empty()) {
      std::cout << " (";
      for (size_t i = 0; i < p.options.size(); ++i)
        std::cout << (i ? " | " : "") << printable(p.options[i]);
      std::cout << ")";
    }
    if (p.defaultValue)
      std::cout << " = " << printable(valueText(*p.defaultValue));
    else
      std::cout << ", required";
    std::cout << "\n      " << printable(p.description) << '\n';
  }
  if (!r->outputs.empty()) {
    std::cout << "\noutputs:\n";
    for (const auto& o : r->outputs)
      std::cout << "  " << printable(o.name) << "\n      " << printable(o.description) << '\n';
  }
  return kExitOk;
}

}  // namespace

void attachRecipes(CLI::App& app, int& status) {
  // A project's own recipes: ./recipes when ./galley.yml is there.
  std::error_code ec;
  auto project =
      std::make_shared<std::string>(std::filesystem::exists("galley.yml", ec) ? "recipes" : "");
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("recipes", "List the recipe library, or show one recipe");
  cmd->add_option("--project-recipes", *project, "The project's own recipes folder")
      ->capture_default_str();
  cmd->callback([cmd, project, &status] {
    if (!cmd->get_subcommands().empty()) return;
    Sources sources;
    RecipeLibrary library(sources, *project);
    status = list(library);
  });
  CLI::App* showCmd = cmd->add_subcommand(
      "show", "Show a recipe's parameters with types, defaults and descriptions");
  showCmd->add_option("name", *name, "Recipe name")->required();
  showCmd->callback([project, name, &status] {
    Sources sources;
    RecipeLibrary library(sources, *project);
    status = show(library, *name);
  });
}

}  // namespace galley::cli

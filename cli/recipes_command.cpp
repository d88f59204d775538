#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
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

// A number parameter's range: " (0 to 100)", " (at least 1)", " (at most 10)".
std::string rangeText(const Parameter& p) {
  if (p.minimum && p.maximum)
    return " (" + paramNumberText(*p.minimum) + " to " + paramNumberText(*p.maximum) + ")";
  if (p.minimum) return " (at least " + paramNumberText(*p.minimum) + ")";
  if (p.maximum) return " (at most " + paramNumberText(*p.maximum) + ")";
  return "";
}

// Where a project's own recipe comes from, after its description: every use
// of a built-in's name gets the project's recipe instead.
std::string originNote(const Recipe& r) {
  if (r.origin == "built in") return "";
  bool shadows = builtinRecipeFiles().count(r.name) > 0;
  return " [" + printable(r.origin) + "/" + printable(r.name) + ".yml" +
         (shadows ? ", in place of the built-in recipe]" : "]");
}

int list(RecipeLibrary& library) {
  Diagnostics diags;
  int status = kExitOk;
  for (const auto& name : library.names()) {
    const Recipe* r = library.find(name, diags);
    std::cout << printable(name);
    if (r)
      std::cout << std::string(name.size() < 30 ? 30 - name.size() : 1, ' ')
                << printable(r->description) << originNote(*r);
    std::cout << '\n';
    if (!r) status = kExitFindings;
  }
  renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  return status;
}

// An unknown recipe (a usage error) or a broken one (its diagnostics).
int unknown(RecipeLibrary& library, const std::string& name, const Diagnostics& diags) {
  if (diags.empty()) {
    std::string hint = didYouMean(name, library.names());
    printError("unknown recipe '" + name + "'" + (hint.empty() ? "" : "; " + hint));
    return kExitUsage;
  }
  renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  return kExitFindings;
}

int show(RecipeLibrary& library, const std::string& name) {
  Diagnostics diags;
  const Recipe* r = library.find(name, diags);
  if (!r) return unknown(library, name, diags);
  // A project's recipe of a built-in's name is the one every use gets.
  bool shadows = r->origin != "built in" && builtinRecipeFiles().count(r->name) > 0;
  std::cout << printable(r->name) << " (" << printable(r->origin)
            << (shadows ? ", in place of the built-in recipe" : "") << ")\n  "
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
    std::cout << rangeText(p);
    if (p.defaultValue)
      std::cout << " = " << printable(valueText(*p.defaultValue));
    else
      std::cout << ", required";
    if (p.requiredIf) std::cout << ", required when " << printable(requiredIfText(p));
    std::cout << "\n      " << printable(p.description) << '\n';
  }
  if (!r->outputs.empty()) {
    std::cout << "\noutputs:\n";
    for (const auto& o : r->outputs)
      std::cout << "  " << printable(o.name) << "\n      " << printable(o.description) << '\n';
  }
  auto secrets = recipeSecrets(*r, library);
  std::cout << "\nsecrets (list them under 'secrets' in galley.yml, unless the steps that read "
               "them are skipped):\n";
  if (secrets.empty()) std::cout << "  (none)\n";
  for (const auto& s : secrets) {
    std::cout << "  " << printable(s.name);
    if (s.readBy != r->name) std::cout << " (read by recipe '" << printable(s.readBy) << "')";
    std::cout << '\n';
  }
  return kExitOk;
}

// The recipe's YAML as galley reads it: the project's file when it has one,
// else the built-in text.
int source(RecipeLibrary& library, const std::string& name) {
  Diagnostics diags;
  const Recipe* r = library.find(name, diags);
  if (!r) return unknown(library, name, diags);
  const SourceFile* file = r->where.file;
  if (!file) {
    printError("recipe '" + name + "' has no source text");
    return kExitFindings;
  }
  std::cout << file->text();
  if (!file->text().empty() && file->text().back() != '\n') std::cout << '\n';
  return kExitOk;
}

// Writes text to path, refusing to replace anything there (O_EXCL).
bool writeNew(const std::string& path, const std::string& text, std::string* err) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = path + ": " + (errno == EEXIST ? std::string("already exists") : std::strerror(errno));
    return false;
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *err = path + ": cannot write: " + std::strerror(errno);
      ::close(fd);
      ::unlink(path.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    *err = path + ": cannot write: " + std::strerror(errno);
    ::unlink(path.c_str());
    return false;
  }
  return true;
}

// Copies a built-in recipe into the project's recipes folder, where it
// shadows the built-in one.
int exportRecipe(const std::string& dir, const std::string& name) {
  const auto& builtins = builtinRecipeFiles();
  auto it = builtins.find(name);
  if (it == builtins.end() || name == "actions") {
    std::vector<std::string> names;
    for (const auto& [n, text] : builtins)
      if (n != "actions") names.push_back(n);
    std::string hint = didYouMean(name, names);
    printError("no built-in recipe '" + name + "'" + (hint.empty() ? "" : "; " + hint));
    return kExitUsage;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    printError(dir + ": cannot create the recipes folder: " + ec.message());
    return kExitUsage;
  }
  std::string path = (fs::path(dir) / (name + ".yml")).string();
  std::string err;
  if (!writeNew(path, it->second, &err)) {
    printError(err +
               "; galley never overwrites a project recipe (remove it first to export "
               "the built-in one again)");
    return kExitUsage;
  }
  std::cout << "wrote " << printable(path) << ", a copy of the built-in recipe '" << printable(name)
            << "'\n"
            << "galley now uses it in place of the built-in one: a project's recipes shadow "
               "built-in recipes of the same name\n";
  return kExitOk;
}

// The project's recipes folder when the working folder holds galley.yml:
// its recipes-dir, or recipes. Empty when there is no project here.
std::string projectRecipesDir() {
  std::error_code ec;
  if (!std::filesystem::exists("galley.yml", ec)) return {};
  Sources sources;
  std::string err;
  std::string dir = "recipes";
  Diagnostics ignored;  // a broken galley.yml is compile's to report
  if (const SourceFile* f = sources.read("galley.yml", &err))
    if (auto doc = yaml::load(*f, ignored); doc && doc->isMapping())
      if (const yaml::Node* r = doc->find("recipes-dir"); r && r->isScalar() && !r->value.empty())
        dir = r->value;
  return dir;
}

}  // namespace

void attachRecipes(CLI::App& app, int& status) {
  // Given, or found when the command runs: not on every galley invocation.
  auto given = std::make_shared<std::string>();
  auto project = [given] { return given->empty() ? projectRecipesDir() : *given; };
  auto name = std::make_shared<std::string>();
  auto showSource = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "recipes", "List the recipe library, show one recipe, or export a built-in one");
  cmd->add_option("--project-recipes", *given,
                  "The project's own recipes folder (default: galley.yml's recipes-dir, or "
                  "recipes, when ./galley.yml exists)");
  cmd->callback([cmd, project, &status] {
    if (!cmd->get_subcommands().empty()) return;
    Sources sources;
    RecipeLibrary library(sources, project());
    status = list(library);
  });
  CLI::App* showCmd = cmd->add_subcommand(
      "show", "Show a recipe's parameters, outputs and the secrets it reads, or its YAML");
  showCmd->add_option("name", *name, "Recipe name")->required();
  showCmd->add_flag("--source", *showSource,
                    "Print the recipe's YAML (the project's file when it has one)");
  showCmd->callback([project, name, showSource, &status] {
    Sources sources;
    RecipeLibrary library(sources, project());
    status = *showSource ? source(library, *name) : show(library, *name);
  });
  CLI::App* exportCmd = cmd->add_subcommand(
      "export",
      "Copy a built-in recipe into the project's recipes folder to customise it; the copy "
      "shadows the built-in recipe");
  exportCmd->add_option("name", *name, "Built-in recipe name")->required();
  exportCmd->callback([project, name, &status] {
    std::string dir = project();
    status = exportRecipe(dir.empty() ? "recipes" : dir, *name);
  });
}

}  // namespace galley::cli

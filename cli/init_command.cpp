// `galley init`: a new project from one of the built-in templates.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "compiler/diagnostic.h"
#include "compiler/generated_files.h"
#include "compiler/render.h"
#include "compiler/scaffold.h"

namespace galley::cli {

namespace {

namespace fs = std::filesystem;

struct InitArgs {
  std::string dir = ".";
  std::string templateName;
  std::string name;
  std::string targets = "github,ado";
  bool force = false;
};

std::string joinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

// The folder's own name, also for "." and "proj/".
std::string folderName(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

// Whether dir holds anything but a .git folder: a fresh clone of an empty
// repository is where a project usually starts.
bool holdsFiles(const std::string& dir, std::string* err) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    *err = "cannot read " + dir + ": " + ec.message();
    return true;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      *err = "cannot read " + dir + ": " + ec.message();
      return true;
    }
    if (it->path().filename() != ".git") return true;
  }
  return false;
}

// The checks that need no files written: template, name, targets, folder.
bool checkArgs(const InitArgs& args, std::string* project, std::vector<std::string>* targets) {
  std::vector<std::string> names = templateNames();
  if (std::find(names.begin(), names.end(), args.templateName) == names.end()) {
    std::string hint = didYouMean(args.templateName, names);
    printError("unknown template '" + args.templateName + "'" + (hint.empty() ? "" : "; " + hint) +
               " (templates: " + joinNames(names) + ")");
    return false;
  }
  std::string why;
  *project = args.name.empty() ? folderName(args.dir) : args.name;
  if (!validProjectName(*project, &why)) {
    if (args.name.empty())
      printError("the folder name '" + *project + "' cannot name the project (" + why +
                 "); give a name with --name");
    else
      printError("--name '" + *project + "': " + why);
    return false;
  }
  if (!parseTargets(args.targets, targets, &why)) {
    printError("--targets: " + why);
    return false;
  }
  std::error_code ec;
  fs::file_status st = fs::status(args.dir, ec);
  if (fs::exists(st) && !fs::is_directory(st)) {
    printError(args.dir + " exists and is not a folder");
    return false;
  }
  if (fs::exists(st) && !args.force) {
    std::string err;
    bool full = holdsFiles(args.dir, &err);
    if (!err.empty()) {
      printError(err);
      return false;
    }
    if (full) {
      printError(args.dir +
                 " is not empty; galley init starts a project in an empty folder (--force adds "
                 "the template's files and keeps every file already there)");
      return false;
    }
  }
  return true;
}

int runInit(const InitArgs& args) {
  std::string project;
  std::vector<std::string> targets;
  if (!checkArgs(args, &project, &targets)) return kExitUsage;
  std::vector<std::string> kept;
  size_t created = 0;
  for (const auto& f : scaffold(args.templateName, project, targets)) {
    std::string err;
    CreateResult r = createGenerated(args.dir, f.relative, f.text, &err);
    if (r == CreateResult::Failed) {
      printError("cannot write " + err);
      return kExitUsage;
    }
    if (r == CreateResult::Exists)
      kept.push_back(f.relative);
    else
      ++created;
  }
  for (const auto& k : kept)
    std::cout << "kept " << printable((fs::path(args.dir) / k).string())
              << " (already there; the template's version was not written)\n";
  std::cout << "Created the " << args.templateName << " project '" << project << "' in "
            << printable(args.dir) << " (" << created << " files). Next:\n";
  if (args.dir != ".") std::cout << "  cd " << printable(args.dir) << '\n';
  std::cout << "  galley compile             # its pipelines, for " << joinNames(targets) << '\n'
            << "  galley run ci --workdir .  # code quality and unit tests, here (or commit, then "
               "galley run ci)\n";
  return kExitOk;
}

}  // namespace

void attachInit(CLI::App& app, int& status) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* cmd =
      app.add_subcommand("init", "Start a project from a template (classical, cv, nlp)");
  cmd->add_option("dir", args->dir, "Folder of the new project")->capture_default_str();
  cmd->add_option("--template,-t", args->templateName,
                  "classical (scikit-learn, tabular), cv (torchvision, images) or nlp "
                  "(scikit-learn, text)")
      ->required();
  cmd->add_option("--name,-n", args->name, "Project and model name (default: the folder's name)");
  cmd->add_option("--targets", args->targets, "github, ado, or github,ado")->capture_default_str();
  cmd->add_flag("--force", args->force,
                "Write into a folder that is not empty, keeping every file already there");
  cmd->callback([args, &status] { status = runInit(*args); });
}

}  // namespace galley::cli

// galley lint [PATHS...|-]: CLI wiring for compiler/lint.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "compiler/compile.h"
#include "compiler/lint/format.h"
#include "compiler/lint/lint.h"
#include "compiler/lint/report.h"
#include "compiler/lint/rules.h"
#include "compiler/render.h"
#include "compiler/yaml.h"
#include "runtime/shell.h"

namespace galley::cli {

namespace {

struct LintArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string config;
  std::string shellcheck = "auto";
  std::string pyflakes = "auto";
  std::string minSeverity = "note";
  bool notes = false;
  unsigned jobs = 0;
  bool parseOnly = false;
  bool schemaOnly = false;
  std::string writeScripts;
  bool listRules = false;
  std::string kind;
  std::vector<std::string> repos;
};

// A script linter's binary: off, a path, or (auto) the first of names on PATH.
std::string findLinter(const std::string& choice, const std::vector<std::string>& names) {
  if (choice == "off" || choice == "none") return {};
  if (choice != "auto") return choice;
  const char* path = std::getenv("PATH");
  for (const auto& name : names) {
    std::string found = run::findProgram(name, path ? path : "/usr/bin:/bin");
    if (!found.empty()) return found;
  }
  return {};
}

// Loads --config, or .galley.yml at the repository root when present.
bool loadLintConfig(const LintArgs& args, Sources& sources, lint::Config* config) {
  std::string path = args.config;
  if (path.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (ec) return true;  // no working folder (deleted): no repository config either
    fs::path candidate = fs::path(lint::repoRootOf((cwd / "x").string())) / ".galley.yml";
    if (!fs::exists(candidate, ec)) return true;
    // Named from the working directory, as the linted files are.
    fs::path relative = fs::relative(candidate, cwd, ec);
    path = ec || relative.empty() ? candidate.string() : relative.string();
  }
  std::string err;
  const SourceFile* f = sources.read(path, &err);
  if (!f) {
    printError(err);
    return false;
  }
  Diagnostics diags;
  bool ok = lint::loadConfig(*f, config, diags);
  renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  return ok;
}

// Reads standard input into *text, at most kMaxSourceBytes of it: false
// (and *text empty) when there is more, so an endless stream cannot exhaust
// memory.
bool readStdinCapped(std::string* text) {
  char buf[65536];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    text->append(buf, static_cast<size_t>(std::cin.gcount()));
    if (text->size() > kMaxSourceBytes) {
      text->clear();
      return false;
    }
  }
  return true;
}

// galley.yml (or galley.yaml) by its name: a project, not a workflow.
bool isGalleyYml(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  return name == "galley.yml" || name == "galley.yaml";
}

// .galley.yml (or .galley.yaml) by its name: lint's own settings, not a
// workflow.
bool isLintSettings(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  return name == ".galley.yml" || name == ".galley.yaml";
}

// A .galley.yml checked as lint and compile read it: unknown rules and
// keys, bad severities and globs, environments without approvers' lists.
Diagnostics checkSettings(const std::string& path, Sources& sources) {
  Diagnostics found;
  std::string err;
  const SourceFile* f = sources.read(path, &err);
  if (!f) {
    found.error({}, "io", err);
    return found;
  }
  lint::Config unused;
  lint::loadConfig(*f, &unused, found);
  found.sort();
  return found;
}

// compile's checks of a galley.yml (its recipes expanded for both targets),
// without writing anything: the findings lint reports for it.
Diagnostics checkProject(const std::string& path, Sources& sources) {
  Diagnostics found;
  CompileOptions options;
  options.file = path;
  compile(options, sources, found);
  found.sort();
  return found;
}

int runLint(const LintArgs& args) {
  if (args.listRules) {
    for (const auto& r : lint::allRules())
      std::cout << r.id << "\t" << severityName(r.severity) << "\t" << r.description << '\n';
    return kExitOk;
  }
  Sources sources;
  lint::LintOptions options;
  if (!args.kind.empty() && args.kind != "galley")
    options.forcedKind = args.kind == "azure"    ? lint::FileKind::Azure
                         : args.kind == "action" ? lint::FileKind::Action
                                                 : lint::FileKind::Workflow;
  if (!loadLintConfig(args, sources, &options.config)) return kExitUsage;
  std::vector<std::pair<std::string, std::string>> repos;
  if (!splitPairs(args.repos, "--repo", &repos)) return kExitUsage;
  options.repositories.insert(repos.begin(), repos.end());
  options.shellcheck = findLinter(args.shellcheck, {"shellcheck"});
  options.pyflakes = findLinter(args.pyflakes, {"pyflakes3", "pyflakes"});
  std::vector<std::string> paths;
  bool stdinUsed = false;
  // A path that names nothing is a mistake on the command line, not a
  // finding: say so for each and lint nothing (exit 2, as compile does).
  bool missing = false;
  for (const auto& p : args.paths) {
    std::error_code ec;
    if (p != "-" && !std::filesystem::exists(p, ec)) {
      printError(p + ": no such file or directory");
      missing = true;
    }
  }
  if (missing) return kExitUsage;
  // Files a folder walk leaves out because they resolve outside the
  // repository: said on stderr, not linted (their text could be anything).
  std::vector<std::string> skipped;
  // galley.yml files get compile's checks instead of a workflow's.
  std::vector<std::string> projects;
  // .galley.yml files get the checks of lint's settings.
  std::vector<std::string> settings;
  for (const auto& p : args.paths) {
    if (p == "-") {
      stdinUsed = true;
    } else if (std::error_code ec; std::filesystem::is_directory(p, ec)) {
      // --kind galley: a project's folder stands for its galley.yml.
      if (args.kind == "galley")
        projects.push_back((std::filesystem::path(p) / "galley.yml").string());
      else
        for (auto& f : lint::discoverFiles(p, &skipped))
          paths.push_back(f);
    } else if (args.kind.empty() && isLintSettings(p)) {
      settings.push_back(p);
    } else if (args.kind == "galley" || isGalleyYml(p)) {
      projects.push_back(p);
    } else {
      paths.push_back(p);
    }
  }
  if (args.paths.empty()) paths = lint::discoverFiles(".", &skipped);
  for (const auto& s : skipped)
    std::cerr << "galley: note: skipped " << printable(s)
              << ": it resolves outside the repository\n";
  options.parseOnly = args.parseOnly;
  options.schemaOnly = args.schemaOnly;
  options.writeScriptsTo = args.writeScripts;
  if (paths.empty() && projects.empty() && settings.empty() && !stdinUsed) {
    printError(
        "no workflow, action or Azure Pipelines files found (looked for "
        ".github/workflows/*.yml, action.yml, azure-pipelines*.yml and .azure-pipelines/)");
    return kExitUsage;
  }
  auto readStdin = [&] {
    std::string input;
    bool tooLarge = !readStdinCapped(&input);
    const SourceFile* f = sources.add("<stdin>", std::move(input));
    Diagnostics found;
    if (tooLarge)
      found.error({}, "io",
                  "<stdin>: holds more than " + std::to_string(kMaxSourceBytes) +
                      " bytes; galley reads at most " + std::to_string(kMaxSourceBytes) + " bytes");
    else
      lint::lintFile(*f, lint::FileKind::Workflow, nullptr, options, found);
    return found;
  };
  std::error_code ec;
  std::string root = std::filesystem::current_path(ec).string();
  if (ec) root = ".";
  // Every format is written file by file as the threads finish them: the
  // line formats as lines, JSON and SARIF as one document whose items arrive
  // in path order. The line formats are read by people: their notes are
  // counted per rule unless --notes, and a summary closes them.
  bool document = args.format == "json" || args.format == "sarif";
  lint::ReportOptions shown;
  shown.minSeverity = args.minSeverity == "error"     ? Severity::Error
                      : args.minSeverity == "warning" ? Severity::Warning
                                                      : Severity::Note;
  shown.eachNote = args.notes || document;
  lint::Report report(shown);
  OutputFormat format = lint::outputFormat(args.format, root, RenderOptions{wantColor(1), true});
  DocumentWriter writer(std::cout, format);
  auto render = [&](const Diagnostics& found, std::string& text) {
    Diagnostics kept;
    report.take(found, kept);
    format.items(kept, text);
  };
  for (const auto& p : settings) {
    std::string text;
    render(checkSettings(p, sources), text);
    writer.write(text);
  }
  for (const auto& p : projects) {
    std::string text;
    render(checkProject(p, sources), text);
    writer.write(text);
  }
  lint::lintPathsStreamed(paths, sources, options, args.jobs, render,
                          [&writer](std::string_view text) { writer.write(text); });
  if (stdinUsed) {
    Diagnostics found = readStdin();
    std::string text;
    render(found, text);
    writer.write(text);
  }
  writer.finish();
  if (!document) std::cout << report.closing();
  return report.fails() ? kExitFindings : kExitOk;
}

}  // namespace

void attachLint(CLI::App& app, int& status) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* cmd = app.add_subcommand(
      "lint",
      "Lint GitHub Actions workflows and actions, and Azure Pipelines (default: "
      ".github/workflows, action.yml, azure-pipelines*.yml and .azure-pipelines/); a "
      "galley.yml gets compile's checks, a .galley.yml those of lint's settings");
  cmd->add_option("paths", args->paths, "Files or directories to lint; - reads standard input");
  cmd->add_option("--format,-f", args->format, "Output: text, json, sarif, github or azure")
      ->check(CLI::IsMember({"text", "json", "sarif", "github", "azure"}));
  cmd->add_option("--kind", args->kind,
                  "Lint every file as this kind: github, azure, action or galley (compile's "
                  "checks of a galley.yml; default: by path, then by content)")
      ->check(CLI::IsMember({"github", "azure", "action", "galley"}));
  cmd->add_option("--config,-c", args->config,
                  "Config file (default: .galley.yml at the repo root)");
  cmd->add_option("--repo", args->repos,
                  "ALIAS=PATH: the local folder of Azure repository resource ALIAS, so that "
                  "templates from it (path@ALIAS) are checked; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--shellcheck", args->shellcheck,
                  "shellcheck binary for run: scripts: auto (from PATH), off, or a path");
  cmd->add_option("--pyflakes", args->pyflakes,
                  "pyflakes binary for Python run: scripts: auto (pyflakes3 or pyflakes from "
                  "PATH), off, or a path");
  cmd->add_option("--min-severity", args->minSeverity,
                  "Show only findings at this severity or above: error, warning or note "
                  "(default); the exit status follows what is shown")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  cmd->add_flag("--notes", args->notes,
                "Show each note (text, github, azure); by default notes are counted per rule "
                "at the end");
  cmd->add_option("--jobs,-j", args->jobs, "Threads (default: all cores)")->check(count(1));
  cmd->add_flag("--list-rules", args->listRules, "List the rules and their default severities");
  cmd->add_flag("--parse-only", args->parseOnly, "Only parse the YAML (benchmarks)")->group("");
  cmd->add_flag("--schema-only", args->schemaOnly,
                "Azure files: only the schema check (benchmarks)")
      ->group("");
  cmd->add_option("--write-scripts", args->writeScripts,
                  "Write the scripts the linters would get into DIR instead (benchmarks)")
      ->group("");
  cmd->callback([args, &status] { status = runLint(*args); });
}

}  // namespace galley::cli

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "compiler/compile.h"
#include "compiler/diff.h"
#include "compiler/generated_files.h"
#include "compiler/render.h"

namespace galley::cli {

namespace {

struct CompileArgs {
  std::string file = "galley.yml";
  std::string target = "all";
  std::string out;
  std::string format = "text";
  bool check = false;
};

void report(const Diagnostics& diags, const std::string& format) {
  if (format == "json") {
    writeDocument(std::cout, jsonFormat(), diags);
  } else {
    renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  }
}

// Writes only files whose content changed, so timestamps stay put for
// tools that watch them.
bool writeFiles(const std::vector<GeneratedFile>& files) {
  for (const auto& f : files) {
    std::string onDisk, err;
    ReadResult r = readGenerated(f.root, f.relative, &onDisk, &err);
    if (r == ReadResult::Failed) {
      printError("cannot write " + err);
      return false;
    }
    if (r == ReadResult::Ok && onDisk == f.text) {
      std::cout << "unchanged " << printable(f.path) << '\n';
      continue;
    }
    if (!writeGenerated(f.root, f.relative, f.text, &err)) {
      printError("cannot write " + err);
      return false;
    }
    std::cout << "wrote " << printable(f.path) << '\n';
  }
  return true;
}

// Prints text line by line, each made printable: a stale file on disk may
// hold anything.
void printLines(std::ostream& out, const std::string& text) {
  std::string shown;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    appendPrintable(shown, std::string_view(text).substr(start, end - start));
    shown += '\n';
    start = end + 1;
  }
  out << shown;
}

int checkFiles(const std::vector<GeneratedFile>& files) {
  int stale = 0;
  for (const auto& f : files) {
    std::string onDisk, err;
    ReadResult r = readGenerated(f.root, f.relative, &onDisk, &err);
    if (r == ReadResult::Failed) {
      printError("cannot check " + err);
      return kExitUsage;
    }
    bool exists = r == ReadResult::Ok;
    if (exists && onDisk == f.text) continue;
    ++stale;
    printLines(std::cout,
               unifiedDiff(onDisk, f.text, exists ? f.path : "/dev/null", f.path + " (compiled)"));
  }
  if (stale) {
    std::cerr << "galley: " << stale << " generated file" << (stale == 1 ? " is" : "s are")
              << " stale; run `galley compile` and commit the result\n";
    return kExitFindings;
  }
  std::cerr << "galley: " << files.size() << " generated files are up to date\n";
  return kExitOk;
}

int runCompile(const CompileArgs& args) {
  CompileOptions options;
  options.file = args.file;
  // A folder stands for the galley.yml in it.
  std::error_code ec;
  if (std::filesystem::is_directory(options.file, ec))
    options.file = (std::filesystem::path(options.file) / "galley.yml").string();
  options.github = args.target == "all" || args.target == "github";
  // "azure" is what Azure DevOps users type for ado.
  options.ado = args.target == "all" || args.target == "ado" || args.target == "azure";
  options.outDir = args.out;
  Sources sources;
  Diagnostics diags;
  auto files = compile(options, sources, diags);
  diags.sort();
  report(diags, args.format);
  if (!files) {
    // A file galley cannot read is a usage problem; a broken galley.yml is a finding.
    for (const auto& d : diags.all())
      if (d.rule == "io") return kExitUsage;
    return kExitFindings;
  }
  if (args.check) return checkFiles(*files);
  return writeFiles(*files) ? kExitOk : kExitUsage;
}

}  // namespace

void attachCompile(CLI::App& app, int& status) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compile", "Compile galley.yml into GitHub Actions workflows and Azure DevOps pipelines");
  cmd->add_option("file", args->file, "The project file")->capture_default_str();
  cmd->add_option("--target,-t", args->target, "github, ado (or azure) or all")
      ->check(CLI::IsMember({"github", "ado", "azure", "all"}))
      ->capture_default_str();
  cmd->add_option("--out,-o", args->out,
                  "Root folder for generated files (default: galley.yml's folder)");
  cmd->add_option("--format,-f", args->format, "Diagnostics as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--check", args->check,
                "Exit 1 with a diff when the generated files on disk are stale");
  cmd->callback([args, &status] { status = runCompile(*args); });
}

}  // namespace galley::cli

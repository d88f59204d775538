// The compiler's driver: galley.yml -> load -> expand -> emit, per pipeline
// and target. Writing files and --check live in the CLI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml_writer.h"

namespace galley {

struct CompileOptions {
  std::string file = "galley.yml";
  bool github = true;  // targets requested on the command line; galley.yml's
  bool ado = true;     // `targets` narrows them further
  std::string outDir;  // default: galley.yml's folder
};

struct GeneratedFile {
  std::string path;  // where it goes: root/relative
  std::string text;
  std::string root;      // outDir, or galley.yml's folder
  std::string relative;  // below root, '/'-separated plain names
  // galley's own (with its header), or a file of the user's galley edits
  // (.github/actionlint.yaml's runner labels).
  bool owned = true;
};

// Where a compile writes, for finding the files an earlier compile wrote
// that this one does not (a pipeline renamed or removed).
struct OutputFolders {
  std::string root;                  // outDir, or galley.yml's folder
  std::vector<std::string> folders;  // below root, one per target asked for
  std::string source;                // galley.yml's file name, as headers name it
};

// Compiles every pipeline of the project. Returns nullopt when any
// diagnostic is an error; warnings are left in diags either way. folders,
// when given, is filled once galley.yml is read.
std::optional<std::vector<GeneratedFile>> compile(const CompileOptions& options, Sources& sources,
                                                  Diagnostics& diags,
                                                  OutputFolders* folders = nullptr);

// One pipeline of galley.yml as `galley run` runs it: the GitHub workflow
// compile would write, as a tree with positions in the user's files.
struct PipelineRun {
  std::string id;
  const SourceFile* file = nullptr;  // galley.yml
  yaml::Out workflow;
  // Environments whose jobs wait for an approval, with their approvers.
  std::vector<std::pair<std::string, std::vector<std::string>>> approvals;
};

// The ids of galley.yml's pipelines, or nullopt (with diags) when it does
// not load.
std::optional<std::vector<std::string>> pipelineIds(const std::string& file, Sources& sources,
                                                    Diagnostics& diags);

// Expands pipeline `id` of galley.yml for the GitHub target.
std::optional<PipelineRun> pipelineRun(const std::string& file, const std::string& id,
                                       Sources& sources, Diagnostics& diags);

}  // namespace galley

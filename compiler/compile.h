// The compiler's driver: galley.yml -> load -> expand -> emit, per pipeline
// and target. Writing files and --check live in the CLI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"

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
};

// Compiles every pipeline of the project. Returns nullopt when any
// diagnostic is an error; warnings are left in diags either way.
std::optional<std::vector<GeneratedFile>> compile(const CompileOptions& options, Sources& sources,
                                                  Diagnostics& diags);

}  // namespace galley

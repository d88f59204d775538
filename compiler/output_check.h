// Compile checks what it emits: each generated file goes through galley
// lint's checks (shapes, expressions, cron, runner labels; the Azure
// Pipelines shape checks for Azure files), with the repository's
// .galley.yml settings, before it is written. A finding
// is an error at the user's text the finding's part of the file was made
// from (galley.yml, a recipe), with a note showing the compiled line, so
// that compile never writes what lint or actionlint would reject.
#pragma once

#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/lint/config.h"
#include "compiler/yaml_writer.h"

namespace galley {

struct EmittedFile {
  const yaml::Out* tree = nullptr;  // what text was written from
  std::string path;                 // where it goes, as messages name it
  std::string text;
  bool azure = false;  // an Azure DevOps pipeline, else a GitHub workflow
  Location fallback;   // for findings in parts no user text made (the pipeline's id)
};

// What a compile's output is checked with: the repository's lint settings
// (.galley.yml's `lint:`, as `galley lint` reads them) and the project's
// self-hosted runner labels.
struct OutputCheckConfig {
  lint::Config lint;
  std::string root;  // the repository root, which .galley.yml's path globs are relative to
};

// Lints file (scripts not included: they are checked where they are
// written) as `galley lint` would with config (its rules, severities,
// paths and ignores, runner labels and configuration variables), and
// reports each finding above a note into diags as an error. The compiled
// text is added to sources for the notes.
void checkEmitted(const EmittedFile& file, const OutputCheckConfig& config, Sources& sources,
                  Diagnostics& diags);

// The settings compile checks its output with for a project whose files go
// below outDir: the .galley.yml of outDir or of the nearest folder above it,
// up to the repository's root (the folder holding .git), when there is one,
// plus runnerLabels. Its path globs are relative to the folder it is in. A .galley.yml that does
// not load is reported into diags, at its positions, as `galley lint` reports it.
OutputCheckConfig outputCheckConfig(const std::string& outDir,
                                    const std::vector<std::string>& runnerLabels, Sources& sources,
                                    Diagnostics& diags);

}  // namespace galley

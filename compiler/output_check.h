// Compile checks what it emits: each generated file goes through galley
// lint's checks (shapes, expressions, cron, runner labels; the Azure
// Pipelines shape checks for Azure files) before it is written. A finding
// is an error at the user's text the finding's part of the file was made
// from (galley.yml, a recipe), with a note showing the compiled line, so
// that compile never writes what lint or actionlint would reject.
#pragma once

#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml_writer.h"

namespace galley {

struct EmittedFile {
  const yaml::Out* tree = nullptr;  // what text was written from
  std::string path;                 // where it goes, as messages name it
  std::string text;
  bool azure = false;  // an Azure DevOps pipeline, else a GitHub workflow
  Location fallback;   // for findings in parts no user text made (the pipeline's id)
};

// Lints file (scripts not included: they are checked where they are
// written) with runnerLabels accepted as self-hosted labels, and reports
// each finding above a note into diags as an error. The compiled text is
// added to sources for the notes.
void checkEmitted(const EmittedFile& file, const std::vector<std::string>& runnerLabels,
                  Sources& sources, Diagnostics& diags);

}  // namespace galley

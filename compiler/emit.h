// Emitters: an expanded pipeline written as one target's YAML. Each returns
// the file's text, or nullopt after reporting what the target cannot express
// (a github:-only step compiled for Azure DevOps, say).
#pragma once

#include <optional>
#include <string>

#include "compiler/pipeline_ir.h"
#include "compiler/yaml_writer.h"

namespace galley {

// The header comment both emitters write: source and "do not edit".
std::vector<std::string> generatedHeader(const ir::Pipeline& p);

std::optional<std::string> emitGithub(const ir::Pipeline& p, Diagnostics& diags);
std::optional<std::string> emitAdo(const ir::Pipeline& p, Diagnostics& diags);

// The GitHub workflow emitGithub writes, as the tree it writes it from,
// with the positions of the user's text: what `galley run` runs for a
// pipeline, step for step the same as the compiled file.
std::optional<yaml::Out> githubWorkflow(const ir::Pipeline& p, Diagnostics& diags);

// A bash script run up to retries + 1 times until it succeeds. warning is the
// target's log command prefix for "attempt N failed" lines.
std::string retryLoop(const std::string& script, long retries, const std::string& warning);

// Identifiers as Azure DevOps accepts them: letters, digits and '_'.
std::string adoId(const std::string& id);

}  // namespace galley

// Emitters: an expanded pipeline written as one target's YAML. Each returns
// the file's text, or nullopt after reporting what the target cannot express
// (a github:-only step compiled for Azure DevOps, say).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/pipeline_ir.h"
#include "compiler/yaml_writer.h"

namespace galley {

// The header comment both emitters write: source and "do not edit".
std::vector<std::string> generatedHeader(const ir::Pipeline& p);

// Whether text begins as a file galley generated: with generatedHeader's
// first line, from any source file when source is empty, else from the
// file named source.
bool hasGeneratedHeader(std::string_view text, const std::string& source = {});

std::optional<std::string> emitGithub(const ir::Pipeline& p, Diagnostics& diags);
std::optional<std::string> emitAdo(const ir::Pipeline& p, Diagnostics& diags);

// The GitHub workflow emitGithub writes, as the tree it writes it from,
// with the positions of the user's text: what `galley run` runs for a
// pipeline, step for step the same as the compiled file.
std::optional<yaml::Out> githubWorkflow(const ir::Pipeline& p, Diagnostics& diags);
// The Azure DevOps pipeline emitAdo writes, as the tree it writes it from.
std::optional<yaml::Out> adoPipeline(const ir::Pipeline& p, Diagnostics& diags);

// A bash script run up to retries + 1 times until it succeeds. warning is the
// target's log command prefix for "attempt N failed" lines.
std::string retryLoop(const std::string& script, long retries, const std::string& warning);

// A release: a pipeline with a job bound to an environment (a deployment
// or an approval). Its runs must not interleave: both emitters serialise
// them.
bool isRelease(const ir::Pipeline& p);

// Identifiers as Azure DevOps accepts them: letters, digits and '_'.
std::string adoId(const std::string& id);

}  // namespace galley

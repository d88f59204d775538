// Emitters: an expanded pipeline written as one target's YAML. Each returns
// the file's text, or nullopt after reporting what the target cannot express
// (a github:-only step compiled for Azure DevOps, say).
#pragma once

#include <optional>
#include <string>

#include "compiler/pipeline_ir.h"

namespace galley {

// The header comment both emitters write: source and "do not edit".
std::vector<std::string> generatedHeader(const ir::Pipeline& p);

std::optional<std::string> emitGithub(const ir::Pipeline& p, Diagnostics& diags);
std::optional<std::string> emitAdo(const ir::Pipeline& p, Diagnostics& diags);

// A bash script run up to retries + 1 times until it succeeds. warning is the
// target's log command prefix for "attempt N failed" lines.
std::string retryLoop(const std::string& script, long retries, const std::string& warning);

// Identifiers as Azure DevOps accepts them: letters, digits and '_'.
std::string adoId(const std::string& id);

}  // namespace galley

// Which lint findings stop `galley run`. GitHub (and Azure) refuse a
// workflow that breaks their syntax, schema or model, and fail a run on an
// expression they cannot evaluate: findings of those rules stop the run. The
// audit and style rules flag code the service runs anyway (a deprecated
// command, a constant if:, a risky trigger); their findings are shown as
// warnings and the run goes on.
#pragma once

#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"

namespace galley::run {

// True when a lint error of this rule stops the run. A rule in neither list
// below (one added later) stops it, until it is classified.
bool stopsRun(std::string_view rule);

// The lint error rules the service enforces, and the ones it does not (for
// the test that every error rule is classified).
const std::vector<std::string_view>& enforcedRules();
const std::vector<std::string_view>& advisoryRules();

// Moves lint's findings into diags: errors of enforced rules as errors,
// errors of advisory rules as warnings; lint's own warnings and notes stay
// out (lint shows them). True when one of them stops the run.
bool gateLintFindings(Diagnostics& found, Diagnostics& diags);

}  // namespace galley::run

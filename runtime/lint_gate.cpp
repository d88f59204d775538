#include "runtime/lint_gate.h"

#include <algorithm>

namespace galley::run {

const std::vector<std::string_view>& enforcedRules() {
  // GitHub's loader and schema (a workflow that breaks them never starts),
  // its model (needs, ids, calls, inputs), and expressions it cannot
  // evaluate; the Azure equivalents; galley's own configuration.
  static const std::vector<std::string_view> rules = {
      "yaml-syntax",   "yaml-limit",    "yaml-anchor",       "duplicate-key",    "io",
      "config",        "unknown-key",   "missing-key",       "type-mismatch",    "empty-value",
      "invalid-value", "events",        "permissions",       "job-needs",        "duplicate-id",
      "invalid-id",    "action-ref",    "workflow-call",     "workflow-inputs",  "shell-name",
      "cron",          "glob",          "env-var-name",      "matrix",           "timeout",
      "expression",    "depends-on",    "output-reference",  "expression-place", "task-version",
      "task-input",    "template-file", "template-parameter"};
  return rules;
}

const std::vector<std::string_view>& advisoryRules() {
  // Code the service runs as written: style (a constant if:, deprecated
  // commands and action versions it still runs, action inputs it only warns
  // about, runs-on labels, which galley maps itself) and security audits.
  // A local action is loaded only when its step runs, which fails then, on
  // GitHub as in galley; lint's metadata checks are also stricter than the
  // runner's (it needs no name or description).
  static const std::vector<std::string_view> rules = {
      "local-action",          "action-metadata",    "runner-label",       "action-input",
      "outdated-action",       "deprecated-command", "constant-if",        "if-always-true",
      "template-injection",    "dangerous-trigger",  "github-env",         "artifact-poisoning",
      "hardcoded-credentials", "constant-condition", "variable-injection", "secret-echo"};
  return rules;
}

bool stopsRun(std::string_view rule) {
  const auto& advisory = advisoryRules();
  return std::find(advisory.begin(), advisory.end(), rule) == advisory.end();
}

bool gateLintFindings(Diagnostics& found, Diagnostics& diags) {
  bool stop = false;
  for (auto& d : found.all()) {
    if (d.severity != Severity::Error) continue;
    if (stopsRun(d.rule)) {
      stop = true;
    } else {
      d.severity = Severity::Warning;
    }
    diags.add(std::move(d));
  }
  return stop;
}

}  // namespace galley::run

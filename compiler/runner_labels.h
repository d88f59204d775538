// Self-hosted runner labels of galley.yml's agents, for the linters.
//
// A label such as `gpu` is the project's own: actionlint and galley lint
// know only GitHub's hosted labels and those every self-hosted runner has.
// Compile lists the project's labels under `self-hosted-runner: labels:` in
// .github/actionlint.yaml (which both read), editing the file in place when
// it exists: everything else in it stays as written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/project.h"

namespace galley {

// The labels of the pipelines' GitHub agents that lint does not know
// without configuration, in order of first use, each once.
std::vector<std::string> customRunnerLabels(const Project& project);

// The labels of `labels` that the actionlint configuration text (empty for
// no file) does not list or match with a glob.
std::vector<std::string> unlistedRunnerLabels(const std::string& config,
                                              const std::vector<std::string>& labels);

// config (empty for no file) with labels added under `self-hosted-runner:
// labels:`, the rest of its text unchanged. nullopt, with *err saying why,
// when config is not YAML or its shape leaves no place to add them (a flow
// mapping, `labels` that is not a list).
std::optional<std::string> addRunnerLabels(const std::string& config,
                                           const std::vector<std::string>& labels,
                                           std::string* err);

}  // namespace galley

// galley lint for Azure Pipelines YAML: which files are Azure files, what
// kind of file (a pipeline, or a template of stages, jobs, steps or
// variables) each is, and the checks that lint one: shape from the Azure
// Pipelines schema, expressions in their three syntaxes, dependsOn and
// output references, conditions, tasks and their inputs, security audits,
// and shellcheck on bash scripts.
#pragma once

#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/lint/lint.h"
#include "compiler/lint/scripts.h"
#include "compiler/yaml.h"

namespace galley::lint::azure {

// What an Azure file is, by its top-level keys: a template holds only
// parameters and one of stages, jobs, steps or variables; a pipeline has
// triggers, resources, pool, extends... or nothing that says otherwise.
enum class Shape { Pipeline, Stages, Jobs, Steps, Variables };
Shape shapeOf(const yaml::Node& root);
const char* shapeName(Shape s);

// azure-pipelines*.yml / .yaml anywhere, or any YAML file in a folder named
// .azure-pipelines.
bool isAzurePath(std::string_view path);

// Whether a YAML file that is not a GitHub workflow by its path reads as
// Azure Pipelines: trigger, pr, stages, steps or extends at the top, or
// jobs as a sequence (GitHub's jobs is a mapping), and no `on:`.
bool looksLikeAzure(const yaml::Node& root);

// Lints one Azure file (its loaded root). The bash scripts shellcheck is to
// check are appended to shellScripts when options.shellcheck is set; a
// script over options.scriptBytes gets a note instead.
void lintAzure(const yaml::Node& root, const LintOptions& options, Diagnostics& diags,
               std::vector<Script>& shellScripts);

}  // namespace galley::lint::azure

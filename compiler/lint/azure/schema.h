// The shape of Azure Pipelines YAML, from the Azure Pipelines schema
// (service-schema.json) reduced to its structure by
// compiler/data/azure_schema.py and embedded as azure_schema.json: which
// keys exist where, required keys, the key that picks a step's, job's or
// stage's shape, value types and allowed values.
//
// Template directives are understood, so a template file or a pipeline that
// still holds them is checked as written: a `${{ if }}:` / `${{ each }}:`
// key's value is checked as part of the mapping or sequence it sits in, and
// a value that is a whole `${{ }}` may be anything (a parameter can hold a
// mapping). Required keys are not asked of a mapping that has directives.
#pragma once

#include <string_view>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::lint::azure {

// The definitions a file is checked against: a pipeline ("root"), or a
// template of steps, jobs, stages or variables.
inline constexpr std::string_view kPipelineShape = "root";
inline constexpr std::string_view kStepsShape = "stepsTemplate";
inline constexpr std::string_view kJobsShape = "jobsTemplate";
inline constexpr std::string_view kStagesShape = "stagesTemplate";
inline constexpr std::string_view kVariablesShape = "variablesTemplate";

// Reports every mismatch between node and the definition named `shape` into
// diags (rules unknown-key, missing-key, type-mismatch, invalid-value,
// deprecated-key). `section` names the node in messages ("pipeline").
// Thread-safe.
void checkShape(const yaml::Node& node, std::string_view shape, std::string_view section,
                Diagnostics& diags);

// Whether the definition exists (tests pin the names above).
bool hasShape(std::string_view shape);

}  // namespace galley::lint::azure

// GitHub's template reading of a workflow: the YAML tree checked against
// GitHub's workflow schema (workflow-v1.0.json, compiled into the tables of
// compiler/lint/schema.h) the way GitHub's workflow parser checks it, with
// its messages, before the workflow model is built from it.
//
// What the reading decides: which keys exist where, which one-of shape a
// mapping takes (a job that calls a workflow, a run step, ...), where
// `${{ }}` may appear and with which contexts and functions, and how a
// scalar of the wrong type is coerced (a number where a string is expected
// becomes that string). Duplicate keys (ignoring case), unknown keys and
// misplaced expressions are reported and left out of the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::wf {

struct TemplateLimits {
  // Nesting of sequences and mappings; deeper input is refused with
  // "Maximum object depth exceeded" (GitHub's default is 64).
  uint32_t maxDepth = 64;
  // GitHub's accounting of a template's size in memory; 0: no limit.
  size_t maxResultSize = 0;
  // The experimental background steps (`background`, `wait`, `wait-all`,
  // `cancel`): without it those keys are unexpected.
  bool backgroundSteps = false;
};

// Reads node as schema definition `type` (GitHub's workflow schema, e.g.
// "workflow-root-strict"). Reports every problem into diags with GitHub's
// wording at the position GitHub gives (rule "workflow-syntax"); returns the
// tree as GitHub holds it after reading: rejected entries dropped, scalars
// coerced (a coerced scalar is double-quoted, so it reads as a string),
// `${{ 'text' }}` turned into the literal text, other `${{ }}` kept as
// written. *size, when given, receives the accounted size.
yaml::Node readTemplate(const yaml::Node& node, std::string_view type, Diagnostics& diags,
                        const TemplateLimits& limits = {}, size_t* size = nullptr);

// The expression GitHub holds for a scalar: the trimmed text of a lone
// `${{ }}`, or a format() call joining literal text and expressions
// (`ci-${{ github.ref }}` is `format('ci-{0}', github.ref)`). Returns false
// when value holds no well-formed `${{ }}`.
bool templateExpression(std::string_view value, std::string* expression);

// The allowed contexts of a definition of GitHub's workflow schema, as the
// schema lists them ("github", "hashFiles(1,255)", ...).
std::vector<std::string_view> definitionContext(std::string_view type);

// Checks expression text against a context list of the schema: GitHub's
// message ("Unrecognized named-value: 'env'. Located at position 1 within
// expression: env == 5") in *err when it does not parse. *statusCall, when
// given, says whether it calls success(), failure(), cancelled() or always().
bool checkExpression(std::string_view text, const std::vector<std::string_view>& context,
                     std::string* err, bool* statusCall = nullptr);

}  // namespace galley::wf

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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::wf {

// GitHub's accounting of the memory a template takes, shared by a workflow
// and the workflows it calls: each token a fixed 24 bytes, strings and
// expressions 26 more plus two bytes per UTF-16 unit, and each file's name
// once. Over `max`, reading stops with "Maximum object size exceeded".
struct TemplateBudget {
  size_t max = 0;  // 0: no limit
  size_t used = 0;
  std::vector<std::string> files;  // names already counted
};

struct TemplateLimits {
  // Nesting of sequences and mappings; deeper input is refused with
  // "Maximum object depth exceeded" (GitHub's default is 50).
  uint32_t maxDepth = 50;
  // The size budget; nullptr: none.
  TemplateBudget* budget = nullptr;
  // The experimental background steps (`background`, `wait`, `wait-all`,
  // `cancel`): without it those keys are unexpected.
  bool backgroundSteps = false;
};

// Reads node as schema definition `type` (GitHub's workflow schema, e.g.
// "workflow-root-strict"). Reports every problem into diags with GitHub's
// wording at the position GitHub gives (rule "workflow-syntax"); returns the
// tree as GitHub holds it after reading: rejected entries dropped, scalars
// coerced (a coerced scalar is double-quoted, so it reads as a string),
// `${{ }}` kept as written.
yaml::Node readTemplate(const yaml::Node& node, std::string_view type, Diagnostics& diags,
                        const TemplateLimits& limits = {});

// Counts a file's name into the budget (once per name); false, with the
// error reported, when that exceeds it.
bool budgetFile(TemplateBudget* budget, const SourceFile& file, Diagnostics& diags);

// The expression GitHub holds for a scalar: the trimmed text of a lone
// `${{ }}`, or a format() call joining literal text and expressions
// (`ci-${{ github.ref }}` is `format('ci-{0}', github.ref)`). Returns false
// when value holds no well-formed `${{ }}`, or only `${{ 'text' }}`, which
// GitHub reads as the literal text (see templateLiteral).
bool templateExpression(std::string_view value, std::string* expression);

// The text of a value that is exactly `${{ 'text' }}` (`''` inside is one
// quote), or nullopt.
std::optional<std::string> templateLiteral(std::string_view value);

// A plain scalar's number under YAML 1.2's core schema (`.INF`, `-.Inf`,
// `.NAN` included), or nullopt.
std::optional<double> coreNumber(const yaml::Node& n);

// A number as GitHub's service writes it in a string: 15 significant
// digits, "Infinity", "NaN".
std::string numberText(double d);

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

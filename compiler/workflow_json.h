// The workflow model as JSON, in the form GitHub's workflow parsers write
// their result (the "reader" form of actions/languageservices' cross-language
// suite): jobs with their ids, generated step ids, `if:` as the expression
// GitHub evaluates, and every run-time value as a template token — a string,
// boolean, number or null as itself, `${{ }}` as {"type": 3, "expr"},
// sequences as {"type": 1, "seq"}, mappings as {"type": 2, "map": [{"Key",
// "Value"}]}. `galley run --plan --output json` prints the same form.
#pragma once

#include <nlohmann/json.hpp>

#include "compiler/workflow.h"
#include "compiler/workflow_call.h"

namespace galley::wf {

struct ReaderJsonOptions {
  // Tokens carry their file (an index into "file-table"), line and column.
  bool includeSource = false;
  // The triggers, as "events" (GitHub's TypeScript parser writes them).
  bool includeEvents = false;
  // The types of workflow_dispatch inputs, as "input-types" (GitHub's
  // service writes them; its TypeScript parser does not).
  bool includeInputTypes = true;
};

nlohmann::ordered_json toReaderJson(const Workflow& wf, const ReaderJsonOptions& options = {});

// One template value in that form (file ids counted from 1 in order of
// first appearance in *files when includeSource).
nlohmann::ordered_json templateJson(const Template& value, bool includeSource,
                                    std::vector<std::string>* files = nullptr);

}  // namespace galley::wf

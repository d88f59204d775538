// The lint rules: one stable id each, a default severity, a one-line
// description (for --list-rules, SARIF and the docs).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"

namespace galley::lint {

struct RuleInfo {
  std::string_view id;
  Severity severity;
  std::string_view description;
  // The rule reports some cases as warnings (an AWS access key ID alone is
  // no secret): a finding's own milder severity stands unless configured.
  bool milderCases = false;
};

const std::vector<RuleInfo>& allRules();
const RuleInfo* findRule(std::string_view id);

}  // namespace galley::lint

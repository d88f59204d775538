#include "runtime/lint_gate.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "compiler/lint/rules.h"

namespace galley::run {

namespace {
bool listed(const std::vector<std::string_view>& rules, std::string_view id) {
  return std::find(rules.begin(), rules.end(), id) != rules.end();
}
}  // namespace

TEST_CASE("lint gate: every lint error rule is classified as enforced or advisory, once") {
  for (const auto& rule : lint::allRules()) {
    bool enforced = listed(enforcedRules(), rule.id), advisory = listed(advisoryRules(), rule.id);
    INFO(rule.id);
    CHECK_FALSE((enforced && advisory));
    if (rule.severity == Severity::Error) CHECK((enforced || advisory));
  }
  for (auto id : enforcedRules())
    CHECK(lint::findRule(id));
  for (auto id : advisoryRules())
    CHECK(lint::findRule(id));
}

TEST_CASE("lint gate: audit and style findings are warnings, schema and model errors stop") {
  CHECK(stopsRun("unknown-key"));
  CHECK(stopsRun("expression"));
  CHECK(stopsRun("job-needs"));
  CHECK(stopsRun("workflow-call"));
  CHECK(stopsRun("a-rule-added-later"));
  CHECK_FALSE(stopsRun("deprecated-command"));
  CHECK_FALSE(stopsRun("constant-if"));
  CHECK_FALSE(stopsRun("template-injection"));
  CHECK_FALSE(stopsRun("if-always-true"));
  CHECK_FALSE(stopsRun("runner-label"));

  Diagnostics found, diags;
  found.error({}, "constant-if", "if: false is always false");
  found.warning({}, "shellcheck", "SC2086");
  CHECK_FALSE(gateLintFindings(found, diags));
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].severity == Severity::Warning);
  CHECK(diags.all()[0].rule == "constant-if");

  Diagnostics found2, diags2;
  found2.error({}, "constant-if", "if: false is always false");
  found2.error({}, "unknown-key", "Unexpected value 'job'");
  CHECK(gateLintFindings(found2, diags2));
  REQUIRE(diags2.all().size() == 2);
  CHECK(diags2.all()[1].severity == Severity::Error);
}

}  // namespace galley::run

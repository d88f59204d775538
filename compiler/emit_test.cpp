// The emitters, through whole compiles: what each target's file holds.
#include "compiler/emit.h"

#include <doctest/doctest.h>

#include "tests/project_fixture.h"

using namespace galley;
using galley::testing::ciPipeline;
using galley::testing::TempProject;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A manual pipeline with two inputs: `level` is read by a condition,
// `note` only by a script.
std::string manualPipeline() {
  return "name: demo\npipelines:\n  ci:\n    on:\n      manual:\n        inputs:\n"
         "          level:\n            type: string\n            default: low\n"
         "            description: Level.\n"
         "          note:\n            type: string\n            default: none\n"
         "            description: Note.\n"
         "    recipes:\n      s: {}\n";
}

const char* kInputs = R"(recipe: s
description: S.
steps:
  - if: ${{ inputs.level == 'high' }}
    run: echo "${{ inputs.note }}"
)";

const char* kTargets = R"(recipe: s
description: S.
steps:
  - run: pytest
  - name: Azure only
    if: ${{ success() || failure() }}
    github: none
    ado:
      task: PublishTestResults@2
      inputs:
        testResultsFiles: junit.xml
  - name: GitHub only
    github:
      uses: example/report@v1
    ado: none
)";

}  // namespace

TEST_CASE("emit: Azure declares a variable for an input only when a condition reads it") {
  TempProject p(manualPipeline(), {{"s", kInputs}});
  REQUIRE(p.compile());
  std::string ado = p.ado();
  CHECK(has(ado, "variables:\n  - name: INPUTS_LEVEL\n    value: ${{ parameters.level }}\n\n"));
  CHECK(has(ado, "eq(variables['INPUTS_LEVEL'], 'high')"));
  // The script reads the parameter itself: no variable for it.
  CHECK(has(ado, "INPUTS_NOTE: ${{ parameters.note }}\n"));
  CHECK_FALSE(has(ado, "- name: INPUTS_NOTE"));
}

TEST_CASE("emit: a pipeline whose inputs no condition reads has no variables section") {
  const char* recipe = "recipe: s\ndescription: S.\nsteps:\n  - run: echo \"${{ inputs.note }}\"\n";
  TempProject p(manualPipeline(), {{"s", recipe}});
  REQUIRE(p.compile());
  CHECK_FALSE(has(p.ado(), "variables:"));
  CHECK(has(p.ado(), "INPUTS_NOTE: ${{ parameters.note }}\n"));
}

TEST_CASE("emit: a target form of none leaves the step out of that target only") {
  TempProject p(ciPipeline("      s: {}\n"), {{"s", kTargets}});
  REQUIRE(p.compile());
  std::string gh = p.github(), ado = p.ado();
  CHECK_FALSE(has(gh, "Azure only"));
  CHECK(has(gh, "uses: example/report@v1"));
  CHECK(has(ado, "- task: PublishTestResults@2\n"));
  CHECK_FALSE(has(ado, "GitHub only"));
}

TEST_CASE("emit: a target form left out is still an error, none is said on purpose") {
  const char* recipe =
      "recipe: s\ndescription: S.\nsteps:\n  - name: Report\n"
      "    ado:\n      task: PublishTestResults@2\n";
  TempProject p(ciPipeline("      s: {}\n"), {{"s", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "recipes/s.yml:4:5: error: step 'Report' has no GitHub form: add 'github: "
        "{uses: ..., with: ...}' [target]\n");
}

TEST_CASE("emit: success() || failure() is Azure DevOps' succeededOrFailed()") {
  TempProject p(ciPipeline("      s: {}\n"), {{"s", kTargets}});
  REQUIRE(p.compile());
  CHECK(has(p.ado(), "displayName: Azure only\n            condition: succeededOrFailed()\n"));
  CHECK_FALSE(has(p.github(), "if: ${{ success() || failure() }}"));  // left out there
}

TEST_CASE("emit: a portable action's input that comes out empty is left out") {
  const char* recipe =
      "recipe: s\ndescription: S.\nsteps:\n  - uses: setup-python\n"
      "    with:\n      python-version: '3.12'\n";
  const char* cached =
      "recipe: c\ndescription: C.\nsteps:\n  - uses: setup-python\n"
      "    with:\n      cache: pip\n      cache-dependency-path: req.txt\n";
  TempProject p(ciPipeline("      s: {}\n      c: {}\n"), {{"s", recipe}, {"c", cached}});
  REQUIRE(p.compile());
  std::string gh = p.github();
  CHECK(has(gh, "        with:\n          python-version: '3.12'\n"));
  CHECK_FALSE(has(gh, "python-version: '3.12'\n          cache"));
  CHECK(has(gh,
            "          python-version: '3.11'\n          cache: pip\n"
            "          cache-dependency-path: req.txt\n"));
  CHECK_FALSE(has(gh, "cache: ''"));
}

TEST_CASE("emit: a run step named after its script shows references without ${{") {
  const char* recipe =
      "recipe: s\ndescription: S.\nsteps:\n"
      "  - run: echo \"${{ run.commit }} ${{ run.branch }} ${{ run.ref }} and more\"\n";
  TempProject p(ciPipeline("      s: {}\n"), {{"s", recipe}});
  REQUIRE(p.compile());
  CHECK(has(p.github(), "- name: echo \"run.commit run.branch run.ref and more\"\n"));
  CHECK(has(p.ado(), "displayName: echo \"run.commit run.branch run.ref and more\"\n"));
}

#include "compiler/run_context.h"

#include <doctest/doctest.h>

#include "tests/project_fixture.h"

using namespace galley;
using galley::testing::ciPipeline;
using galley::testing::TempProject;

namespace {

const char* kStamp = R"(recipe: stamp
description: Print what is being built.
steps:
  - name: Stamp
    if: ${{ run.event == 'push' }}
    run: echo "${{ run.branch }}@${{ run.commit }}" > stamp.txt
  - name: Label
    github:
      uses: example/label@v1
      with:
        ref: ${{ run.ref }}
    ado:
      task: Label@1
      inputs:
        ref: ${{ run.ref }}
)";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("run context: every fact names a github property and an Azure DevOps variable") {
  std::vector<std::string> names;
  for (const auto& f : runFacts()) {
    names.emplace_back(f.name);
    CHECK(!f.github.empty());
    CHECK(!f.ado.empty());
    CHECK(runFact(f.name) == &f);
  }
  CHECK(names ==
        std::vector<std::string>{"commit", "ref", "branch", "id", "event", "attempt", "actor"});
  CHECK(runFact("commit")->github == "sha");
  CHECK(runFact("commit")->ado == "Build.SourceVersion");
  CHECK(runFact("sha") == nullptr);
}

TEST_CASE("run context: scripts read run facts through environment variables on both targets") {
  TempProject p(ciPipeline("      stamp: {}\n"), {{"stamp", kStamp}});
  REQUIRE(p.compile());
  std::string gh = p.github();
  CHECK(has(gh, "run: echo \"${RUN_BRANCH}@${RUN_COMMIT}\" > stamp.txt\n"));
  CHECK(has(gh, "RUN_BRANCH: ${{ github.ref_name }}\n"));
  CHECK(has(gh, "RUN_COMMIT: ${{ github.sha }}\n"));
  // Never pasted into the script, where a branch named $(cmd) would run.
  CHECK_FALSE(has(gh, "echo \"${{"));
  std::string ado = p.ado();
  CHECK(has(ado, "echo \"${RUN_BRANCH}@${RUN_COMMIT}\" > stamp.txt\n"));
  CHECK(has(ado, "RUN_BRANCH: $(Build.SourceBranchName)\n"));
  CHECK(has(ado, "RUN_COMMIT: $(Build.SourceVersion)\n"));
}

TEST_CASE("run context: conditions and action inputs read each target's own names") {
  TempProject p(ciPipeline("      stamp: {}\n"), {{"stamp", kStamp}});
  REQUIRE(p.compile());
  std::string gh = p.github();
  CHECK(has(gh, "if: ${{ github.event_name == 'push' }}\n"));
  CHECK(has(gh, "ref: ${{ github.ref }}\n"));
  std::string ado = p.ado();
  CHECK(has(ado, "condition: and(succeeded(), eq(variables['Build.Reason'], 'push'))\n"));
  CHECK(has(ado, "ref: $(Build.SourceBranch)\n"));
}

TEST_CASE("run context: an unknown fact is an error at the reference with a suggestion") {
  const char* recipe = "recipe: s\ndescription: S.\nsteps:\n  - run: echo ${{ run.comit }}\n";
  TempProject p(ciPipeline("      s: {}\n"), {{"s", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "recipes/s.yml:4:15: error: the run context has no 'comit': it has commit, ref, branch, "
        "id, event, attempt, actor [reference]\n"
        "  - run: echo ${{ run.comit }}\n"
        "              ^~~~~~~~~~~~~~~~\n"
        "  hint: did you mean 'commit'?\n");
}

TEST_CASE("run context: run alone or a deeper path says how to write a fact") {
  const char* recipe =
      "recipe: s\ndescription: S.\nsteps:\n  - run: echo ${{ run.commit.short }}\n";
  TempProject p(ciPipeline("      s: {}\n"), {{"s", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "recipes/s.yml:4:15: error: write run.NAME, where NAME is one of commit, ref, branch, id, "
        "event, attempt, actor [reference]\n");
}

TEST_CASE("run context: a fact cannot stand where galley needs a value at compile time") {
  const char* recipe =
      "recipe: s\ndescription: S.\nsteps:\n  - run: echo hi\n"
      "    timeout-minutes: ${{ run.attempt }}\n";
  TempProject p(ciPipeline("      s: {}\n"), {{"s", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "recipes/s.yml:5:22: error: timeout-minutes must be known when galley compiles [type]\n");
}

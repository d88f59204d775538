#include "runtime/azure/pipeline.h"

#include <doctest/doctest.h>

namespace galley::run::azure {

namespace {

struct Read {
  Sources sources;
  Diagnostics diags;
  yaml::Node root;
  Pipeline pipeline;
  bool ok = false;

  explicit Read(const std::string& text) {
    const SourceFile* f = sources.add("p.yml", text);
    auto r = yaml::load(*f, diags);
    REQUIRE(r);
    root = std::move(*r);
    ok = readPipeline(root, *f, &pipeline, diags);
  }
  std::string first() const {
    if (diags.all().empty()) return "";
    const auto& d = diags.all()[0];
    return std::to_string(d.where.begin.line) + ":" + std::to_string(d.where.begin.column) + ": " +
           d.message;
  }
};

}  // namespace

TEST_CASE("a pipeline of steps has one implicit stage and job, named as Azure names them") {
  Read r("steps:\n  - script: echo hi\n    name: greet\n");
  REQUIRE(r.ok);
  REQUIRE(r.pipeline.stages.size() == 1);
  CHECK(r.pipeline.implicitStage);
  CHECK(r.pipeline.stages[0].name == "__default");
  REQUIRE(r.pipeline.stages[0].jobs.size() == 1);
  const Job& j = r.pipeline.stages[0].jobs[0];
  CHECK(j.name == "Job");
  REQUIRE(j.steps.size() == 1);
  CHECK(j.steps[0].kind == StepKind::Script);
  CHECK(j.steps[0].name == "greet");
}

TEST_CASE("a stage without dependsOn depends on the one before it; dependsOn: [] on none") {
  Read r(R"(stages:
  - stage: a
    jobs: [{job: x, steps: [{bash: 'true'}]}]
  - stage: b
    jobs: [{job: x, steps: [{bash: 'true'}]}]
  - stage: c
    dependsOn: []
    jobs: [{job: x, steps: [{bash: 'true'}]}]
)");
  REQUIRE(r.ok);
  CHECK(r.pipeline.stages[0].dependsOn.empty());
  CHECK(r.pipeline.stages[1].dependsOn == std::vector<std::string>{"a"});
  CHECK(r.pipeline.stages[2].dependsOn.empty());
}

TEST_CASE("a task galley does not run is an error at the task before the run") {
  Read r("steps:\n  - task: Docker@2\n    inputs: {command: build}\n");
  CHECK_FALSE(r.ok);
  CHECK(r.first() == "2:11: task 'Docker@2' is not built into galley run");
}

TEST_CASE("jobs that depend on each other are reported as a path") {
  Read r(R"(jobs:
  - job: a
    dependsOn: c
    steps: [{bash: 'true'}]
  - job: b
    dependsOn: a
    steps: [{bash: 'true'}]
  - job: c
    dependsOn: b
    steps: [{bash: 'true'}]
)");
  CHECK_FALSE(r.ok);
  CHECK(r.first() == "5:5: jobs depend on each other: a -> c -> b -> a");
}

TEST_CASE("a deployment's runOnce hooks are read in run order, canary with the reason") {
  Read r(R"(jobs:
  - deployment: d
    environment: prod.vm1
    strategy:
      canary:
        increments: [10]
        on:
          success: {steps: [{bash: 'true'}]}
        deploy: {steps: [{bash: 'true'}]}
        preDeploy: {steps: [{bash: 'true'}]}
)");
  REQUIRE(r.ok);
  const Job& j = r.pipeline.stages[0].jobs[0];
  CHECK(j.deployment);
  CHECK(j.environment == "prod");
  REQUIRE(j.hooks.size() == 3);
  CHECK(j.hooks[0].name == "preDeploy");
  CHECK(j.hooks[1].name == "deploy");
  CHECK(j.hooks[2].name == "on.success");
  CHECK(j.strategyNote.find("a local run has one target") != std::string::npos);
}

TEST_CASE("matrix legs keep their variables; parallel: N makes N legs") {
  Read r(R"(jobs:
  - job: m
    strategy:
      maxParallel: 2
      matrix:
        py311: {v: '3.11'}
        py312: {v: '3.12'}
    steps: [{bash: 'true'}]
  - job: p
    strategy: {parallel: 3}
    steps: [{bash: 'true'}]
)");
  REQUIRE(r.ok);
  const Job& m = r.pipeline.stages[0].jobs[0];
  REQUIRE(m.legs.size() == 2);
  CHECK(m.legs[1].first == "py312");
  CHECK(m.legs[1].second[0].value == "3.12");
  CHECK(m.maxParallel == 2);
  CHECK(r.pipeline.stages[0].jobs[1].legs.size() == 3);
}

TEST_CASE("a variable group is an error: its values live on the server") {
  Read r("variables:\n  - group: shared\nsteps:\n  - bash: 'true'\n");
  CHECK_FALSE(r.ok);
  CHECK(r.first() ==
        "2:12: variable group 'shared' lives on the Azure DevOps server; a local run cannot read "
        "it");
}

TEST_CASE("a condition that does not parse is an error at it before the run") {
  Read r("jobs:\n  - job: a\n    condition: and(succeeded(),\n    steps: [{bash: 'true'}]\n");
  CHECK_FALSE(r.ok);
  CHECK(r.first() ==
        "3:16: condition: Unexpected end of expression. Located at position 17 within "
        "expression: and(succeeded(),");
}

TEST_CASE("a runtime matrix is kept as written, its syntax checked before the run") {
  Read ok(R"(jobs:
  - job: j
    strategy:
      matrix: $[ dependencies.p.outputs['s.legs'] ]
    steps: [{bash: 'true'}]
)");
  REQUIRE(ok.ok);
  CHECK(ok.pipeline.stages[0].jobs[0].runtimeMatrix == "$[ dependencies.p.outputs['s.legs'] ]");
  CHECK(ok.pipeline.stages[0].jobs[0].runtimeMatrixWhere.begin.line == 4);

  Read around(
      "jobs:\n  - job: j\n    strategy:\n      matrix: $[ variables.x ] and more\n"
      "    steps: [{bash: 'true'}]\n");
  CHECK(!around.ok);
  CHECK(around.first() ==
        "4:15: a runtime matrix must be one $[ ] expression, with nothing around it");

  Read broken(
      "jobs:\n  - job: j\n    strategy:\n      matrix: $[ eq(1 ]\n"
      "    steps: [{bash: 'true'}]\n");
  CHECK(!broken.ok);
  CHECK(broken.first().starts_with("4:15: matrix: "));
}

TEST_CASE("AzureCLI@2 with scriptType batch is an error at the input before the run") {
  Read r(R"(steps:
  - task: AzureCLI@2
    inputs:
      scriptType: batch
      inlineScript: dir
)");
  CHECK(!r.ok);
  CHECK(r.first() ==
        "4:19: AzureCLI@2 with scriptType 'batch' runs a Windows batch file, which a Linux agent "
        "cannot run");
}

}  // namespace galley::run::azure

namespace galley::run::azure {

TEST_CASE("retryCountOnTaskFailure is read; a value that is not a whole count is an error at it") {
  Read ok("steps:\n  - bash: 'false'\n    retryCountOnTaskFailure: 3\n");
  REQUIRE(ok.ok);
  const Step& s = ok.pipeline.stages[0].jobs[0].steps[0];
  CHECK(s.retryCountOnTaskFailure == 3);
  CHECK(s.retryWhere.begin.line == 3);
  for (const char* bad : {"-1", "1.5", "many", "[1]"}) {
    Read r(std::string("steps:\n  - bash: 'false'\n    retryCountOnTaskFailure: ") + bad + "\n");
    CHECK_FALSE(r.ok);
    CHECK(r.first() ==
          "3:30: 'retryCountOnTaskFailure' must be a whole number of retries, 0 or more");
  }
}

}  // namespace galley::run::azure

#include "runtime/azure/plan.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <set>

namespace galley::run::azure {

namespace {

// Runs no process: each job's result and outputs come from tables by id.
class FakeRunner final : public JobRunner {
 public:
  std::map<std::string, Result> results;
  std::map<std::string, std::map<std::string, std::string>> outputs;
  std::vector<std::string> ran;
  std::mutex mu;
  const Scheduled* scheduled = nullptr;
  std::map<std::string, expr::Value> seen;  // dependencyContexts at start
  std::set<std::string> issues;             // jobs that succeed with issues
  std::map<std::string, std::pair<std::string, std::string>> secrets;  // id -> key, value

  JobResult run(const JobRun& job) override {
    JobResult r;
    r.result = results.count(job.info.id) ? results[job.info.id] : Result::Success;
    if (outputs.count(job.info.id)) r.outputs = outputs[job.info.id];
    if (issues.count(job.info.id)) scheduled->noteIssues(job.info.id);
    if (auto it = secrets.find(job.info.id); it != secrets.end()) {
      scheduled->keepSecretOutput(job.info.id, it->second.first, it->second.second);
      r.outputs[it->second.first] = "***";
    }
    std::lock_guard lock(mu);
    ran.push_back(job.info.id);
    seen[job.info.id] = scheduled->dependencyContexts(job.info.id);
    return r;
  }
};

class Recorder final : public Reporter {
 public:
  std::map<std::string, std::pair<Result, std::string>> finished;
  void jobFinished(const JobInfo& j, const JobResult& r) override {
    finished[j.id] = {r.result, r.reason};
  }
};

struct Fixture {
  Sources sources;
  Diagnostics diags;
  yaml::Node root;
  Pipeline pipeline;
  std::unique_ptr<Scheduled> scheduled;
  FakeRunner runner;
  Recorder recorder;

  WorkflowResult run(const std::string& text) {
    const SourceFile* f = sources.add("p.yml", text);
    auto r = yaml::load(*f, diags);
    REQUIRE(r);
    root = std::move(*r);
    REQUIRE(readPipeline(root, *f, &pipeline, diags));
    scheduled = std::make_unique<Scheduled>(pipeline);
    runner.scheduled = scheduled.get();
    Plan plan;
    REQUIRE(makePlan(scheduled->workflow(), {}, &plan, diags));
    SchedulerOptions so;
    so.parallel = 2;
    so.gate = scheduled->gate({{"queued", "yes"}});
    proc::CancelToken cancel;
    return runPlan(plan, so, runner, recorder, cancel);
  }
  Result result(const std::string& id) { return recorder.finished.at(id).first; }
  std::string reason(const std::string& id) { return recorder.finished.at(id).second; }
};

}  // namespace

TEST_CASE("a failed stage skips the stages after it unless their condition replaces succeeded()") {
  Fixture f;
  f.runner.results["build.compile"] = Result::Failure;
  auto wr = f.run(R"(stages:
  - stage: build
    jobs: [{job: compile, steps: [{bash: 'true'}]}]
  - stage: test
    jobs: [{job: unit, steps: [{bash: 'true'}]}]
  - stage: report
    dependsOn: build
    condition: failed()
    jobs: [{job: mail, steps: [{bash: 'true'}]}]
  - stage: other
    dependsOn: []
    jobs: [{job: lint, steps: [{bash: 'true'}]}]
)");
  CHECK(wr.result == Result::Failure);
  CHECK(f.result("test.unit") == Result::Skipped);
  CHECK(f.reason("test.unit") == "stage 'test' did not run: a stage it depends on did not succeed");
  CHECK(f.result("report.mail") == Result::Success);
  CHECK(f.result("other.lint") == Result::Success);
}

TEST_CASE("a job's condition sees its dependencies' results and outputs, and variables") {
  Fixture f;
  f.runner.outputs["a"] = {{"step.v", "42"}};
  f.run(R"(variables: {mode: fast}
jobs:
  - job: a
    steps: [{bash: 'true'}]
  - job: b
    dependsOn: a
    condition: and(eq(dependencies.a.outputs['step.v'], '42'), eq(variables.mode, 'fast'), eq(variables.queued, 'yes'))
    steps: [{bash: 'true'}]
  - job: c
    dependsOn: a
    condition: eq(dependencies.a.result, 'Failed')
    steps: [{bash: 'true'}]
)");
  CHECK(f.result("b") == Result::Success);
  CHECK(f.result("c") == Result::Skipped);
  CHECK(f.reason("c") == "its condition is false");
  const expr::Value& deps = *f.runner.seen.at("b").asObject().find("dependencies");
  CHECK(deps.asObject().find("a")->asObject().find("result")->asString() == "Succeeded");
}

TEST_CASE("a stage's condition reads its dependencies' outputs as 'job.step.var'") {
  Fixture f;
  f.runner.outputs["one.a"] = {{"step.v", "go"}};
  f.run(R"(stages:
  - stage: one
    jobs: [{job: a, steps: [{bash: 'true'}]}]
  - stage: two
    condition: eq(dependencies.one.outputs['a.step.v'], 'go')
    jobs: [{job: b, steps: [{bash: 'true'}]}]
  - stage: three
    dependsOn: one
    condition: eq(dependencies.one.outputs['a.step.v'], 'stop')
    jobs: [{job: c, steps: [{bash: 'true'}]}]
)");
  CHECK(f.result("two.b") == Result::Success);
  CHECK(f.result("three.c") == Result::Skipped);
  const expr::Value& sd = *f.runner.seen.at("two.b").asObject().find("stageDependencies");
  CHECK(sd.asObject()
            .find("one")
            ->asObject()
            .find("a")
            ->asObject()
            .find("outputs")
            ->asObject()
            .find("step.v")
            ->asString() == "go");
}

TEST_CASE("a condition that cannot be evaluated fails the job at the condition") {
  Fixture f;
  auto wr = f.run("jobs:\n  - job: a\n    condition: eq(nope.x, 1)\n    steps: [{bash: 'true'}]\n");
  CHECK(wr.result == Result::Failure);
  CHECK(f.result("a") == Result::Failure);
  CHECK(f.reason("a") == "Unrecognized named-value: 'nope'");
  CHECK(f.runner.ran.empty());
}

TEST_CASE("a runtime matrix runs the legs an earlier job's output lists, with their variables") {
  Fixture f;
  f.runner.outputs["plan"] = {{"pick.legs", "{'a': {'x': '1'}, \"b\": {\"x\": 2}}"}};
  f.run(R"(jobs:
  - job: plan
    steps: [{bash: 'true'}]
  - job: run
    dependsOn: plan
    strategy:
      matrix: $[ dependencies.plan.outputs['pick.legs'] ]
    steps: [{bash: 'true'}]
)");
  CHECK(std::count(f.runner.ran.begin(), f.runner.ran.end(), "run") == 2);
  auto b = f.scheduled->legVariables("run", "b");
  REQUIRE(b.size() == 1);
  CHECK(b[0].name == "x");
  CHECK(b[0].value == "2");
  CHECK(f.scheduled->legVariables("run", "c").empty());
}

TEST_CASE("a runtime matrix whose value is not a JSON object of legs fails its job at the matrix") {
  Fixture f;
  f.runner.outputs["plan"] = {{"pick.legs", "[1, 2]"}, {"pick.none", "{}"}};
  f.run(R"(jobs:
  - job: plan
    steps: [{bash: 'true'}]
  - job: list
    dependsOn: plan
    strategy: {matrix: "$[ dependencies.plan.outputs['pick.legs'] ]"}
    steps: [{bash: 'true'}]
  - job: none
    dependsOn: plan
    strategy: {matrix: "$[ dependencies.plan.outputs['pick.none'] ]"}
    steps: [{bash: 'true'}]
)");
  CHECK(f.result("list") == Result::Failure);
  CHECK(f.reason("list") ==
        "the matrix's value must be a JSON object of leg names to variables, not array "
        "($[ dependencies.plan.outputs['pick.legs'] ])");
  CHECK(f.result("none") == Result::Skipped);
  CHECK(f.reason("none") == "its runtime matrix has no legs");
}

TEST_CASE(
    "a job that succeeded with issues reads SucceededWithIssues to the jobs and stages after it") {
  Fixture f;
  f.runner.issues.insert("first.a");
  f.run(R"(stages:
  - stage: first
    jobs:
      - job: a
        steps: [{bash: 'true'}]
      - job: b
        dependsOn: a
        condition: and(succeeded(), eq(dependencies.a.result, 'SucceededWithIssues'))
        steps: [{bash: 'true'}]
      - job: c
        dependsOn: a
        condition: failed()
        steps: [{bash: 'true'}]
  - stage: second
    condition: and(succeeded(), eq(dependencies.first.result, 'SucceededWithIssues'))
    jobs: [{job: d, steps: [{bash: 'true'}]}]
)");
  CHECK(f.result("first.b") == Result::Success);
  CHECK(f.result("first.c") == Result::Skipped);
  CHECK(f.result("second.d") == Result::Success);
  CHECK(f.scheduled->anyWithIssues());
}

TEST_CASE(
    "a secret output reaches later jobs through the gate while the job's result holds it masked") {
  Fixture f;
  f.runner.secrets["a"] = {"s.tok", "hidden-value"};
  auto wr = f.run(R"(jobs:
  - job: a
    steps: [{bash: 'true'}]
  - job: b
    dependsOn: a
    condition: eq(dependencies.a.outputs['s.tok'], 'hidden-value')
    steps: [{bash: 'true'}]
)");
  CHECK(f.result("b") == Result::Success);
  CHECK(wr.jobs.at("a").outputs.at("s.tok") == "***");
  const expr::Value* deps = f.runner.seen.at("b").asObject().find("dependencies");
  REQUIRE(deps);
  CHECK(expr::toJson(*deps).find("hidden-value") != std::string::npos);
}

}  // namespace galley::run::azure

#include "runtime/azure/plan.h"

#include <doctest/doctest.h>

#include <mutex>

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

  JobResult run(const JobRun& job) override {
    JobResult r;
    r.result = results.count(job.info.id) ? results[job.info.id] : Result::Success;
    if (outputs.count(job.info.id)) r.outputs = outputs[job.info.id];
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

}  // namespace galley::run::azure

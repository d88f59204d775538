#include "runtime/scheduler.h"

#include <doctest/doctest.h>

#include <deque>
#include <mutex>
#include <thread>

#include "compiler/yaml.h"

namespace galley::run {

namespace {

// Runs no process: each leg's result comes from a table by job id.
class FakeRunner final : public JobRunner {
 public:
  std::map<std::string, Result> results;
  std::map<std::string, std::map<std::string, std::string>> outputs;
  std::vector<std::string> ran;
  std::mutex mu;
  // How long each leg takes, and the most legs that ran at once.
  std::chrono::milliseconds work{0};
  int running = 0, peak = 0;

  JobResult run(const JobRun& job) override {
    JobResult r;
    {
      std::lock_guard lock(mu);
      r.result = results.count(job.info.id) ? results[job.info.id] : Result::Success;
      if (outputs.count(job.info.id)) r.outputs = outputs[job.info.id];
      ran.push_back(job.info.name);
      peak = std::max(peak, ++running);
    }
    std::this_thread::sleep_for(work);
    std::lock_guard lock(mu);
    --running;
    return r;
  }
};

class Recorder final : public Reporter {
 public:
  std::map<std::string, std::pair<Result, std::string>> finished;
  void jobFinished(const JobInfo& j, const JobResult& r) override {
    finished[j.name] = {r.result, r.reason};
  }
};

struct Fixture {
  Sources sources;
  Diagnostics diags;
  yaml::Node root;
  wf::Workflow workflow;
  Plan plan;
  FakeRunner runner;
  Recorder recorder;

  WorkflowResult run(const std::string& text, PlanOptions po = {}, int parallel = 2,
                     WorkflowLoader load = {}) {
    const SourceFile* f = sources.add("w.yml", text);
    auto r = yaml::load(*f, diags);
    REQUIRE(r);
    root = std::move(*r);
    bool read = wf::readWorkflow(root, *f, &workflow, diags);
    INFO((diags.all().empty() ? std::string() : diags.all()[0].message));
    REQUIRE(read);
    REQUIRE(makePlan(workflow, po, &plan, diags));
    SchedulerOptions so;
    so.parallel = parallel;
    so.plan = po;
    so.loadWorkflow = std::move(load);
    proc::CancelToken cancel;
    return runPlan(plan, so, runner, recorder, cancel);
  }
};

// Local reusable workflows from texts by `uses:`, read on first use.
struct Workflows {
  std::map<std::string, std::string> texts;
  Sources sources;
  Diagnostics diags;
  std::deque<std::pair<yaml::Node, wf::Workflow>> read;

  WorkflowLoader loader() {
    return [this](const std::string& uses, Location, std::string* err) -> const wf::Workflow* {
      auto it = texts.find(uses);
      if (it == texts.end()) {
        *err = "no such workflow " + uses;
        return nullptr;
      }
      const SourceFile* f = sources.add(uses, it->second);
      auto& [root, w] = read.emplace_back();
      root = std::move(*yaml::load(*f, diags));
      return wf::readWorkflow(root, *f, &w, diags) ? &w : nullptr;
    };
  }
};

}  // namespace

TEST_CASE("a failed job skips the jobs that need it, unless their if: says otherwise") {
  Fixture f;
  f.runner.results["build"] = Result::Failure;
  auto wr = f.run(R"(on: push
jobs:
  build: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  test: {needs: build, runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  report: {needs: test, if: always(), runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  cleanup: {needs: build, if: failure(), runs-on: ubuntu-latest, steps: [{run: 'true'}]}
)");
  CHECK(wr.result == Result::Failure);
  CHECK(f.recorder.finished["test"] ==
        std::pair{Result::Skipped, std::string("a job it needs failed")});
  CHECK(f.recorder.finished["report"].first == Result::Success);
  CHECK(f.recorder.finished["cleanup"].first == Result::Success);
}

TEST_CASE("a job that needs a skipped job is skipped too") {
  Fixture f;
  f.run(R"(on: push
jobs:
  a: {if: false, runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  b: {needs: a, runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  c: {needs: a, if: '!failure()', runs-on: ubuntu-latest, steps: [{run: 'true'}]}
)");
  CHECK(f.recorder.finished["a"] ==
        std::pair{Result::Skipped, std::string("its if: condition is false")});
  CHECK(f.recorder.finished["b"] ==
        std::pair{Result::Skipped, std::string("a job it needs was skipped")});
  CHECK(f.recorder.finished["c"].first == Result::Success);
}

TEST_CASE("a dynamic matrix reads the outputs of the job it needs when that job is done") {
  Fixture f;
  f.runner.outputs["gen"] = {{"list", R"(["x", "y", "z"])"}};
  f.run(R"(on: push
jobs:
  gen: {runs-on: ubuntu-latest, outputs: {list: '${{ steps.s.outputs.list }}'}, steps: [{id: s, run: 'true'}]}
  use:
    needs: gen
    runs-on: ubuntu-latest
    strategy: {matrix: {v: '${{ fromJSON(needs.gen.outputs.list) }}'}}
    steps: [{run: 'true'}]
)");
  CHECK(f.recorder.finished.count("use (x)"));
  CHECK(f.recorder.finished.count("use (z)"));
}

TEST_CASE("fail-fast cancels the other legs; fail-fast: false lets them finish") {
  Fixture f;
  f.runner.results["m"] = Result::Failure;
  auto wr = f.run(R"(on: push
jobs:
  m:
    runs-on: ubuntu-latest
    strategy: {fail-fast: false, matrix: {v: [1, 2, 3]}}
    steps: [{run: 'true'}]
)",
                  {}, 1);
  CHECK(wr.result == Result::Failure);
  CHECK(f.runner.ran.size() == 3);
}

TEST_CASE("--job runs a job and what it needs, nothing else") {
  Fixture f;
  PlanOptions po;
  po.jobs = {"b"};
  f.run(R"(on: push
jobs:
  a: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  b: {needs: a, runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  c: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
)",
        po);
  CHECK(f.runner.ran == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a job for another OS is skipped with its reason, unless --platform maps it") {
  Fixture f;
  f.run(R"(on: push
jobs:
  w: {runs-on: windows-latest, steps: [{run: 'true'}]}
)");
  CHECK(f.recorder.finished["w"] ==
        std::pair{Result::Skipped,
                  std::string("runs on 'windows-latest', another OS than this host's "
                              "(--platform windows-latest=host runs it here)")});
  Fixture g;
  PlanOptions po;
  po.platforms["windows-latest"] = "host";
  g.run(R"(on: push
jobs:
  w: {runs-on: windows-latest, steps: [{run: 'true'}]}
)",
        po);
  CHECK(g.recorder.finished["w"].first == Result::Success);
}

TEST_CASE("with -j 1, jobs run one at a time, a free slot going to the ready job declared first") {
  Fixture f;
  f.run(R"(on: push
jobs:
  d: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  b: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  c: {needs: d, runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  a: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
)",
        {}, 1);
  // c becomes ready when d ends, and goes before a, declared after it.
  CHECK(f.runner.ran == std::vector<std::string>{"d", "b", "c", "a"});
  CHECK(f.runner.peak == 1);
}

TEST_CASE("no more legs run at once than -j, nor than a job's max-parallel") {
  Fixture f;
  f.runner.work = std::chrono::milliseconds(5);
  auto wr = f.run(R"(on: push
jobs:
  a: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  b: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  c: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  d: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
  e: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}
)",
                  {}, 3);
  CHECK(wr.result == Result::Success);
  CHECK(f.runner.ran.size() == 5);
  CHECK(f.runner.peak <= 3);

  Fixture g;
  g.runner.work = std::chrono::milliseconds(5);
  g.run(R"(on: push
jobs:
  m:
    runs-on: ubuntu-latest
    strategy: {max-parallel: 2, matrix: {v: [1, 2, 3, 4, 5, 6]}}
    steps: [{run: 'true'}]
)",
        {}, 4);
  CHECK(g.runner.ran ==
        std::vector<std::string>{"m (1)", "m (2)", "m (3)", "m (4)", "m (5)", "m (6)"});
  CHECK(g.runner.peak <= 2);
}

TEST_CASE("a chain of jobs runs each job once, after the job it needs") {
  Fixture f;
  std::string text = "on: push\njobs:\n";
  std::vector<std::string> expected;
  for (int i = 1; i <= 50; ++i) {
    text += "  j" + std::to_string(i) + ": {runs-on: ubuntu-latest, steps: [{run: 'true'}]" +
            (i > 1 ? ", needs: j" + std::to_string(i - 1) : std::string()) + "}\n";
    expected.push_back("j" + std::to_string(i));
  }
  auto wr = f.run(text, {}, 2);
  CHECK(wr.result == Result::Success);
  CHECK(f.runner.ran == expected);
}

}  // namespace galley::run

namespace galley::run {

TEST_CASE("calls nest nine deep as on github.com, and a workflow that calls itself stops at once") {
  auto call = [](int n) {
    return "on: workflow_call\njobs:\n  j:\n    uses: ./l" + std::to_string(n) + ".yml\n";
  };
  const std::string top = "on: push\njobs:\n  j:\n    uses: ./l1.yml\n";
  const std::string leaf =
      "on: workflow_call\njobs:\n  leaf:\n    runs-on: ubuntu-latest\n"
      "    steps: [{run: 'true'}]\n";
  auto reasons = [](const Recorder& r) {
    std::string all;
    for (const auto& [name, result] : r.finished)
      if (!result.second.empty()) all += result.second + "\n";
    return all;
  };

  Workflows nine;
  for (int i = 1; i < 9; ++i)
    nine.texts["./l" + std::to_string(i) + ".yml"] = call(i + 1);
  nine.texts["./l9.yml"] = leaf;
  Fixture ok;
  CHECK(ok.run(top, {}, 2, nine.loader()).result == Result::Success);
  CHECK(ok.runner.ran == std::vector<std::string>{"j/j/j/j/j/j/j/j/j/leaf"});

  Workflows ten;
  ten.texts = nine.texts;
  ten.texts["./l9.yml"] = call(10);
  ten.texts["./l10.yml"] = leaf;
  Fixture deep;
  CHECK(deep.run(top, {}, 2, ten.loader()).result == Result::Failure);
  CHECK(deep.runner.ran.empty());
  std::string failed;
  for (int i = 0; i < 9; ++i)
    failed += "the called workflow failed\n";
  CHECK(reasons(deep.recorder) == failed + "Nested reusable workflow depth exceeded 9.\n");

  Workflows self;
  self.texts["./l1.yml"] = call(1);
  Fixture loop;
  CHECK(loop.run(top, {}, 2, self.loader()).result == Result::Failure);
  CHECK(reasons(loop.recorder) ==
        "the called workflow failed\n'./l1.yml' calls itself, directly or through the workflows "
        "it calls; GitHub stops such a run at its nesting limit\n");
}

}  // namespace galley::run

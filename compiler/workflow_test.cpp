#include "compiler/workflow.h"

#include <doctest/doctest.h>

#include "compiler/workflow_call.h"
#include "compiler/workflow_json.h"
#include "tests/testing.h"

using namespace galley;

namespace {

struct Read {
  Sources sources;
  Diagnostics diags;
  wf::Workflow workflow;
  bool ok = false;
};

std::unique_ptr<Read> read(const std::string& text, const wf::ReadOptions& options = {}) {
  auto r = std::make_unique<Read>();
  const SourceFile* file = r->sources.add("w.yml", text);
  auto root = yaml::load(*file, r->diags);
  REQUIRE(root);
  r->ok = wf::readWorkflow(*root, *file, options, &r->workflow, r->diags);
  return r;
}

std::string errors(const std::string& text) {
  auto r = read(text);
  CHECK_FALSE(r->ok);
  return testing::headlines(r->diags);
}

}  // namespace

TEST_CASE("a workflow without jobs is an error at its first key") {
  CHECK(errors("on: push\n") ==
        "w.yml:1:1: error: Required property is missing: jobs [workflow-syntax]\n");
}

TEST_CASE("a job with both runs-on and uses is an error at uses") {
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: ubuntu-latest\n"
               "    uses: o/r/.github/workflows/w.yml@v1\n") ==
        "w.yml:5:5: error: Unexpected value 'uses' [workflow-syntax]\n");
}

TEST_CASE("needs naming an unknown job is an error at the need") {
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  start:\n"
               "    runs-on: x\n"
               "    steps: [{run: echo}]\n"
               "  a:\n"
               "    runs-on: x\n"
               "    needs: [start, b]\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml:8:20: error: Job 'a' depends on unknown job 'b'. [workflow-syntax]\n");
}

TEST_CASE("a needs cycle is reported at each need in it, with the cycle as a path") {
  auto r = read(
      "on: push\n"
      "jobs:\n"
      "  start:\n"
      "    runs-on: x\n"
      "    steps: [{run: echo}]\n"
      "  a:\n"
      "    runs-on: x\n"
      "    needs: [start, b]\n"
      "    steps: [{run: echo}]\n"
      "  b:\n"
      "    runs-on: x\n"
      "    needs: a\n"
      "    steps: [{run: echo}]\n");
  CHECK_FALSE(r->ok);
  CHECK(testing::headlines(r->diags) ==
        "w.yml:8:20: error: Job 'a' depends on job 'b' which creates a cycle in the dependency "
        "graph. [workflow-syntax]\n"
        "w.yml:12:12: error: Job 'b' depends on job 'a' which creates a cycle in the dependency "
        "graph. [workflow-syntax]\n");
  REQUIRE(r->diags.all().size() == 2);
  CHECK(r->diags.all()[0].hint == "the cycle: a -> b -> a");
}

TEST_CASE("jobs that all need another job leave no job to start") {
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: x\n"
               "    needs: a\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml:3:3: error: The workflow must contain at least one job with no dependencies. "
        "[workflow-syntax]\n");
}

TEST_CASE("job and step ids must be identifiers, unique, and not start with __") {
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  my.job:\n"
               "    runs-on: x\n"
               "    steps:\n"
               "      - id: s\n"
               "        run: echo\n"
               "      - id: S\n"
               "        run: echo\n"
               "      - id: __x\n"
               "        run: echo\n") ==
        "w.yml:3:3: error: The identifier 'my.job' is invalid. IDs may only contain alphanumeric "
        "characters, '_', and '-'. IDs must start with a letter or '_' and and must be less than "
        "100 characters. [workflow-syntax]\n"
        "w.yml:8:13: error: The identifier 'S' may not be used more than once within the same "
        "scope. [workflow-syntax]\n"
        "w.yml:10:13: error: The identifier '__x' is invalid. IDs starting with '__' are "
        "reserved. [workflow-syntax]\n");
}

TEST_CASE("a duplicate key in another case is already defined") {
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: x\n"
               "    Runs-On: y\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml:5:5: error: 'Runs-On' is already defined [workflow-syntax]\n");
}

TEST_CASE("a step with neither run nor uses says which keys would decide") {
  // `name` leaves the shapes that have it: a run step and an action step.
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: x\n"
               "    steps:\n"
               "      - name: nothing\n") ==
        "w.yml:6:9: error: There's not enough info to determine what you meant. Add one of these "
        "properties: run, shell, uses, with, working-directory [workflow-syntax]\n");
}

TEST_CASE("values of the wrong type are unexpected, at the value") {
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: x\n"
               "    timeout-minutes: soon\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml:5:22: error: Unexpected value 'soon' [workflow-syntax]\n");
}

TEST_CASE("an expression where none is allowed, and a malformed one, are errors at the value") {
  CHECK(errors("on: push\n"
               "name: ${{ format('x') }}\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: ${{ matrix.os\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml:2:7: error: A template expression is not allowed in this context "
        "[workflow-syntax]\n"
        "w.yml:5:14: error: The expression is not closed. An unescaped ${{ sequence was found, "
        "but the closing }} sequence was not found. [workflow-syntax]\n");
}

TEST_CASE("an expression naming a context its key does not have is an error") {
  // A condition that does not parse is reported as written, not wrapped in
  // success() && (...).
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    if: env.X == 'y'\n"
               "    runs-on: x\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml:4:9: error: Unrecognized named-value: 'env'. Located at position 1 within "
        "expression: env.X == 'y' [workflow-syntax]\n");
}

TEST_CASE("steps without ids get GitHub's generated ids, counting collisions") {
  auto r = read(
      "on: push\n"
      "jobs:\n"
      "  a:\n"
      "    runs-on: x\n"
      "    steps:\n"
      "      - uses: actions/checkout@v4\n"
      "      - run: echo 1\n"
      "      - id: __run_2x\n"
      "        run: echo 2\n"
      "      - run: echo 3\n"
      "      - uses: actions/checkout@v4\n"
      "      - uses: docker://alpine:3\n"
      "      - uses: ./local\n");
  std::vector<std::string> ids;
  for (const auto& s : r->workflow.jobs.at(0).steps)
    ids.push_back(s.id);
  CHECK(ids == std::vector<std::string>{"__actions_checkout", "__run", "__run_2x", "__run_2",
                                        "__actions_checkout_2", "__alpine_3", "__self"});
  CHECK(r->workflow.jobs[0].steps[0].idGenerated);
}

TEST_CASE("the model keeps conditions as GitHub evaluates them and values as written") {
  auto r = read(
      "on:\n"
      "  workflow_dispatch:\n"
      "    inputs:\n"
      "      level: {type: choice, options: [a, b], required: true}\n"
      "jobs:\n"
      "  build:\n"
      "    if: github.ref == 'refs/heads/main'\n"
      "    runs-on: [self-hosted, '${{ inputs.level }}']\n"
      "    steps:\n"
      "      - run: echo ${{ github.sha }}\n"
      "        if: ${{ always() }}\n"
      "  deploy:\n"
      "    needs: build\n"
      "    uses: ./.github/workflows/deploy.yml\n"
      "    secrets: inherit\n");
  REQUIRE(r->ok);
  const wf::Workflow& w = r->workflow;
  REQUIRE(w.event("workflow_dispatch"));
  REQUIRE(w.dispatchInputs.size() == 1);
  CHECK(w.dispatchInputs[0].type == "choice");
  CHECK(w.dispatchInputs[0].required);
  CHECK(w.dispatchInputs[0].options == std::vector<std::string>{"a", "b"});
  const wf::Job* build = w.job("build");
  REQUIRE(build);
  CHECK(build->condition.value == "github.ref == 'refs/heads/main'");
  CHECK(build->condition.where.begin == Position{7, 9});
  CHECK(build->conditionExpression == "success() && (github.ref == 'refs/heads/main')");
  REQUIRE(build->runsOn);
  CHECK(build->runsOn->items.at(1).value == "${{ inputs.level }}");
  CHECK(build->steps.at(0).condition.value == "${{ always() }}");
  CHECK(build->steps.at(0).conditionExpression == "always()");
  CHECK(w.job("deploy")->conditionExpression == "success()");
  const wf::Job* deploy = w.job("deploy");
  REQUIRE(deploy);
  CHECK(deploy->callsWorkflow());
  CHECK(deploy->secretsInherit);
  CHECK(deploy->needs.at(0).value == "build");
}

TEST_CASE("reader JSON writes mixed text as a format() expression") {
  auto r = read(
      "on: push\n"
      "concurrency: ci-${{ github.ref }}\n"
      "jobs:\n"
      "  a:\n"
      "    runs-on: x\n"
      "    steps: [{run: \"echo ${{ '{{x}}' }}\"}]\n");
  REQUIRE(r->ok);
  auto json = wf::toReaderJson(r->workflow);
  CHECK(json["concurrency"].dump() == R"j({"type":3,"expr":"format('ci-{0}', github.ref)"})j");
  CHECK(json["jobs"][0]["steps"][0]["run"].dump() ==
        R"j({"type":3,"expr":"format('echo {0}', '{{x}}')"})j");
}

TEST_CASE("a file over the size limit is refused before it is read") {
  wf::ReadOptions options;
  options.maxFileSize = 10;
  auto r = read("on: push\njobs: {}\n", options);
  CHECK_FALSE(r->ok);
  CHECK(
      testing::headlines(r->diags) ==
      "w.yml: error: The maximum file size of 10 characters has been exceeded [workflow-syntax]\n");
}

namespace {

// A caller and the workflows it calls, by name.
struct Calls {
  Sources sources;
  Diagnostics diags;
  wf::Workflow caller;
  std::map<std::string, std::string> files;

  bool run(const std::string& text, const wf::CallOptions& options = {}) {
    const SourceFile* f = sources.add("caller.yml", text);
    auto root = yaml::load(*f, diags);
    REQUIRE(root);
    REQUIRE(wf::readWorkflow(*root, *f, &caller, diags));
    wf::WorkflowLoader load = [this](const wf::Text& uses, Diagnostics& d,
                                     std::string*) -> std::shared_ptr<wf::Workflow> {
      auto it = files.find(uses.value);
      if (it == files.end()) return nullptr;
      const SourceFile* cf = sources.add(uses.value, it->second);
      auto r = yaml::load(*cf, d);
      if (!r) return nullptr;
      auto w = std::make_shared<wf::Workflow>();
      wf::readWorkflow(*r, *cf, w.get(), d);
      return w;
    };
    return wf::expandCalls(caller, load, options, diags);
  }
};

const char* kCalled =
    "on:\n"
    "  workflow_call:\n"
    "    inputs:\n"
    "      env: {type: string, required: true}\n"
    "      dry: {type: boolean}\n"
    "    secrets:\n"
    "      token: {required: true}\n"
    "permissions:\n"
    "  contents: write\n"
    "jobs:\n"
    "  deploy:\n"
    "    runs-on: x\n"
    "    steps: [{run: echo}]\n";

}  // namespace

TEST_CASE("a call is checked against the called workflow's inputs, secrets and permissions") {
  Calls c;
  c.files["./d.yml"] = kCalled;
  CHECK_FALSE(
      c.run("on: push\n"
            "permissions:\n"
            "  contents: read\n"
            "jobs:\n"
            "  call:\n"
            "    uses: ./d.yml\n"
            "    with:\n"
            "      dry: maybe\n"
            "      extra: 1\n"
            "    secrets:\n"
            "      other: x\n"));
  CHECK(testing::headlines(c.diags) ==
        "caller.yml:6:11: error: Input env is required, but not provided while calling. "
        "[reusable-workflow]\n"
        "caller.yml:8:12: error: Unexpected value 'maybe' [reusable-workflow]\n"
        "caller.yml:9:14: error: Invalid input, extra is not defined in the referenced workflow. "
        "[reusable-workflow]\n"
        "caller.yml:6:11: error: Secret token is required, but not provided while calling. "
        "[reusable-workflow]\n"
        "caller.yml:11:14: error: Invalid secret, other is not defined in the referenced "
        "workflow. [reusable-workflow]\n"
        "caller.yml:5:3: error: Error calling workflow './d.yml'. The workflow './d.yml' is "
        "requesting 'contents: write', but is only allowed 'contents: read'. "
        "[reusable-workflow]\n");
}

TEST_CASE("a call that satisfies the called workflow attaches it to the job") {
  Calls c;
  c.files["./d.yml"] = kCalled;
  CHECK(
      c.run("on: push\n"
            "jobs:\n"
            "  call:\n"
            "    permissions: write-all\n"
            "    uses: ./d.yml\n"
            "    with: {env: prod, dry: true}\n"
            "    secrets: inherit\n"));
  REQUIRE(c.caller.jobs.at(0).called);
  CHECK(c.caller.jobs[0].called->jobs.at(0).id == "deploy");
  CHECK(wf::countJobs(c.caller) == 2);
}

TEST_CASE("calls nested deeper than the limit are refused") {
  Calls c;
  c.files["./a.yml"] = "on: workflow_call\njobs:\n  j:\n    uses: ./b.yml\n";
  c.files["./b.yml"] = "on: workflow_call\njobs:\n  j:\n    runs-on: x\n    steps: [{run: echo}]\n";
  wf::CallOptions options;
  options.maxDepth = 1;
  CHECK_FALSE(c.run("on: push\njobs:\n  j:\n    uses: ./a.yml\n", options));
  CHECK(testing::headlines(c.diags) ==
        "galley: error: Nested reusable workflow depth exceeded 1. [reusable-workflow]\n");
}

TEST_CASE("a called workflow without workflow_call cannot be called") {
  Calls c;
  c.files["./a.yml"] = "on: push\njobs:\n  j:\n    runs-on: x\n    steps: [{run: echo}]\n";
  CHECK_FALSE(c.run("on: push\njobs:\n  j:\n    uses: ./a.yml\n"));
  CHECK(testing::headlines(c.diags) ==
        "caller.yml:4:11: error: workflow_call key is not defined in the referenced workflow. "
        "[reusable-workflow]\n");
}

TEST_CASE("explicit tags are read as GitHub reads them") {
  auto r = read(
      "on: push\n"
      "env:\n"
      "  A: !!str 0\n"
      "  B: !!null\n"
      "  C: !!float 1\n"
      "jobs:\n"
      "  a:\n"
      "    runs-on: x\n"
      "    steps: [{run: echo}]\n");
  REQUIRE(r->ok);
  auto json = wf::toReaderJson(r->workflow);
  CHECK(
      json["env"].dump() ==
      R"j({"type":2,"map":[{"Key":"A","Value":"0"},{"Key":"B","Value":""},{"Key":"C","Value":"1"}]})j");
}

TEST_CASE("a value its tag does not fit, and an unknown tag, stop the reading") {
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: !!bool maybe\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml: error: The value 'maybe' on line 4 and column 14 is invalid for the type "
        "'tag:yaml.org,2002:bool' [workflow-syntax]\n");
  CHECK(errors("on: push\n"
               "jobs:\n"
               "  a:\n"
               "    runs-on: !custom x\n"
               "    steps: [{run: echo}]\n") ==
        "w.yml: error: Unexpected tag '!custom' [workflow-syntax]\n");
}

#include "compiler/azure/expand.h"

#include <map>

#include "compiler/azure/expanded_writer.h"
#include "tests/testing.h"

namespace galley::azure {
namespace {

// Template files in memory, by the path the expander asks for.
class MemoryFiles final : public TemplateFiles {
 public:
  MemoryFiles(Sources& sources, std::map<std::string, std::string> files)
      : sources_(sources), files_(std::move(files)) {}
  const SourceFile* read(const std::string& path, std::string* err) override {
    auto it = files_.find(path);
    if (it == files_.end()) {
      *err = "no such file";
      return nullptr;
    }
    return sources_.add(path, it->second);
  }

 private:
  Sources& sources_;
  std::map<std::string, std::string> files_;
};

struct Run {
  Sources sources;
  Diagnostics diags;
  Expansion result;
  std::string yaml;
  std::string errors;
};

// Expands p/pipeline.yml from files (paths under p/).
std::unique_ptr<Run> expandFiles(std::map<std::string, std::string> files,
                                 ExpandOptions options = {}) {
  auto run = std::make_unique<Run>();
  MemoryFiles memory(run->sources, std::move(files));
  options.files = &memory;
  if (options.selfRoot.empty()) options.selfRoot = "p";
  run->result = expand("p/pipeline.yml", options, run->sources, run->diags);
  if (run->result.pipeline) run->yaml = writeYaml(*run->result.pipeline);
  run->errors = testing::rendered(run->diags);
  return run;
}

ExpandOptions withParameters(std::vector<std::pair<std::string, std::string>> p) {
  ExpandOptions o;
  o.parameters = std::move(p);
  return o;
}
ExpandOptions withVariables(std::vector<std::pair<std::string, std::string>> v) {
  ExpandOptions o;
  o.variables = std::move(v);
  return o;
}
ExpandOptions withLimits(ExpandLimits limits) {
  ExpandOptions o;
  o.limits = limits;
  return o;
}

TEST_CASE("a step template expands with its parameters and keeps each node's origin") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "steps:\n"
                           "- template: steps.yml\n"
                           "  parameters:\n"
                           "    name: world\n"
                           "    extra:\n"
                           "    - script: echo extra\n"},
                          {"p/steps.yml",
                           "parameters:\n"
                           "- name: name\n"
                           "  type: string\n"
                           "- name: extra\n"
                           "  type: stepList\n"
                           "  default: []\n"
                           "steps:\n"
                           "- script: echo hello ${{ parameters.name }}\n"
                           "- ${{ parameters.extra }}\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  CHECK(run->yaml ==
        "steps:\n"
        "  - script: echo hello world\n"
        "  - script: echo extra\n");
  const yaml::Node& steps = *run->result.pipeline->find("steps");
  // The first step comes from the template, the second from the caller.
  CHECK(steps.items[0].where.path() == "p/steps.yml");
  CHECK(steps.items[0].where.begin == Position{8, 3});
  CHECK(steps.items[1].where.path() == "p/pipeline.yml");
  CHECK(steps.items[1].where.begin == Position{6, 7});
  CHECK(run->result.files.size() == 2);
}

TEST_CASE("a runtime parameter of the pipeline without a value is an error at its declaration") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "trigger: none\n"
                           "parameters:\n"
                           "- name: target\n"
                           "  type: string\n"
                           "  values: [dev, prod]\n"
                           "steps:\n"
                           "- script: echo ${{ parameters.target }}\n"}});
  CHECK_FALSE(run->result.pipeline);
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:3:3: error: A value for the 'target' parameter must be provided. "
        "[azure-parameter-missing]\n");
}

TEST_CASE("a missing typed parameter is an error at the use, with the include chain") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "jobs:\n"
                           "- template: job.yml\n"},
                          {"p/job.yml",
                           "jobs:\n"
                           "- job: a\n"
                           "  steps:\n"
                           "  - template: steps.yml\n"},
                          {"p/steps.yml",
                           "parameters:\n"
                           "- name: required\n"
                           "  type: string\n"
                           "steps:\n"
                           "- script: echo ${{ parameters.required }}\n"}});
  CHECK_FALSE(run->result.pipeline);
  CHECK(testing::headlines(run->diags) ==
        "p/job.yml:4:15: error: A value for the 'required' parameter must be provided. "
        "[azure-parameter-missing]\n"
        "p/pipeline.yml:2:13: note: in template 'job.yml', included here\n");
}

TEST_CASE("an undeclared parameter passed to a typed template is an error naming the declared") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "steps:\n"
                           "- template: s.yml\n"
                           "  parameters:\n"
                           "    nmae: x\n"},
                          {"p/s.yml",
                           "parameters:\n"
                           "- name: name\n"
                           "  default: a\n"
                           "steps:\n"
                           "- script: echo\n"}});
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:4:5: error: Unexpected parameter 'nmae'; the template declares 'name' "
        "[azure-parameter]\n");
}

TEST_CASE("a parameter's value is checked against its type and its values list") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "parameters:\n"
                           "- name: flag\n"
                           "  type: boolean\n"
                           "  default: maybe\n"
                           "- name: size\n"
                           "  type: string\n"
                           "  default: small\n"
                           "  values: [small, large]\n"
                           "steps:\n"
                           "- script: echo\n"}},
                         withParameters({{"size", "huge"}}));
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:4:12: error: The 'flag' parameter value 'maybe' is not a valid boolean "
        "(true or false) [azure-parameter-type]\n"
        "--parameters size:1:1: error: The 'size' parameter value 'huge' is not a valid value; "
        "allowed: 'small' or 'large' [azure-parameter-value]\n");
}

TEST_CASE("if, elseif and else pick one branch; each repeats over lists and mappings") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "parameters:\n"
                           "- name: envs\n"
                           "  type: object\n"
                           "  default: {dev: westus, prod: eastus}\n"
                           "variables:\n"
                           "  ${{ each env in parameters.envs }}:\n"
                           "    region_${{ env.key }}: ${{ env.value }}\n"
                           "steps:\n"
                           "- ${{ if eq(variables.region_dev, 'nowhere') }}:\n"
                           "  - script: echo no\n"
                           "- ${{ elseif eq(variables.region_dev, 'westus') }}:\n"
                           "  - script: echo dev in ${{ variables.region_dev }}\n"
                           "- ${{ else }}:\n"
                           "  - script: echo else\n"
                           "- ${{ each n in split('a,b', ',') }}:\n"
                           "  - script: echo ${{ n }}\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  CHECK(run->yaml ==
        "parameters:\n"
        "  - name: envs\n"
        "    type: object\n"
        "    default:\n"
        "      dev: westus\n"
        "      prod: eastus\n"
        "variables:\n"
        "  region_dev: westus\n"
        "  region_prod: eastus\n"
        "steps:\n"
        "  - script: echo dev in westus\n"
        "  - script: echo a\n"
        "  - script: echo b\n");
}

TEST_CASE("insert splices a mapping's entries") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "parameters:\n"
                           "- name: more\n"
                           "  type: object\n"
                           "  default: {FOO: '1'}\n"
                           "steps:\n"
                           "- script: echo\n"
                           "  env:\n"
                           "    BAR: '2'\n"
                           "    ${{ insert }}: ${{ parameters.more }}\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  CHECK(run->yaml.find("    env:\n      BAR: \"2\"\n      FOO: \"1\"\n") != std::string::npos);
}

TEST_CASE("each over a step's pairs with a mapping body builds one step, not one per key") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "parameters:\n"
                           "- name: buildSteps\n"
                           "  type: stepList\n"
                           "  default:\n"
                           "  - bash: echo one\n"
                           "    displayName: First\n"
                           "  - bash: echo two\n"
                           "steps:\n"
                           "- ${{ each step in parameters.buildSteps }}:\n"
                           "  - ${{ each pair in step }}:\n"
                           "      ${{ if ne(pair.key, 'steps') }}:\n"
                           "        ${{ pair.key }}: ${{ pair.value }}\n"
                           "- ${{ if false }}:\n"
                           "    bash: echo never\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  std::string steps = run->yaml.substr(run->yaml.find("steps:"));
  CHECK(steps ==
        "steps:\n"
        "  - bash: echo one\n"
        "    displayName: First\n"
        "  - bash: echo two\n");
}

TEST_CASE("iterative insertion rebuilds each job of a jobList with new steps (Azure's example)") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "jobs:\n"
                           "- template: tmpl.yml\n"
                           "  parameters:\n"
                           "    jobs:\n"
                           "    - job: A\n"
                           "      pool: {vmImage: ubuntu-latest}\n"
                           "      steps:\n"
                           "      - bash: echo a\n"
                           "    - job: B\n"
                           "      steps:\n"
                           "      - bash: echo b\n"},
                          {"p/tmpl.yml",
                           "parameters:\n"
                           "- name: jobs\n"
                           "  type: jobList\n"
                           "  default: []\n"
                           "jobs:\n"
                           "- ${{ each job in parameters.jobs }}:\n"
                           "  - ${{ each pair in job }}:\n"
                           "      ${{ if ne(pair.key, 'steps') }}:\n"
                           "        ${{ pair.key }}: ${{ pair.value }}\n"
                           "    steps:\n"
                           "    - bash: echo pre\n"
                           "    - ${{ job.steps }}\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  CHECK(run->yaml ==
        "jobs:\n"
        "  - job: A\n"
        "    pool:\n"
        "      vmImage: ubuntu-latest\n"
        "    steps:\n"
        "      - bash: echo pre\n"
        "      - bash: echo a\n"
        "  - job: B\n"
        "    steps:\n"
        "      - bash: echo pre\n"
        "      - bash: echo b\n");
}

TEST_CASE("a list item's directive with a mapping body may insert a template reference") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "steps:\n"
                           "- ${{ if true }}:\n"
                           "    template: steps.yml\n"},
                          {"p/steps.yml", "steps:\n- script: echo included\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  CHECK(run->yaml == "steps:\n  - script: echo included\n");
}

TEST_CASE("a list item's directive whose body is an expression splices what it yields") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "parameters:\n"
                           "- name: more\n"
                           "  type: stepList\n"
                           "  default: [{script: echo a}, {script: echo b}]\n"
                           "steps:\n"
                           "- ${{ insert }}: ${{ parameters.more }}\n"
                           "- ${{ if true }}: ${{ parameters.more[0] }}\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  std::string steps = run->yaml.substr(run->yaml.find("steps:"));
  CHECK(steps ==
        "steps:\n"
        "  - script: echo a\n"
        "  - script: echo b\n"
        "  - script: echo a\n");
}

TEST_CASE("iterative insertion of the same key twice into one item is a duplicate key") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "steps:\n"
                           "- ${{ each n in split('a,b', ',') }}:\n"
                           "    script: echo ${{ n }}\n"}});
  CHECK_FALSE(run->result.pipeline);
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:3:5: error: 'script' is already defined [azure-duplicate-key]\n"
        "p/pipeline.yml:3:5: note: first defined here\n");
}

TEST_CASE("anchors and aliases are errors at the anchor, in the pipeline and in templates") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "variables:\n"
                           "  a: &v hello\n"
                           "  b: *v\n"
                           "steps:\n"
                           "- script: echo\n"}});
  CHECK_FALSE(run->result.pipeline);
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:2:6: error: Azure Pipelines does not support YAML anchors and aliases "
        "('&v') [yaml-anchor]\n");
  run = expandFiles({{"p/pipeline.yml", "steps:\n- template: anchored.yml\n"},
                     {"p/anchored.yml", "steps:\n- &s {script: echo}\n- *s\n"}});
  CHECK_FALSE(run->result.pipeline);
  CHECK(testing::headlines(run->diags) ==
        "p/anchored.yml:2:3: error: Azure Pipelines does not support YAML anchors and aliases "
        "('&s') [yaml-anchor]\n"
        "p/pipeline.yml:2:13: note: in template 'anchored.yml', included here\n");
}

TEST_CASE("a template that is not YAML is an error in it, with the include chain as notes") {
  auto run = expandFiles({{"p/pipeline.yml", "steps:\n- template: outer.yml\n"},
                          {"p/outer.yml", "steps:\n- template: broken.yml\n"},
                          {"p/broken.yml", "steps:\n- bash: echo hi\n   displayName: bad\n"}});
  CHECK_FALSE(run->result.pipeline);
  CHECK(testing::headlines(run->diags) ==
        "p/broken.yml:3:15: error: mapping values are not allowed in this context "
        "[yaml-syntax]\n"
        "p/outer.yml:2:13: note: in template 'broken.yml', included here\n"
        "p/pipeline.yml:2:13: note: in template 'outer.yml', included here\n");
}

TEST_CASE("an else with no if before it is an error where it stands") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "steps:\n"
                           "- script: a\n"
                           "- ${{ else }}:\n"
                           "  - script: b\n"}});
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:3:3: error: Unexpected '${{ else }}': it must follow an '${{ if }}' or "
        "'${{ elseif }}' [azure-template]\n");
}

TEST_CASE("a syntax error in a branch left out is still an error") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "steps:\n"
                           "- ${{ if false }}:\n"
                           "  - script: ${{ 3 + 4 }}\n"}});
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:3:19: error: Unexpected symbol: '+'. Located at position 3 within "
        "expression: 3 + 4 [azure-expression]\n");
}

TEST_CASE("a problem inside a template is reported in the template, with the chain as notes") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "stages:\n"
                           "- template: stages.yml\n"},
                          {"p/stages.yml",
                           "stages:\n"
                           "- stage: a\n"
                           "  jobs:\n"
                           "  - template: jobs/build.yml\n"},
                          {"p/jobs/build.yml",
                           "jobs:\n"
                           "- job: b\n"
                           "  steps:\n"
                           "  - script: ${{ nothing }}\n"}});
  CHECK(testing::headlines(run->diags) ==
        "p/jobs/build.yml:4:17: error: Unrecognized named-value: 'nothing'. Located at position 1 "
        "within expression: nothing [azure-expression]\n"
        "p/stages.yml:4:15: note: in template 'jobs/build.yml', included here\n"
        "p/pipeline.yml:2:13: note: in template 'stages.yml', included here\n");
}

TEST_CASE("a repository alias without --repo is an error naming it; with it, the path maps") {
  std::map<std::string, std::string> files = {{"p/pipeline.yml",
                                               "resources:\n"
                                               "  repositories:\n"
                                               "  - repository: tools\n"
                                               "    type: git\n"
                                               "    name: org/tools\n"
                                               "steps:\n"
                                               "- template: ci/steps.yml@tools\n"},
                                              {"t/ci/steps.yml",
                                               "steps:\n"
                                               "- template: more.yml\n"
                                               "- template: /root.yml\n"},
                                              {"t/ci/more.yml", "steps:\n- script: more\n"},
                                              {"t/root.yml", "steps:\n- script: root\n"}};
  auto missing = expandFiles(files);
  CHECK(testing::headlines(missing->diags) ==
        "p/pipeline.yml:7:13: error: repository 'tools' is not mapped to a local folder; give "
        "--repo tools=PATH [azure-repository]\n");
  ExpandOptions options;
  options.repositories = {{"tools", "t"}};
  auto mapped = expandFiles(files, options);
  REQUIRE_MESSAGE(mapped->result.pipeline, mapped->errors);
  CHECK(mapped->yaml.find("- script: more\n  - script: root\n") != std::string::npos);
}

TEST_CASE("templates nesting deeper than Azure's 20 levels stop with an error") {
  auto run = expandFiles({{"p/pipeline.yml", "steps:\n- template: loop.yml\n"},
                          {"p/loop.yml", "steps:\n- template: loop.yml\n"}});
  CHECK_FALSE(run->result.pipeline);
  REQUIRE(run->diags.all().size() == 1);
  const Diagnostic& d = run->diags.all()[0];
  CHECK(d.message == "templates nest more than 20 levels deep (Azure's limit)");
  CHECK(d.where.path() == "p/loop.yml");
  CHECK(d.where.begin == Position{2, 13});
  CHECK(d.notes.size() == 20);
}

TEST_CASE("more files than the limit allows stop with an error at the include") {
  auto run = expandFiles(
      {{"p/pipeline.yml", "steps:\n- template: a.yml\n- template: b.yml\n- template: c.yml\n"},
       {"p/a.yml", "steps: []\n"},
       {"p/b.yml", "steps: []\n"},
       {"p/c.yml", "steps: []\n"}},
      withLimits({.maxFiles = 3, .maxNesting = 20, .maxBytes = 20u << 20, .maxNodes = 2'000'000}));
  CHECK(testing::headlines(run->diags) ==
        "p/pipeline.yml:4:13: error: more than 3 files included; Azure's limit is 3 "
        "[azure-limit]\n");
}

TEST_CASE("an expansion larger than the size limit stops with an error") {
  auto run = expandFiles(
      {{"p/pipeline.yml",
        "steps:\n"
        "- ${{ each i in split('a,b,c,d,e,f,g,h', ',') }}:\n"
        "  - script: echo a long line of text ${{ i }}\n"}},
      withLimits({.maxFiles = 100, .maxNesting = 20, .maxBytes = 100, .maxNodes = 2'000'000}));
  CHECK_FALSE(run->result.pipeline);
  REQUIRE_FALSE(run->diags.all().empty());
  CHECK(run->diags.all()[0].rule == "azure-limit");
}

TEST_CASE("variables are scoped to their stage and job and seen in order") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "variables:\n"
                           "  a: top\n"
                           "stages:\n"
                           "- stage: s\n"
                           "  variables:\n"
                           "  - name: a\n"
                           "    value: stage-${{ variables.a }}\n"
                           "  - group: secrets\n"
                           "  jobs:\n"
                           "  - job: j\n"
                           "    steps:\n"
                           "    - script: echo ${{ variables.a }}\n"
                           "- stage: t\n"
                           "  jobs:\n"
                           "  - job: k\n"
                           "    steps:\n"
                           "    - script: echo ${{ variables.a }} ${{ variables.q }}\n"}},
                         withVariables({{"q", "queued"}}));
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  CHECK(run->yaml.find("- script: echo stage-top\n") != std::string::npos);
  CHECK(run->yaml.find("- script: echo top queued\n") != std::string::npos);
  REQUIRE(run->result.groups.size() == 1);
  CHECK(run->result.groups[0].name == "secrets");
  CHECK(run->result.groups[0].where.begin == Position{8, 12});
}

TEST_CASE("extends expands the template around the pipeline's own keys") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "trigger: none\n"
                           "extends:\n"
                           "  template: base.yml\n"
                           "  parameters:\n"
                           "    steps:\n"
                           "    - script: user step\n"},
                          {"p/base.yml",
                           "parameters:\n"
                           "- name: steps\n"
                           "  type: stepList\n"
                           "  default: []\n"
                           "steps:\n"
                           "- script: before\n"
                           "- ${{ each s in parameters.steps }}:\n"
                           "  - ${{ s }}\n"
                           "- script: after\n"}});
  REQUIRE_MESSAGE(run->result.pipeline, run->errors);
  CHECK(run->yaml ==
        "trigger: none\n"
        "steps:\n"
        "  - script: before\n"
        "  - script: user step\n"
        "  - script: after\n");
}

TEST_CASE("a key both the pipeline and its extends template define is an error") {
  auto run = expandFiles({{"p/pipeline.yml",
                           "variables:\n"
                           "  a: 1\n"
                           "extends:\n"
                           "  template: base.yml\n"},
                          {"p/base.yml", "variables:\n  b: 2\nsteps:\n- script: x\n"}});
  CHECK(testing::headlines(run->diags) ==
        "p/base.yml:1:1: error: 'variables' is already defined [azure-duplicate-key]\n"
        "p/pipeline.yml:1:1: note: first defined here\n"
        "p/pipeline.yml:4:13: note: in template 'base.yml', included here\n");
}

TEST_CASE("--explain names each node's origin") {
  auto run = expandFiles(
      {{"p/pipeline.yml", "steps:\n- template: s.yml\n"}, {"p/s.yml", "steps:\n- script: hi\n"}});
  REQUIRE(run->result.pipeline);
  CHECK(writeExplained(*run->result.pipeline, "p") ==
        "steps:  # pipeline.yml:2:1\n"
        "  - script: hi  # s.yml:2:11\n");
}

TEST_CASE("the kind of a file is read from its top-level keys") {
  Sources sources;
  Diagnostics diags;
  auto kind = [&](const char* text) {
    return fileKind(*yaml::load(*sources.add("k.yml", text), diags));
  };
  CHECK(kind("trigger: none\nsteps: []\n") == FileKind::Pipeline);
  CHECK(kind("parameters: []\nsteps: []\n") == FileKind::Steps);
  CHECK(kind("jobs: []\n") == FileKind::Jobs);
  CHECK(kind("variables: {}\n") == FileKind::Variables);
  CHECK(kind("foo: 1\n") == FileKind::Unknown);
}

}  // namespace
}  // namespace galley::azure

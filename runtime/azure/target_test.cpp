#include "runtime/azure/target.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/testing.h"

namespace galley::run::azure {

namespace {

// A pipeline file in a fresh folder, removed at the end.
struct PipelineDir {
  std::string dir, file;
  explicit PipelineDir(const std::string& text) {
    char tmpl[] = "/tmp/galley-target-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    dir = tmpl;
    file = dir + "/azure-pipelines.yml";
    std::ofstream(file) << text;
  }
  ~PipelineDir() { std::filesystem::remove_all(dir); }
};

const char* kDeclared = R"(trigger: none
parameters:
  - name: target
    type: string
    values: [dev, prod]
steps:
  - bash: echo ${{ parameters.target }} ${{ variables['Build.Reason'] }}
)";

}  // namespace

TEST_CASE("Build.SourceBranchName is the last segment of the ref") {
  CHECK(sourceBranchName("refs/heads/feature/tools") == "tools");
  CHECK(sourceBranchName("refs/heads/main") == "main");
  CHECK(sourceBranchName("") == "");
}

TEST_CASE("a runtime parameter without a default or a value is an error at its declaration") {
  PipelineDir p(kDeclared);
  Sources sources;
  Diagnostics diags;
  LoadOptions o;
  CHECK(loadPipeline(p.file, o, sources, diags) == nullptr);
  std::string text = testing::rendered(diags);
  CHECK(text.find(p.file + ":3:5: error: A value for the 'target' parameter must be provided. "
                           "[azure-parameter-missing]") != std::string::npos);
  CHECK(text.find("hint: give one with --parameters target=VALUE (one of 'dev' or 'prod')") !=
        std::string::npos);
}

TEST_CASE("--parameters values and the queue-time predefined variables reach the expansion") {
  PipelineDir p(kDeclared);
  Sources sources;
  Diagnostics diags;
  LoadOptions o;
  o.parameters = {{"target", "prod"}};
  o.repoRoot = p.dir;
  auto loaded = loadPipeline(p.file, o, sources, diags);
  INFO(testing::rendered(diags));
  REQUIRE(loaded);
  CHECK(loaded->pipeline.stages[0].jobs[0].steps[0].script == "echo prod Manual");
}

TEST_CASE("a parameters file gives values too") {
  PipelineDir p(kDeclared);
  std::ofstream(p.dir + "/params.yml") << "target: dev\n";
  Sources sources;
  Diagnostics diags;
  LoadOptions o;
  o.parametersFile = p.dir + "/params.yml";
  auto loaded = loadPipeline(p.file, o, sources, diags);
  INFO(testing::rendered(diags));
  REQUIRE(loaded);
  CHECK(loaded->pipeline.stages[0].jobs[0].steps[0].script == "echo dev ");
}

}  // namespace galley::run::azure

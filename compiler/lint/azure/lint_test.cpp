#include "compiler/lint/azure/lint.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/testing.h"

namespace galley::lint::azure {
namespace {

namespace fs = std::filesystem;

// A folder of files on disk (lint reads templates beside the pipeline),
// removed at the end of the test.
struct Folder {
  fs::path dir;
  explicit Folder(const std::map<std::string, std::string>& files) {
    dir = fs::temp_directory_path() /
          ("galley-lint-azure-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(dir);
    for (const auto& [name, text] : files)
      std::ofstream(dir / name, std::ios::binary) << text;
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

// The headlines (paths relative to the folder) lint gives pipeline.yml;
// the hints, one a line, into *hints when given.
std::string lintPipeline(const std::map<std::string, std::string>& files,
                         std::string* hints = nullptr) {
  Folder folder(files);
  Sources sources;
  std::string err;
  const SourceFile* f = sources.read((folder.dir / "pipeline.yml").string(), &err);
  REQUIRE_MESSAGE(f, err);
  Diagnostics found;
  LintOptions options;
  lintFile(*f, FileKind::Azure, nullptr, options, found);
  if (hints)
    for (const auto& d : found.all())
      *hints += d.hint + "\n";
  std::string out = testing::headlines(found);
  for (std::string prefix = folder.dir.string() + "/";;) {
    size_t at = out.find(prefix);
    if (at == std::string::npos) break;
    out.erase(at, prefix.size());
  }
  return out;
}

TEST_CASE("a template that is not YAML is an error at its include, naming its own position") {
  CHECK(lintPipeline({{"pipeline.yml", "trigger: none\nsteps:\n- template: broken.yml\n"},
                      {"broken.yml", "steps:\n- bash: echo hi\n   displayName: bad indent\n"}}) ==
        "pipeline.yml:3:13: error: in broken.yml:3:15: mapping values are not allowed in this "
        "context [yaml-syntax]\n");
  CHECK(lintPipeline({{"pipeline.yml", "trigger: none\nsteps:\n- template: tabbed.yml\n"},
                      {"tabbed.yml", "steps:\n\t- bash: echo hi\n"}}) ==
        "pipeline.yml:3:13: error: in tabbed.yml:2:1: a tab indents this line; YAML indents "
        "with spaces only [yaml-syntax]\n");
}

TEST_CASE("two steps of one job with the same name are an error at the second") {
  CHECK(lintPipeline({{"pipeline.yml",
                       "trigger: none\n"
                       "steps:\n"
                       "- bash: echo a\n"
                       "  name: s1\n"
                       "- bash: echo b\n"
                       "  name: S1\n"}}) ==
        "pipeline.yml:6:9: error: step name 'S1' is used twice in the job [duplicate-id]\n"
        "pipeline.yml:4:9: note: first defined here\n");
  // Steps in branches of one `if` are never both in the job.
  CHECK(lintPipeline({{"pipeline.yml",
                       "trigger: none\n"
                       "parameters:\n"
                       "- name: fast\n"
                       "  type: boolean\n"
                       "  default: true\n"
                       "steps:\n"
                       "- ${{ if parameters.fast }}:\n"
                       "  - bash: echo a\n"
                       "    name: s1\n"
                       "- ${{ else }}:\n"
                       "  - bash: echo b\n"
                       "    name: s1\n"}}) == "");
}

TEST_CASE("a step name a template repeats is reported at the include's step in the pipeline") {
  CHECK(lintPipeline({{"pipeline.yml",
                       "trigger: none\n"
                       "steps:\n"
                       "- bash: echo a\n"
                       "  name: s1\n"
                       "- template: more.yml\n"},
                      {"more.yml", "steps:\n- bash: echo b\n  name: s1\n"}}) ==
        "pipeline.yml:4:9: error: in more.yml:3:9: step name 's1' is used twice in the job "
        "[duplicate-id]\n");
}

TEST_CASE("a stepList argument that is not a step is an error where the caller wrote it") {
  CHECK(lintPipeline({{"pipeline.yml",
                       "trigger: none\n"
                       "steps:\n"
                       "- template: st.yml\n"
                       "  parameters:\n"
                       "    s: [{foo: bar}]\n"},
                      {"st.yml",
                       "parameters:\n- name: s\n  type: stepList\n  default: []\n"
                       "steps:\n- ${{ parameters.s }}\n"}}) ==
        "pipeline.yml:5:10: error: 'steps' needs one of the keys 'task', 'script', "
        "'powershell', 'pwsh', 'bash', 'checkout', 'download', 'downloadBuild', 'getPackage', "
        "'upload', 'publish', 'template', or 'reviewApp' [missing-key]\n");
}

TEST_CASE("a finding the file and its expansion both give is reported once") {
  CHECK(lintPipeline({{"pipeline.yml", "trigger: none\nsteps:\n- foo: bar\n"}}) ==
        "pipeline.yml:3:3: error: 'steps' needs one of the keys 'task', 'script', 'powershell', "
        "'pwsh', 'bash', 'checkout', 'download', 'downloadBuild', 'getPackage', 'upload', "
        "'publish', 'template', or 'reviewApp' [missing-key]\n");
}

TEST_CASE("dependsOn's did-you-mean never suggests the stage or job itself") {
  std::string hints;
  CHECK(lintPipeline({{"pipeline.yml",
                       "trigger: none\n"
                       "stages:\n"
                       "- stage: A\n"
                       "  dependsOn: C\n"
                       "  jobs:\n"
                       "  - job: X\n"
                       "    dependsOn: J\n"
                       "    steps: [{bash: echo}]\n"
                       "- stage: Build\n"
                       "  dependsOn: Biuld2\n"
                       "  jobs:\n"
                       "  - job: Y\n"
                       "    steps: [{bash: echo}]\n"
                       "- stage: Deploy\n"
                       "  dependsOn: Biuld\n"
                       "  jobs:\n"
                       "  - job: Z\n"
                       "    steps: [{bash: echo}]\n"}},
                     &hints) ==
        "pipeline.yml:4:14: error: dependsOn names stage 'C', which does not exist [depends-on]\n"
        "pipeline.yml:7:16: error: dependsOn names job 'J', which does not exist [depends-on]\n"
        "pipeline.yml:10:14: error: dependsOn names stage 'Biuld2', which does not exist "
        "[depends-on]\n"
        "pipeline.yml:15:14: error: dependsOn names stage 'Biuld', which does not exist "
        "[depends-on]\n");
  // In the order of the findings above.
  CHECK(hints == "\n\n\ndid you mean 'Build'?\n");
}

TEST_CASE("a pipeline that is a scalar or a list is an error saying it must be a mapping") {
  CHECK(lintPipeline({{"pipeline.yml", "hello\n"}}) ==
        "pipeline.yml:1:1: error: a pipeline must be a mapping [type-mismatch]\n");
  CHECK(lintPipeline({{"pipeline.yml", "\n- a\n- b\n"}}) ==
        "pipeline.yml:2:1: error: a pipeline must be a mapping [type-mismatch]\n");
}

TEST_CASE("an anchor in an Azure pipeline or its template is an error; other findings go on") {
  CHECK(lintPipeline({{"pipeline.yml",
                       "trigger: none\n"
                       "variables:\n"
                       "  a: &v hello\n"
                       "  b: *v\n"
                       "steps:\n"
                       "- foo: bar\n"}}) ==
        "pipeline.yml:3:6: error: Azure Pipelines does not support YAML anchors and aliases "
        "('&v') [yaml-anchor]\n"
        "pipeline.yml:6:3: error: 'steps' needs one of the keys 'task', 'script', 'powershell', "
        "'pwsh', 'bash', 'checkout', 'download', 'downloadBuild', 'getPackage', 'upload', "
        "'publish', 'template', or 'reviewApp' [missing-key]\n");
  CHECK(lintPipeline({{"pipeline.yml", "trigger: none\nsteps:\n- template: anchored.yml\n"},
                      {"anchored.yml", "steps:\n- &s {bash: echo}\n"}}) ==
        "pipeline.yml:3:13: error: in anchored.yml:2:3: Azure Pipelines does not support YAML "
        "anchors and aliases ('&s') [yaml-anchor]\n");
}

}  // namespace
}  // namespace galley::lint::azure

// The real Azure pipelines of ../shared/corpus/ado expand: every file with a
// `trigger:` or `pr:` at its top, with the repository resources it names
// mapped to the corpus's copies. A few are broken upstream (a template the
// template repository no longer has, a parameter it no longer takes, a
// template that is not YAML, a wrong relative path); each of those must
// fail with exactly that error, so that a fix upstream, or a regression
// here, shows. galley's own compiled Azure pipelines expand to themselves.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "compiler/azure/expand.h"
#include "compiler/azure/expanded_writer.h"
#include "tests/testing.h"

namespace galley {
namespace {

namespace fs = std::filesystem;

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Microsoft's starter pipelines are Mustache templates that the new-
// pipeline wizard renders: `{{ name }}` becomes a value, `{{#if x}}` and
// the helpers' markers vanish. Rendered here the same way, each
// placeholder by its own name.
std::string renderStarter(const std::string& text) {
  static const std::regex block(R"(^[ \t]*\{\{[#/][^}]*\}\}[ \t]*\n)", std::regex::multiline);
  static const std::regex marker(R"(\{\{[#/][^}]*\}\})");
  static const std::regex placeholder(R"(\{\{\s*([A-Za-z0-9_.]+)\s*\}\})");
  std::string out = std::regex_replace(text, block, "");
  out = std::regex_replace(out, marker, "");
  return std::regex_replace(out, placeholder, "$1");
}

// Azure/mlops-project-template is copied into a new repository with each
// example's folder at the top and the shared config-infra-*.yml beside it;
// its pipelines name those as ../../config-infra-*.yml from there.
class ProjectTemplateFiles final : public azure::TemplateFiles {
 public:
  ProjectTemplateFiles(Sources& sources, fs::path projectRoot)
      : sources_(sources), root_(std::move(projectRoot)) {}
  const SourceFile* read(const std::string& path, std::string* err) override {
    fs::path p(path);
    if (!fs::exists(p) && p.filename().string().rfind("config-infra-", 0) == 0)
      p = root_ / p.filename();
    return sources_.read(p.string(), err);
  }

 private:
  Sources& sources_;
  fs::path root_;
};

bool isPipeline(const std::string& text) {
  static const std::regex top(R"(^(trigger|pr):)", std::regex::multiline);
  return std::regex_search(text, top);
}

// Pipelines broken upstream, and the error each must fail with.
const std::map<std::string, std::string>& brokenUpstream() {
  static const std::map<std::string, std::string> broken = {
      // The template repository's snapshot has no register-dataset.yml, and
      // its register-environment.yml takes no build_type.
      {"Azure__mlops-project-template/cv/aml-cli-v2/mlops/devops-pipelines/"
       "deploy-model-training-pipeline.yml",
       "Unexpected parameter 'build_type'"},
      // create-environment.yml and deploy-training-pipeline.yml require
      // enable_monitoring, which this pipeline does not pass.
      {"Azure__mlops-project-template/cv/python-sdk-v1/mlops/devops-pipelines/"
       "deploy-model-training-pipeline.yml",
       "A value for the 'enable_monitoring' parameter must be provided."},
      // run-pipeline.yml requires data_name, environment_name, compute_name.
      {"Azure__mlops-project-template/nlp/python-sdk-v2/mlops/devops-pipelines/"
       "deploy-model-training-pipeline.yml",
       "A value for the 'data_name' parameter must be provided."},
      // ProvisionAMLComputeCluster.yml lost its `parameters:` line.
      {"rsethur__MLOps/mlops/recipes/IaC/ProvisionMLWorkspace.yml",
       "did not find expected <document start>"},
      // ../recipes/common/Variables.yml from mlops/recipes/IaC/ names a
      // folder that does not exist (ProvisionMLWorkspace.yml has ../common).
      {"rsethur__MLOps/mlops/recipes/IaC/TearDownResourceGroup.yml",
       "template '../recipes/common/Variables.yml' cannot be read"},
  };
  return broken;
}

TEST_CASE("the real Azure pipelines of the corpus expand, and the broken ones fail as expected") {
  fs::path root = fs::path(testing::sharedDir()) / "corpus/ado";
  if (!fs::exists(root)) {
    MESSAGE("skipped: " << root.string() << " not found");
    return;
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && (name == "runner.server" || name == "schema" ||
                               name == "node_modules" || name == "github-actions")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".yml" &&
        isPipeline(readText(it->path())))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  size_t expanded = 0, broken = 0;
  for (const fs::path& file : files) {
    std::string rel = fs::relative(file, root).string();
    CAPTURE(rel);
    Sources sources;
    Diagnostics diags;
    azure::ExpandOptions options;
    options.repositories["mlops-templates"] = (root / "Azure__mlops-templates").string();
    ProjectTemplateFiles projectFiles(sources, root / "Azure__mlops-project-template");
    if (rel.rfind("Azure__mlops-project-template/", 0) == 0) options.files = &projectFiles;
    options.selfRoot = (root / rel.substr(0, rel.find('/'))).string();
    std::string text = readText(file);
    if (rel.rfind("microsoft__azure-pipelines-yaml/", 0) == 0) text = renderStarter(text);
    const SourceFile* f = sources.add(file.string(), text);
    azure::Expansion result = azure::expand(*f, options, sources, diags);
    auto known = brokenUpstream().find(rel);
    if (known != brokenUpstream().end()) {
      ++broken;
      std::string all = testing::rendered(diags);
      CHECK_MESSAGE(all.find(known->second) != std::string::npos, all);
      continue;
    }
    CHECK_MESSAGE(!diags.hasErrors(), testing::rendered(diags));
    if (result.pipeline) ++expanded;
  }
  std::cout << "azure expand real pipelines: " << expanded << " of " << files.size() << " expand; "
            << broken << " broken upstream fail as expected\n";
  CHECK(files.size() >= 80);
  CHECK(expanded + broken == files.size());
}

TEST_CASE("galley's compiled Azure pipelines expand to themselves") {
  fs::path dir = fs::path(GALLEY_SOURCE_DIR) / "examples/credit-risk/.azure-pipelines";
  REQUIRE(fs::exists(dir));
  size_t checked = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".yml") continue;
    CAPTURE(e.path().string());
    Sources sources;
    Diagnostics diags;
    const SourceFile* f = sources.add(e.path().string(), readText(e.path()));
    azure::Expansion result = azure::expand(*f, {}, sources, diags);
    REQUIRE_MESSAGE(result.pipeline, testing::rendered(diags));
    CHECK(diags.empty());
    if (f->text().find("${{") != std::string::npos) continue;  // parameters substituted
    // Without templates, expanding changes nothing: the tree written back
    // is the file's own tree written.
    Diagnostics loadDiags;
    auto original = yaml::load(*f, loadDiags);
    REQUIRE(original);
    CHECK(azure::writeYaml(*result.pipeline) == azure::writeYaml(*original));
    ++checked;
  }
  CHECK(checked >= 1);
}

}  // namespace
}  // namespace galley

#include "compiler/lint/azure/lint.h"

#include "compiler/lint/azure/checks.h"
#include "compiler/lint/azure/schema.h"

namespace galley::lint::azure {

Shape shapeOf(const yaml::Node& root) {
  if (!root.isMapping()) return Shape::Pipeline;
  int bodies = 0;
  Shape shape = Shape::Pipeline;
  for (const auto& e : root.entries) {
    const std::string& k = e.key.value;
    if (k == "parameters") continue;
    if (k == "stages" || k == "jobs" || k == "steps") {
      ++bodies;
      shape = k == "stages" ? Shape::Stages : k == "jobs" ? Shape::Jobs : Shape::Steps;
      continue;
    }
    if (k == "variables") continue;
    return Shape::Pipeline;  // trigger, pr, pool, resources, extends, name...
  }
  if (bodies == 0) return root.find("variables") ? Shape::Variables : Shape::Pipeline;
  if (bodies > 1) return Shape::Pipeline;
  // variables beside stages/jobs/steps: a pipeline's (templates of those
  // kinds take no variables: at the top).
  if (root.find("variables")) return Shape::Pipeline;
  // Without parameters, a file of steps/jobs/stages is a pipeline as much
  // as a template; Azure reads it as a pipeline.
  return root.find("parameters") ? shape : Shape::Pipeline;
}

const char* shapeName(Shape s) {
  switch (s) {
    case Shape::Pipeline:
      return "pipeline";
    case Shape::Stages:
      return "stages template";
    case Shape::Jobs:
      return "jobs template";
    case Shape::Steps:
      return "steps template";
    case Shape::Variables:
      return "variables template";
  }
  return "pipeline";
}

bool isAzurePath(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  bool yaml = base.ends_with(".yml") || base.ends_with(".yaml");
  if (!yaml) return false;
  if (base.starts_with("azure-pipelines")) return true;
  return path.starts_with(".azure-pipelines/") ||
         path.find("/.azure-pipelines/") != std::string_view::npos;
}

bool looksLikeAzure(const yaml::Node& root) {
  if (!root.isMapping() || root.find("on") || root.find("true")) return false;
  for (const char* k : {"trigger", "pr", "stages", "steps", "extends"})
    if (root.find(k)) return true;
  const yaml::Node* jobs = root.find("jobs");
  return jobs && jobs->isSequence();
}

namespace {

std::string_view shapeDefinition(Shape s) {
  switch (s) {
    case Shape::Stages:
      return kStagesShape;
    case Shape::Jobs:
      return kJobsShape;
    case Shape::Steps:
      return kStepsShape;
    case Shape::Variables:
      return kVariablesShape;
    case Shape::Pipeline:
      break;
  }
  return kPipelineShape;
}

}  // namespace

void lintAzure(const yaml::Node& root, const LintOptions& options, Diagnostics& diags,
               std::vector<Script>& shellScripts) {
  if (root.isNull()) {
    diags.error(root.where, "missing-key", "the pipeline is empty");
    return;
  }
  Shape shape = shapeOf(root);
  checkShape(root, shapeDefinition(shape), shapeName(shape), diags);
  if (options.schemaOnly) return;
  Pipeline p = readPipeline(root, shape != Shape::Pipeline);
  checkReferences(p, diags);
  checkExpressions(root, p, diags);
  checkTasks(p, diags);
  checkSecurity(root, p, diags);
  if (options.shellcheck.empty()) return;
  std::vector<Script> scripts;
  collectShellScripts(p, scripts);
  for (auto& s : scripts) {
    if (s.run.value.size() > options.scriptBytes) {
      noteUnchecked(s, "shellcheck",
                    "the script is larger than " + std::to_string(options.scriptBytes) + " bytes",
                    diags);
      continue;
    }
    shellScripts.push_back(std::move(s));
  }
}

}  // namespace galley::lint::azure

#include "compiler/lint/azure/lint.h"

#include <algorithm>
#include <set>

#include "compiler/azure/expand.h"
#include "compiler/lint/azure/checks.h"
#include "compiler/lint/azure/schema.h"
#include "compiler/lint/cron.h"

namespace galley::lint::azure {

Shape shapeOf(const yaml::Node& root) {
  // The expander's reading of a file's kind, so that lint and expand agree;
  // variables: beside stages, jobs or steps are a pipeline's (templates of
  // those kinds take none at the top).
  bool list = root.find("stages") || root.find("jobs") || root.find("steps");
  if (list && root.find("variables")) return Shape::Pipeline;
  switch (galley::azure::fileKind(root)) {
    case galley::azure::FileKind::Stages:
      return Shape::Stages;
    case galley::azure::FileKind::Jobs:
      return Shape::Jobs;
    case galley::azure::FileKind::Steps:
      return Shape::Steps;
    case galley::azure::FileKind::Variables:
      return Shape::Variables;
    case galley::azure::FileKind::Pipeline:
    case galley::azure::FileKind::Unknown:
      break;
  }
  return Shape::Pipeline;
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

// Whether the file includes templates (a `template:` key anywhere).
bool hasTemplates(const yaml::Node& n) {
  for (const auto& e : n.entries)
    if (e.key.value == "template" || hasTemplates(e.value)) return true;
  for (const auto& i : n.items)
    if (hasTemplates(i)) return true;
  return false;
}

// A finding of the expansion where the user of this file sees it: in the
// file itself, or (inside a template) at the include site in this file, the
// template's position named in the message.
bool relocate(Diagnostic& d, const SourceFile& file) {
  if (d.where.file == &file) {
    d.notes.clear();  // they may point into templates read for this run only
    return true;
  }
  for (auto it = d.notes.rbegin(); it != d.notes.rend(); ++it)
    if (it->where.file == &file) {
      std::string inner = d.where.known()
                              ? d.where.file->path() + ":" + std::to_string(d.where.begin.line) +
                                    ":" + std::to_string(d.where.begin.column)
                              : "a template";
      d.message = "in " + inner + ": " + d.message;
      d.where = it->where;
      d.notes.clear();
      return true;
    }
  return false;
}

// Whether diags already holds d (the file as written and the expanded
// pipeline often find the same thing at the same place).
bool reported(const Diagnostics& diags, const Diagnostic& d) {
  return std::any_of(diags.all().begin(), diags.all().end(), [&](const Diagnostic& o) {
    return o.where.file == d.where.file && o.where.begin.line == d.where.begin.line &&
           o.where.begin.column == d.where.begin.column && o.rule == d.rule &&
           o.message == d.message;
  });
}

void keep(Diagnostic d, Diagnostics& diags) {
  if (!reported(diags, d)) diags.add(std::move(d));
}

// The checks that need the pipeline as Azure sees it, after expansion:
// its shape (a step a stepList parameter carried), step names, dependsOn
// and output references across templates. Findings in this file are kept
// with their notes in it; one inside a template, whose note (a first
// definition) lies in this file, is reported there. The templates' own
// findings are theirs, when they are linted.
void checkExpanded(const yaml::Node& pipeline, const SourceFile& file, Diagnostics& diags) {
  Diagnostics found;
  checkShape(pipeline, kPipelineShape, "pipeline", found);
  Pipeline p = readPipeline(pipeline, false);
  checkReferences(p, found);
  checkStepNames(p, found);
  for (auto& d : found.all()) {
    if (d.where.file == &file) {
      std::erase_if(d.notes, [&](const Note& n) { return n.where.file != &file; });
      keep(std::move(d), diags);
    } else if (relocate(d, file)) {
      keep(std::move(d), diags);
    }
  }
}

// Expands the pipeline with its templates (compiler/azure/expand.h), as
// `galley expand` and `galley run` do: the parameters it passes them must
// have the types they declare, and the templates must exist and be YAML.
// Then the expanded pipeline is checked (checkExpanded).
//
// A template from a repository resource that options.repositories does not
// map cannot be read: a note says so at its first include in this file,
// once per repository.
void lintExpanded(const SourceFile& file, const LintOptions& options, Diagnostics& diags) {
  Sources local;
  Diagnostics found;
  galley::azure::ExpandOptions eo;
  eo.repositories = options.repositories;
  galley::azure::Expansion x = galley::azure::expand(file, eo, local, found);
  std::set<std::string> unmapped;
  size_t repositoryErrors = 0;
  for (auto& d : found.all()) {
    if (d.rule == "azure-repository" && repositoryErrors < x.unmappedRepositories.size()) {
      const std::string& alias = x.unmappedRepositories[repositoryErrors++];
      if (!relocate(d, file) || !unmapped.insert(alias).second) continue;
      diags.report(Severity::Note, d.where, "template-repository",
                   "templates from repository '" + alias + "' are not checked",
                   "give its local folder with --repo " + alias + "=PATH");
      continue;
    }
    // The file's own YAML errors are lint's before this; a template's are
    // reported at its include.
    if ((d.rule == "yaml-syntax" || d.rule == "yaml-anchor") && d.where.file == &file) continue;
    std::string rule = d.rule.starts_with("azure-parameter") ? "template-parameter"
                       : d.rule == "azure-template-file"     ? "template-file"
                       : d.rule == "yaml-syntax"             ? "yaml-syntax"
                       : d.rule == "yaml-anchor"             ? "yaml-anchor"
                                                             : "";
    if (rule.empty() || !relocate(d, file)) continue;
    d.rule = rule;
    keep(std::move(d), diags);
  }
  if (x.pipeline) checkExpanded(*x.pipeline, file, diags);
}

// `schedules: - cron:` in Azure's cron dialect (UTC, names written out too,
// about 1000 runs a week at most).
void checkSchedules(const yaml::Node& root, Diagnostics& diags) {
  const yaml::Node* schedules = root.find("schedules");
  if (!schedules || !schedules->isSequence()) return;
  for (const auto& item : schedules->items)
    if (const yaml::Node* cron = item.isMapping() ? item.find("cron") : nullptr;
        cron && cron->isScalar())
      checkCron(*cron, CronDialect::Azure, diags);
}

}  // namespace

void lintAzure(const yaml::Node& root, const LintOptions& options, Diagnostics& diags,
               std::vector<Script>& shellScripts) {
  if (root.isNull()) {
    diags.error(root.where, "missing-key", "the pipeline is empty");
    return;
  }
  if (!root.isMapping()) {
    diags.error(root.where, "type-mismatch", "a pipeline must be a mapping");
    return;
  }
  Shape shape = shapeOf(root);
  checkShape(root, shapeDefinition(shape), shapeName(shape), diags);
  if (options.schemaOnly) return;
  Pipeline p = readPipeline(root, shape != Shape::Pipeline);
  if (shape == Shape::Pipeline) checkSchedules(root, diags);
  checkReferences(p, diags);
  // Templates are read beside the file: not for standard input. After the
  // file's own checks, which the expanded pipeline's repeat in part.
  if (shape == Shape::Pipeline && root.where.file &&
      (root.where.file->path() != "<stdin>" || !hasTemplates(root)))
    lintExpanded(*root.where.file, options, diags);
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

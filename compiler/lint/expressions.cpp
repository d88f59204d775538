#include <map>
#include <mutex>

#include "compiler/expr/checker.h"
#include "compiler/expr/functions.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/expr/template.h"
#include "compiler/lint/checks.h"

namespace galley::lint {

namespace {

// What ${{ }} may use under one schema definition: the named contexts it
// lists, and the functions (hashFiles and the status functions only where
// listed).
struct Allowed {
  std::vector<std::string> contexts;
  std::vector<expr::FunctionSpec> functions;
  std::string contextList;  // for messages
};

bool listed(const std::vector<std::string>& context, std::string_view fn) {
  for (const auto& c : context)
    if (expr::equalsIgnoreCase(std::string_view(c).substr(0, c.find('(')), fn) &&
        c.find('(') != std::string::npos)
      return true;
  return false;
}

const Allowed& allowedFor(const SchemaDefinition* def) {
  // Per thread, so that linting threads never wait on each other; the
  // returned reference stays valid for the thread's life.
  thread_local std::map<const SchemaDefinition*, Allowed> cache;
  auto [it, fresh] = cache.try_emplace(def);
  if (!fresh) return it->second;
  Allowed& a = it->second;
  std::vector<std::string> none;
  const std::vector<std::string>& ctx = def ? def->context : none;
  for (const auto& c : ctx)
    if (c.find('(') == std::string::npos) {
      a.contexts.push_back(c);
      a.contextList += (a.contextList.empty() ? "" : ", ") + c;
    }
  for (const auto& f : expr::githubFunctions())
    if ((!f.status && f.name != "hashFiles") || listed(ctx, f.name)) a.functions.push_back(f);
  return a;
}

bool isIf(const SchemaDefinition* def) {
  return def && def->name.size() >= 3 && def->name.compare(def->name.size() - 3, 3, "-if") == 0;
}

}  // namespace

JobScopes::JobScopes(const yaml::Node& root) {
  readInputs(root);
  const yaml::Node* jobs = root.find("jobs");
  if (!jobs || !jobs->isMapping()) return;
  for (const auto& e : jobs->entries) {
    if (!e.value.isMapping()) continue;
    Job job;
    job.begin = e.key.where.begin;
    job.end = e.value.where.end;
    job.needs.emplace();
    if (const yaml::Node* needs = e.value.find("needs")) {
      std::vector<const yaml::Node*> names;
      if (needs->isScalar()) names.push_back(needs);
      for (const auto& i : needs->items)
        names.push_back(&i);
      for (const yaml::Node* n : names) {
        if (!n->isScalar() || hasExpression(n->value)) job.needs.reset();
        if (job.needs) job.needs->push_back(n->value);
      }
    }
    job.matrix = matrixKeys(e.value);
    readOutputs(e.key.value, e.value);
    for (const yaml::Node* step : stepsOf(e.value)) {
      const yaml::Node* id = step->find("id");
      job.steps.push_back(
          {step->where.begin, step->where.end, id && id->isScalar() ? id->value : ""});
    }
    jobs_.push_back(std::move(job));
  }
}

// The keys matrix.<key> may name, or nullopt when the matrix is computed.
std::optional<std::vector<std::string>> JobScopes::matrixKeys(const yaml::Node& job) {
  std::vector<std::string> keys;
  const yaml::Node* strategy = job.find("strategy");
  if (!strategy) return keys;
  if (!strategy->isMapping()) return std::nullopt;
  const yaml::Node* m = strategy->find("matrix");
  if (!m) return keys;
  if (!m->isMapping()) return std::nullopt;
  for (const auto& e : m->entries) {
    if (hasExpression(e.key.value)) return std::nullopt;
    if (e.key.value == "exclude") continue;
    if (e.key.value != "include") {
      keys.push_back(e.key.value);
      continue;
    }
    if (!e.value.isSequence()) return std::nullopt;
    for (const auto& row : e.value.items) {
      if (!row.isMapping()) return std::nullopt;
      for (const auto& cell : row.entries)
        keys.push_back(cell.key.value);
    }
  }
  return keys;
}

// The inputs workflow_dispatch and workflow_call define (none when the
// workflow has neither event); left unknown when on: is not plain enough.
void JobScopes::readInputs(const yaml::Node& root) {
  const yaml::Node* on = root.find("on");
  inputs_.emplace();
  if (!on || on->isScalar() || on->isSequence()) return;
  auto unknown = [this] {
    inputs_.reset();
    eventInputs_.reset();
  };
  if (!on->isMapping()) return unknown();
  for (const char* event : {"workflow_dispatch", "workflow_call"}) {
    const yaml::Node* e = on->find(event);
    if (!e) continue;
    bool dispatch = std::string_view(event) == "workflow_dispatch";
    if (dispatch) eventInputs_.emplace();
    if (e->isNull()) continue;
    if (!e->isMapping()) return unknown();
    const yaml::Node* inputs = e->find("inputs");
    if (!inputs || inputs->isNull()) continue;
    if (!inputs->isMapping()) return unknown();
    for (const auto& i : inputs->entries) {
      if (hasExpression(i.key.value)) return unknown();
      const yaml::Node* type = i.value.isMapping() ? i.value.find("type") : nullptr;
      inputs_->push_back(i.key.value);
      inputTypes_.push_back(type && type->isScalar() ? type->value : "");
      if (dispatch) eventInputs_->push_back(i.key.value);
    }
  }
}

// A job's outputs when they are plain: its own `outputs:` keys (none without
// one). A job that calls a reusable workflow gets its outputs from there;
// left unchecked.
void JobScopes::readOutputs(const std::string& id, const yaml::Node& job) {
  if (job.find("uses")) return;
  std::vector<std::string> names;
  if (const yaml::Node* outputs = job.find("outputs")) {
    if (!outputs->isMapping()) return;
    for (const auto& o : outputs->entries) {
      if (hasExpression(o.key.value)) return;
      names.push_back(o.key.value);
    }
  }
  outputs_.emplace_back(id, std::move(names));
}

void JobScopes::fill(Position at, expr::Scope* scope) const {
  scope->jobOutputs = outputs_;
  scope->inputs = inputs_;
  scope->inputTypes = inputTypes_;
  scope->eventInputs = eventInputs_;
  for (const auto& job : jobs_) {
    if (at < job.begin || job.end < at) continue;
    scope->needs = job.needs;
    scope->matrix = job.matrix;
    // Inside a step: the steps before it (a step cannot read its own
    // outputs). Elsewhere in the job (outputs, environment url): all of them.
    size_t limit = job.steps.size();
    for (size_t i = 0; i < job.steps.size(); ++i)
      if (!(at < job.steps[i].begin) && !(job.steps[i].end < at)) limit = i;
    std::vector<std::string> before;
    for (size_t i = 0; i < limit; ++i)
      if (!job.steps[i].id.empty()) before.push_back(job.steps[i].id);
    scope->steps = before;
    return;
  }
}

void checkExpressions(const yaml::Node& n, const SchemaDefinition* contextDef,
                      const JobScopes* jobs, CheckContext& cx) {
  if (!n.isScalar()) return;
  bool isCondition = isIf(contextDef) && !n.value.empty();
  if (!isCondition && !expr::hasExpression(n.value)) return;
  const Allowed& a = allowedFor(contextDef);
  expr::Scope scope;
  scope.contexts = a.contexts;
  scope.functions = a.functions;
  if (jobs) jobs->fill(n.where.begin, &scope);
  // Reusable workflows can define more than the caller sees; composite actions
  // have no job around them: leave what is unknown unchecked.
  if (isCondition)
    expr::checkIf(n, scope, cx.diags);
  else
    expr::checkScalar(n, scope, cx.diags);
}

}  // namespace galley::lint

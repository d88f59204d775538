#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "compiler/expr/checker.h"
#include "compiler/expr/functions.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/expr/template.h"
#include "compiler/lint/checks.h"
#include "compiler/lint/data.h"

namespace galley::lint {

namespace {

// What ${{ }} may use under one schema definition: the named contexts it
// lists, and the functions (hashFiles and the status functions only where
// listed).
struct Allowed {
  std::vector<std::string> contexts;
  // Shared by every definition that allows the same functions: the parse
  // cache keys a text by its function table, so one table per set lets a
  // text parsed under one definition serve all the others.
  std::span<const expr::FunctionSpec> functions;
  std::string contextList;  // for messages
};

bool listed(std::span<const std::string_view> context, std::string_view fn) {
  for (std::string_view c : context)
    if (equalsIgnoreCase(c.substr(0, c.find('(')), fn) && c.find('(') != std::string_view::npos)
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
  std::span<const std::string_view> ctx;
  if (def) ctx = def->context;
  for (std::string_view c : ctx)
    if (c.find('(') == std::string_view::npos) {
      a.contexts.emplace_back(c);
      (a.contextList += a.contextList.empty() ? "" : ", ") += c;
    }
  std::span<const expr::FunctionSpec> all = expr::githubFunctions();
  std::vector<bool> chosen(all.size());
  for (size_t i = 0; i < all.size(); ++i)
    chosen[i] = (!all[i].status && all[i].name != "hashFiles") || listed(ctx, all[i].name);
  if (std::find(chosen.begin(), chosen.end(), false) == chosen.end()) {
    a.functions = all;  // as the constant-if check parses conditions
    return a;
  }
  thread_local std::map<std::vector<bool>, std::vector<expr::FunctionSpec>> tables;
  auto [table, made] = tables.try_emplace(chosen);
  if (made)
    for (size_t i = 0; i < all.size(); ++i)
      if (chosen[i]) table->second.push_back(all[i]);
  a.functions = table->second;
  return a;
}

bool isIf(const SchemaDefinition* def) {
  return def && def->name.ends_with("-if");
}

}  // namespace

namespace {

using expr::TypePtr;
namespace types = expr::types;

// A local file's YAML (an action's metadata, a reusable workflow) when it is
// a mapping, or nullopt.
std::optional<yaml::Node> readYaml(const SourceFile* f) {
  if (!f) return std::nullopt;
  Diagnostics ignored;
  std::optional<yaml::Node> n = yaml::load(*f, ignored);
  if (!n || !n->isMapping()) return std::nullopt;
  return n;
}

// `{a: string; b: string}` for the keys of a mapping of outputs, or nullptr
// when they are not plain.
TypePtr outputsOf(const yaml::Node* outputs) {
  std::vector<std::pair<std::string, TypePtr>> props;
  if (outputs && !outputs->isMapping()) return nullptr;
  if (outputs)
    for (const auto& o : outputs->entries) {
      if (hasExpression(o.key.value)) return nullptr;
      props.emplace_back(o.key.value, types::string());
    }
  return types::objectOf(std::move(props));
}

// The on.workflow_call mapping of a reusable workflow, or nullptr.
const yaml::Node* workflowCall(const yaml::Node& root) {
  const yaml::Node* on = root.find("on");
  const yaml::Node* call = on && on->isMapping() ? on->find("workflow_call") : nullptr;
  return call && call->isMapping() ? call : nullptr;
}

// A mapping key as the expression sees it: `null:` is the key 'null'.
std::string keyName(const yaml::Node& key) {
  return key.isNull() ? "null" : key.value;
}

TypePtr inputType(const yaml::Node& input, bool dispatch) {
  const yaml::Node* t = input.isMapping() ? input.find("type") : nullptr;
  std::string type = t && t->isScalar() ? t->value : "";
  if (type == "boolean") return types::boolean();
  if (type == "number") return types::number();
  if (type == "string" || type == "choice" || type == "environment" || (type.empty() && dispatch))
    return types::string();
  return types::any();
}

// The outputs of a step whose action is not known: a map of strings.
const TypePtr& unknownOutputs() {
  static const TypePtr unknown = types::mapOf(types::string());
  return unknown;
}

// steps.<id>: its conclusion, outcome and outputs. Most steps' outputs are
// unknown: those share one type.
TypePtr stepType(const TypePtr& outputs) {
  auto make = [](const TypePtr& o) {
    return types::objectOf(
        {{"conclusion", types::string()}, {"outcome", types::string()}, {"outputs", o}});
  };
  thread_local const TypePtr unknown = make(unknownOutputs());
  return outputs == unknownOutputs() ? unknown : make(outputs);
}

// needs.<job>: its outputs (their names, or a map of strings when they are
// not known) and its result. Jobs without outputs, and jobs whose outputs
// are not known, share one type each.
TypePtr jobResultType(const std::vector<std::string>* outputs) {
  auto make = [](TypePtr o) {
    return types::objectOf({{"outputs", std::move(o)}, {"result", types::string()}});
  };
  if (!outputs) {
    thread_local const TypePtr unknown = make(unknownOutputs());
    return unknown;
  }
  if (outputs->empty()) {
    thread_local const TypePtr none = make(types::objectOf({}));
    return none;
  }
  std::vector<std::pair<std::string, TypePtr>> props;
  for (const auto& o : *outputs)
    props.emplace_back(o, types::string());
  return make(types::objectOf(std::move(props)));
}

}  // namespace

// Each step, and each workflow_call input's default, sees what comes before
// it as a type of its own. Past this many, later ones see the earlier ones
// untyped (their names are still checked), so a job of thousands of steps
// costs linear memory and time, not quadratic.
constexpr size_t kTypedPrefix = 256;
// Past this many step ids in a job, or inputs, their names are found through
// an index, not a scan of those before: thousands of steps stay linear.
constexpr size_t kIndexFrom = 64;

namespace {

// An index of names past kIndexFrom of them, else nullptr (a scan is cheaper).
std::unique_ptr<CaselessIndex> indexOf(const std::vector<std::string>& names) {
  if (names.size() <= kIndexFrom) return nullptr;
  auto index = std::make_unique<CaselessIndex>();
  for (size_t i = 0; i < names.size(); ++i)
    index->add(names[i], i);
  return index;
}

}  // namespace

JobScopes::JobScopes(const yaml::Node& root, Repo* repo,
                     const std::optional<std::vector<std::string>>& configVariables, FileKind kind)
    : repo_(repo) {
  if (configVariables) {
    std::vector<std::pair<std::string, TypePtr>> vars;
    for (const auto& v : *configVariables)
      vars.emplace_back(v, types::string());
    varsType_ = types::objectOf(std::move(vars));
  }
  static const std::vector<std::string> contexts = {"github", "env",      "vars",  "secrets",
                                                    "inputs", "matrix",   "steps", "needs",
                                                    "runner", "strategy", "job",   "jobs"};
  global_.contexts = contexts;
  action_ = kind == FileKind::Action;
  if (action_)
    readAction(root);
  else
    readInputs(root);
  if (inputs_) inputIndex_ = indexOf(*inputs_);
  if (action_) return;
  readWholes(root);
  const yaml::Node* jobs = root.find("jobs");
  if (!jobs || !jobs->isMapping()) return;
  std::vector<std::pair<std::string, TypePtr>> jobTypes;
  for (const auto& e : jobs->entries) {
    if (!e.value.isMapping()) continue;
    readOutputs(e.key.value, e.value);
    bool known = !outputs_.empty() && outputs_.back().first == e.key.value;
    jobTypes.emplace_back(e.key.value, jobResultType(known ? &outputs_.back().second : nullptr));
  }
  jobsType_ = types::objectOf(jobTypes);
  CaselessIndex jobIndex;
  for (size_t i = 0; i < jobTypes.size(); ++i)
    jobIndex.add(jobTypes[i].first, i);
  auto jobType = [&](const std::string& id) -> TypePtr {
    size_t i = jobIndex.find(id);
    return i == CaselessIndex::npos ? nullptr : jobTypes[i].second;
  };
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
    if (job.needs) {
      std::vector<std::pair<std::string, TypePtr>> props;
      for (const auto& n : *job.needs)
        if (TypePtr t = jobType(n)) props.emplace_back(n, t);
      job.needsType = types::objectOf(std::move(props));
    }
    job.matrix = matrixKeys(e.value);
    if (job.matrix) job.matrixType = matrixType(e.value);
    readSteps(e.value, job);
    jobs_.push_back(std::move(job));
  }
}

// The steps of a job or of a composite action's runs:, each seeing the ids
// of the steps before it.
void JobScopes::readSteps(const yaml::Node& owner, Job& job) const {
  std::vector<std::pair<std::string, TypePtr>> seen;
  TypePtr steps = types::objectOf({});
  bool capped = false;
  for (const yaml::Node* step : stepsOf(owner)) {
    const yaml::Node* id = step->find("id");
    std::string name = id && id->isScalar() ? id->value : "";
    if (!job.steps.empty() && !(job.steps.back().end < step->where.begin)) job.stepsInOrder = false;
    job.steps.push_back({step->where.begin, step->where.end, steps, job.stepIds.size()});
    if (!name.empty()) job.stepIds.push_back(name);
    if (name.empty() || hasExpression(name) || capped) continue;
    if (seen.size() == kTypedPrefix) {
      steps = types::objectOf(seen, types::any());
      capped = true;
      continue;
    }
    seen.emplace_back(name, stepType(stepOutputs(*step)));
    steps = types::objectOf(seen);
  }
  job.stepsAll = steps;
  job.stepIndex = indexOf(job.stepIds);
}

// An action's inputs are strings (the runner passes every input as one);
// a composite action's steps form one job.
void JobScopes::readAction(const yaml::Node& root) {
  inputs_.emplace();
  std::vector<std::pair<std::string, TypePtr>> props;
  if (const yaml::Node* inputs = root.find("inputs"); inputs && inputs->isMapping())
    for (const auto& i : inputs->entries) {
      inputs_->push_back(i.key.value);
      props.emplace_back(i.key.value, types::string());
    }
  inputsType_ = types::objectOf(std::move(props));
  const yaml::Node* runs = root.find("runs");
  if (!runs || !runs->isMapping()) return;
  Job job;
  job.begin = runs->where.begin;
  job.end = runs->where.end;
  readSteps(*runs, job);
  jobs_.push_back(std::move(job));
}

// The outputs a step's action declares (a local action's action.yml, a
// popular action in popular_actions.json), or a map of strings when unknown.
TypePtr JobScopes::stepOutputs(const yaml::Node& step) const {
  const TypePtr& unknown = unknownOutputs();
  const yaml::Node* uses = step.find("uses");
  if (!uses || !uses->isScalar() || hasExpression(uses->value)) return unknown;
  const std::string& u = uses->value;
  if (u.rfind("./", 0) == 0) {
    std::optional<yaml::Node> meta = readYaml(localActionFile(repo_, u));
    if (!meta) return unknown;
    TypePtr t = outputsOf(meta->find("outputs"));
    return t ? t : unknown;
  }
  // The outputs of the popular actions, typed once per process.
  static const auto outputs = [] {
    std::unordered_map<std::string, TypePtr, StringHash, std::equal_to<>> out;
    for (const DataMember& action : embeddedData("popular_actions.json")["actions"].object()) {
      const DataNode* outputs = action.value.find("outputs");
      if (!outputs) continue;
      std::vector<std::pair<std::string, TypePtr>> props;
      for (const auto& o : outputs->list())
        props.emplace_back(o.text(), types::string());
      out.emplace(action.key(), types::objectOf(std::move(props)));
    }
    return out;
  }();
  std::string spec = actionSpecOf(*uses);
  if (spec.empty()) return unknown;
  auto it = outputs.find(spec);  // octokit/request-action@v2.x is its own
  if (it == outputs.end()) it = outputs.find(majorSpec(spec));
  return it == outputs.end() ? unknown : it->second;
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
      keys.push_back(keyName(e.key));
      continue;
    }
    if (!e.value.isSequence()) return std::nullopt;
    for (const auto& row : e.value.items) {
      if (!row.isMapping()) return std::nullopt;
      for (const auto& cell : row.entries)
        keys.push_back(keyName(cell.key));
    }
  }
  return keys;
}

// The type of a literal YAML value: what GitHub reads from a plain scalar,
// the type of a whole `${{ }}`, strings for other text.
TypePtr JobScopes::valueType(const yaml::Node& n) const {
  if (n.isNull()) return types::null();
  if (n.isScalar()) {
    std::string_view v = n.value;
    size_t b = v.find_first_not_of(" \t\r\n"), e = v.find_last_not_of(" \t\r\n");
    if (b != std::string_view::npos && v.substr(b, 3) == "${{" && v.substr(e - 1, 2) == "}}" &&
        v.find("${{", b + 3) == std::string_view::npos)
      return expr::typeOf(v.substr(b + 3, e - 1 - (b + 3)), global_);
    if (n.isPlain() && !hasExpression(v)) {
      if (n.asBool()) return types::boolean();
      if (n.asNumber()) return types::number();
    }
    return types::string();
  }
  if (n.isSequence()) {
    TypePtr e;
    for (const auto& i : n.items)
      e = e ? types::merge(e, valueType(i)) : valueType(i);
    return types::arrayOf(e ? e : types::any());
  }
  std::vector<std::pair<std::string, TypePtr>> props;
  for (const auto& e : n.entries)
    props.emplace_back(e.key.value, valueType(e.value));
  return types::objectOf(std::move(props));
}

// matrix as its rows and include: say it has: each key's values merged.
TypePtr JobScopes::matrixType(const yaml::Node& job) const {
  const yaml::Node* strategy = job.find("strategy");
  const yaml::Node* m = strategy ? strategy->find("matrix") : nullptr;
  if (!m) return types::objectOf({});
  std::vector<std::pair<std::string, TypePtr>> props;
  auto add = [&](const std::string& key, TypePtr t) {
    for (auto& [k, old] : props)
      if (equalsIgnoreCase(k, key)) {
        old = types::merge(old, t);
        return;
      }
    props.emplace_back(key, std::move(t));
  };
  for (const auto& e : m->entries) {
    if (e.key.value == "exclude") continue;
    if (e.key.value == "include") {
      for (const auto& row : e.value.items)
        for (const auto& cell : row.entries)
          add(keyName(cell.key), valueType(cell.value));
      continue;
    }
    TypePtr t = valueType(e.value);
    add(keyName(e.key), t->kind == expr::TypeKind::Array ? t->elem : types::any());
  }
  return types::objectOf(std::move(props));
}

// The inputs workflow_dispatch and workflow_call define (none when the
// workflow has neither event); left unknown when on: is not plain enough.
void JobScopes::readInputs(const yaml::Node& root) {
  const yaml::Node* on = root.find("on");
  inputs_.emplace();
  inputsType_ = types::objectOf({});
  if (!on || on->isScalar() || on->isSequence()) return;
  auto unknown = [this] {
    inputs_.reset();
    eventInputs_.reset();
    inputsType_ = nullptr;
    callInputs_.clear();
  };
  if (!on->isMapping()) return unknown();
  std::vector<std::pair<std::string, TypePtr>> props;
  for (const char* event : {"workflow_dispatch", "workflow_call"}) {
    const yaml::Node* e = on->find(event);
    if (!e) continue;
    bool dispatch = std::string_view(event) == "workflow_dispatch";
    if (dispatch) eventInputs_.emplace();
    if (e->isNull()) continue;
    if (!e->isMapping()) return unknown();
    if (!dispatch && e->entry("secrets")) {
      // A reusable workflow sees the secrets it declares, and these.
      std::vector<std::pair<std::string, TypePtr>> secrets = {
          {"github_token", types::string()},
          {"actions_runner_debug", types::string()},
          {"actions_step_debug", types::string()}};
      const yaml::Node* s = e->find("secrets");
      if (s && s->isMapping())
        for (const auto& i : s->entries)
          secrets.emplace_back(i.key.value, types::string());
      if (!s || s->isMapping() || s->isNull()) secretsType_ = types::objectOf(std::move(secrets));
    }
    const yaml::Node* inputs = e->find("inputs");
    if (!inputs || inputs->isNull()) continue;
    if (!inputs->isMapping()) return unknown();
    TypePtr capped;
    for (const auto& i : inputs->entries) {
      if (hasExpression(i.key.value)) return unknown();
      if (!dispatch && props.size() >= kTypedPrefix && !capped)
        capped = types::objectOf(props, types::any());
      if (!dispatch)
        callInputs_.push_back({i.key.where.begin, i.value.where.end, inputs_->size(),
                               capped ? capped : types::objectOf(props)});
      inputs_->push_back(i.key.value);
      props.emplace_back(i.key.value, inputType(i.value, dispatch));
      if (dispatch) eventInputs_->push_back(i.key.value);
    }
  }
  inputsType_ = types::objectOf(std::move(props));
  if (!eventInputs_) return;
  // github.event.inputs: workflow_dispatch's inputs, all strings. Most
  // workflow_dispatch triggers declare none: that type is made once.
  auto withInputs = [](const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, TypePtr>> strings;
    for (const auto& i : names)
      strings.emplace_back(i, types::string());
    // A copy of the github context, whose properties are already lower
    // case and sorted, with its event replaced.
    auto github = std::make_shared<expr::Type>(*types::context("github"));
    for (auto& [k, t] : github->props)
      if (k == "event") t = types::objectOf({{"inputs", types::objectOf(strings)}}, types::any());
    return TypePtr(std::move(github));
  };
  if (!eventInputs_->empty()) {
    githubType_ = withInputs(*eventInputs_);
    return;
  }
  thread_local const TypePtr none = withInputs({});
  githubType_ = none;
}

// A job's outputs when they are plain: its own `outputs:` keys (none without
// one), or for a job that calls a local reusable workflow, the outputs that
// workflow declares.
void JobScopes::readOutputs(const std::string& id, const yaml::Node& job) {
  std::vector<std::string> names;
  const yaml::Node* outputs = job.find("outputs");
  std::optional<yaml::Node> wf;  // a called workflow, read here: outputs may point into it
  if (const yaml::Node* uses = job.find("uses")) {
    if (!uses->isScalar() || uses->value.rfind("./", 0) != 0 || hasExpression(uses->value)) return;
    wf = readYaml(repo_ ? repo_->read(uses->value.substr(2)) : nullptr);
    const yaml::Node* call = wf ? workflowCall(*wf) : nullptr;
    if (!call) return;
    outputs = call->find("outputs");
  }
  if (outputs) {
    if (!outputs->isMapping()) return;
    for (const auto& o : outputs->entries) {
      if (hasExpression(o.key.value)) return;
      names.push_back(o.key.value);
    }
  }
  outputs_.emplace_back(id, std::move(names));
}

// Where one whole `${{ }}` must have a certain type.
void JobScopes::readWholes(const yaml::Node& root) {
  auto add = [this](const yaml::Node* n, Want want, std::string name = {}) {
    if (n && n->isScalar()) wholes_.push_back({n->where.begin, want, std::move(name)});
  };
  add(root.find("env"), Want::Env);
  if (const yaml::Node* call = workflowCall(root))
    if (const yaml::Node* inputs = call->find("inputs"); inputs && inputs->isMapping())
      for (const auto& i : inputs->entries) {
        if (!i.value.isMapping()) continue;
        TypePtr t = inputType(i.value, false);
        if (t->kind == expr::TypeKind::Bool || t->kind == expr::TypeKind::Number)
          add(i.value.find("default"), t->kind == expr::TypeKind::Bool ? Want::Bool : Want::Number,
              i.key.value);
      }
  const yaml::Node* jobs = root.find("jobs");
  if (!jobs || !jobs->isMapping()) return;
  for (const auto& e : jobs->entries) {
    if (!e.value.isMapping()) continue;
    add(e.value.find("runs-on"), Want::RunsOn);
    add(e.value.find("env"), Want::Env);
    for (const yaml::Node* step : stepsOf(e.value))
      add(step->find("env"), Want::Env);
  }
}

void JobScopes::checkWhole(Position at, const expr::Type& type, const yaml::Node& node,
                           Diagnostics& diags) const {
  using expr::TypeKind;
  for (const Whole& w : wholes_) {
    if (w.at != at) continue;
    TypeKind k = type.kind;
    std::string t = types::toString(type);
    size_t b = node.value.find("${{");
    Location where = expr::ScalarMap(node).location(b == std::string::npos ? 0 : b, 3);
    // runs-on also takes a {group, labels} mapping.
    bool group = k == TypeKind::Object &&
                 std::all_of(type.props.begin(), type.props.end(), [](const auto& p) {
                   return p.first == "group" || p.first == "labels";
                 });
    if (w.want == Want::RunsOn && k != TypeKind::Any && k != TypeKind::String &&
        k != TypeKind::Array && !group)
      diags.error(where, "expression",
                  "'runs-on' takes a label, an array of labels or a {group, labels} mapping, "
                  "but this expression is of type " +
                      t);
    if (w.want == Want::Env && k != TypeKind::Any && k != TypeKind::Object)
      diags.error(where, "expression",
                  "'env' takes a mapping of variables, but this expression is of type " + t);
    TypeKind want = w.want == Want::Bool ? TypeKind::Bool : TypeKind::Number;
    if ((w.want == Want::Bool || w.want == Want::Number) && k != TypeKind::Any && k != want)
      diags.error(where, "expression",
                  "input '" + w.name + "' is of type " +
                      (want == TypeKind::Bool ? "bool" : "number") +
                      ", but its default is of type " + t);
    return;
  }
}

namespace {

// The one of ranges (in order of position, apart) that holds at, or -1.
template <typename Range>
int containing(const std::vector<Range>& ranges, Position at) {
  auto after = std::upper_bound(ranges.begin(), ranges.end(), at,
                                [](Position p, const Range& r) { return p < r.begin; });
  if (after == ranges.begin() || (after - 1)->end < at) return -1;
  return static_cast<int>(after - 1 - ranges.begin());
}

}  // namespace

JobScopes::Region JobScopes::regionOf(Position at) const {
  Region r;
  // Inputs and jobs are keys of one mapping, so in order and apart.
  if ((r.input = containing(callInputs_, at)) >= 0) return r;
  if ((r.job = containing(jobs_, at)) < 0) return r;
  const Job& job = jobs_[r.job];
  if (job.stepsInOrder) {
    r.step = containing(job.steps, at);
  } else {
    // Steps from aliases sit where their anchors are: the last that holds at.
    for (size_t i = 0; i < job.steps.size(); ++i)
      if (!(at < job.steps[i].begin) && !(job.steps[i].end < at)) r.step = static_cast<int>(i);
  }
  return r;
}

const expr::Scope& JobScopes::scopeAt(Position at, const void* contextDef,
                                      const std::function<void(expr::Scope*)>& base) const {
  Region r = regionOf(at);
  if (!cached_.valid || !(cached_.region == r)) {
    fill(r, &cached_.scope);
    base(&cached_.scope);
  } else if (cached_.contextDef != contextDef) {
    base(&cached_.scope);  // the same step under another key: its contexts
  }
  cached_.valid = true;
  cached_.contextDef = contextDef;
  cached_.region = r;
  return cached_.scope;
}

namespace {

std::optional<expr::Names> namesOf(const std::optional<std::vector<std::string>>& names) {
  return names ? std::optional<expr::Names>(*names) : std::nullopt;
}

}  // namespace

void JobScopes::fill(const Region& r, expr::Scope* scope) const {
  // Names as string_view literals: their lengths are known when compiled.
  std::vector<std::pair<std::string_view, TypePtr>> types = std::move(scope->types);
  types.clear();  // its storage is reused
  *scope = expr::Scope{};
  scope->types = std::move(types);
  scope->jobOutputs = outputs_;
  scope->inputs = namesOf(inputs_);
  scope->inputIndex = inputIndex_.get();
  if (action_) scope->inputsOwner = "action";
  scope->eventInputs = namesOf(eventInputs_);
  if (inputsType_) scope->types.emplace_back(std::string_view("inputs"), inputsType_);
  if (secretsType_) scope->types.emplace_back(std::string_view("secrets"), secretsType_);
  if (githubType_) scope->types.emplace_back(std::string_view("github"), githubType_);
  if (varsType_) scope->types.emplace_back(std::string_view("vars"), varsType_);
  if (jobsType_) scope->types.emplace_back(std::string_view("jobs"), jobsType_);
  if (r.input >= 0) {
    const Input& in = callInputs_[r.input];
    scope->inputs = expr::Names(inputs_->data(), in.inputsBefore);
    scope->types.front().second = in.type;
    return;
  }
  if (r.job < 0) return;
  const Job& job = jobs_[r.job];
  scope->needs = namesOf(job.needs);
  scope->matrix = namesOf(job.matrix);
  if (job.needsType) scope->types.emplace_back(std::string_view("needs"), job.needsType);
  if (job.matrixType) scope->types.emplace_back(std::string_view("matrix"), job.matrixType);
  // Inside a step: the steps before it (a step cannot read its own
  // outputs). Elsewhere in the job (outputs, environment url): all of them.
  if (r.step >= 0) {
    const Step& step = job.steps[r.step];
    scope->steps = expr::Names(job.stepIds.data(), step.idsBefore);
    scope->types.emplace_back(std::string_view("steps"), step.steps);
  } else {
    scope->steps = job.stepIds;
    scope->types.emplace_back(std::string_view("steps"), job.stepsAll);
  }
  scope->stepIndex = job.stepIndex.get();
}

void checkExpressions(const yaml::Node& n, const SchemaDefinition* contextDef, bool expression,
                      const JobScopes& jobs, CheckContext& cx) {
  if (!n.isScalar()) return;
  bool isCondition = isIf(contextDef) && !n.value.empty();
  if (!isCondition && !expression) return;
  const Allowed& a = allowedFor(contextDef);
  auto base = [&a](expr::Scope* s) {
    s->contexts = a.contexts;
    s->functions = a.functions;
  };
  // What the scopes cannot know (what a reusable workflow's caller passes, a
  // computed matrix) stays unchecked.
  const expr::Scope& scope = jobs.scopeAt(n.where.begin, contextDef, base);
  if (isCondition) {
    expr::checkIf(n, scope, cx.diags);
    return;
  }
  expr::TypePtr whole;
  expr::checkScalar(n, scope, cx.diags, &whole);
  if (whole) jobs.checkWhole(n.where.begin, *whole, n, cx.diags);
}

}  // namespace galley::lint

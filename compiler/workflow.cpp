#include "compiler/workflow.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "compiler/graph.h"
#include "compiler/workflow_tags.h"

namespace galley::wf {

namespace {

const char* const kRule = "workflow-syntax";

bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// GitHub's identifiers (job and step ids): a letter or `_`, then letters,
// digits, `_` and `-`, under 100 characters; `__` starts only the ids GitHub
// generates. Generated ids take a `_2`, `_3`, ... suffix on collision.
class IdBuilder {
 public:
  static constexpr size_t kMaxLength = 100;

  // The error for a known id, or "" when it is valid and new.
  std::string add(const std::string& id) {
    if (!valid(id) || id.size() >= kMaxLength)
      return "The identifier '" + id +
             "' is invalid. IDs may only contain alphanumeric characters, '_', and '-'. IDs "
             "must start with a letter or '_' and and must be less than 100 characters.";
    if (id.starts_with("__"))
      return "The identifier '" + id + "' is invalid. IDs starting with '__' are reserved.";
    if (!seen_.insert(lower(id)).second)
      return "The identifier '" + id + "' may not be used more than once within the same scope.";
    return "";
  }

  // A new id from a name such as `__actions_checkout`.
  std::string generate(std::string_view segment) {
    std::string base;
    for (char c : segment)
      base += isAlpha(c) || isDigit(c) || c == '_' || c == '-' ? c : '_';
    if (base.empty()) base = "job";
    for (int attempt = 1; attempt < 1000; ++attempt) {
      std::string suffix = attempt == 1 ? "" : "_" + std::to_string(attempt);
      std::string candidate = base.substr(0, kMaxLength - suffix.size()) + suffix;
      if (seen_.insert(lower(candidate)).second) return candidate;
    }
    return base;
  }

 private:
  std::unordered_set<std::string> seen_;

  static std::string lower(std::string s) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
  }
  static bool valid(std::string_view id) {
    if (id.empty() || !(isAlpha(id[0]) || id[0] == '_')) return false;
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return isAlpha(c) || isDigit(c) || c == '_' || c == '-'; });
  }
};

// The segment of a generated step id: `actions/checkout@v4` gives
// `actions_checkout`, a local action `self`, a Docker image its name.
std::string actionIdSegment(std::string_view uses) {
  if (uses.starts_with("docker://")) return std::string(uses.substr(9));
  if (uses.starts_with("./") || uses.starts_with(".\\") || uses.starts_with("$/")) return "self";
  size_t at = uses.find('@');
  if (at == std::string_view::npos || uses.find('@', at + 1) != std::string_view::npos) return "";
  std::string_view path = uses.substr(0, at), ref = uses.substr(at + 1);
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/' || path[i] == '\\') {
      if (i > start) parts.push_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() >= 2 && !ref.empty()) return std::string(parts[0]) + "/" + std::string(parts[1]);
  return "";
}

// Whether `uses:` of a step has a form GitHub runs: a Docker image, a local
// action, or {owner}/{repo}[/path]@ref.
bool validStepUses(std::string_view uses) {
  if (uses.starts_with("docker://") || uses.starts_with("./") || uses.starts_with(".\\"))
    return true;
  size_t at = uses.find('@');
  if (at == std::string_view::npos || at + 1 >= uses.size()) return false;
  std::string_view path = uses.substr(0, at);
  size_t slash = path.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < path.size() &&
         path[slash + 1] != '/';
}

std::string typeWord(const yaml::Node& n) {
  if (n.isMapping()) return "MappingToken";
  if (n.isSequence()) return "SequenceToken";
  if (n.isNull()) return "NullToken";
  if (n.isPlain() && n.asBool()) return "BooleanToken";
  if (n.isPlain() && n.asNumber()) return "NumberToken";
  std::string expr;
  if (templateExpression(n.value, &expr)) return "BasicExpressionToken";
  return "StringToken";
}

bool isExpression(const yaml::Node& n) {
  std::string e;
  return n.isScalar() && templateExpression(n.value, &e);
}

bool isStringValue(const yaml::Node& n) {
  return n.isScalar() && !isExpression(n) && !(n.isPlain() && (n.asBool() || n.asNumber()));
}

class Converter {
 public:
  Converter(const SourceFile& file, const ReadOptions& options, Diagnostics& diags)
      : file_(file), options_(options), diags_(diags) {}

  void convert(const yaml::Node& root, Workflow* out) {
    static const std::pair<std::string_view, std::optional<Template> Workflow::*> kSlots[] = {
        {"name", &Workflow::name},
        {"description", &Workflow::description},
        {"run-name", &Workflow::runName},
        {"env", &Workflow::env},
        {"defaults", &Workflow::defaults},
        {"concurrency", &Workflow::concurrency},
        {"permissions", &Workflow::permissions},
    };
    out->file = &file_;
    for (const yaml::Entry& e : root.entries) {
      const std::string& key = e.key.value;
      if (key == "on") readOn(e.value, out);
      if (key == "jobs") readJobs(e.value, out);
      if (key == "concurrency") checkConcurrency(e.value);
      for (const auto& [name, member] : kSlots)
        if (name == key) out->*member = e.value;
    }
  }

 private:
  const SourceFile& file_;
  const ReadOptions& options_;
  Diagnostics& diags_;

  void error(const Location& at, std::string message) {
    diags_.error(at, kRule, std::move(message));
  }

  void unexpectedType(const yaml::Node& n, std::string_view what, std::string_view expected) {
    error(n.where, "Unexpected type '" + typeWord(n) + "' encountered while reading '" +
                       std::string(what) + "'. The type '" + std::string(expected) +
                       "' was expected.");
  }

  Text text(const yaml::Node& n) { return Text{n.value, n.where}; }

  // --- on ---

  void readOn(const yaml::Node& on, Workflow* out) {
    if (on.isScalar()) {
      out->on.push_back(Event{on.value, on.where, std::nullopt});
      return;
    }
    if (on.isSequence()) {
      for (const yaml::Node& item : on.items)
        out->on.push_back(Event{item.value, item.where, std::nullopt});
      return;
    }
    for (const yaml::Entry& e : on.entries) {
      Event ev{e.key.value, e.key.where, std::nullopt};
      if (!e.value.isNull()) ev.config = e.value;
      if (e.value.isMapping() && ev.name == "workflow_dispatch")
        if (const yaml::Node* inputs = e.value.find("inputs"))
          readInputs(*inputs, &out->dispatchInputs);
      if (e.value.isMapping() && ev.name == "workflow_call") readCall(e.value, out);
      out->on.push_back(std::move(ev));
    }
  }

  void readCall(const yaml::Node& config, Workflow* out) {
    if (const yaml::Node* inputs = config.find("inputs")) readInputs(*inputs, &out->callInputs);
    if (const yaml::Node* secrets = config.find("secrets"); secrets && secrets->isMapping()) {
      for (const yaml::Entry& e : secrets->entries) {
        CallSecret s{e.key.value, e.key.where, false, ""};
        if (const yaml::Node* r = e.value.find("required"); r && r->asBool())
          s.required = *r->asBool();
        if (const yaml::Node* d = e.value.find("description")) s.description = d->value;
        out->callSecrets.push_back(std::move(s));
      }
    }
    if (const yaml::Node* outputs = config.find("outputs"); outputs && outputs->isMapping()) {
      for (const yaml::Entry& e : outputs->entries) {
        CallOutput o{e.key.value, e.key.where, std::nullopt, ""};
        if (const yaml::Node* v = e.value.find("value")) o.value = *v;
        if (const yaml::Node* d = e.value.find("description")) o.description = d->value;
        out->callOutputs.push_back(std::move(o));
      }
    }
  }

  void readInputs(const yaml::Node& inputs, std::vector<Input>* out) {
    if (!inputs.isMapping()) return;
    for (const yaml::Entry& e : inputs.entries) {
      Input in;
      in.name = e.key.value;
      in.where = e.key.where;
      if (e.value.isMapping()) readInput(e.value, &in);
      out->push_back(std::move(in));
    }
  }

  void readInput(const yaml::Node& config, Input* in) {
    bool hasOptions = false;
    for (const yaml::Entry& e : config.entries) {
      const std::string& key = e.key.value;
      if (key == "description") {
        in->description = e.value.value;
      } else if (key == "required") {
        in->required = e.value.asBool().value_or(false);
      } else if (key == "default") {
        in->defaultValue = e.value;
      } else if (key == "type") {
        in->type = e.value.value;
      } else if (key == "options") {
        hasOptions = true;
        for (const yaml::Node& o : e.value.items)
          in->options.push_back(o.value);
      }
    }
    if (in->defaultValue && !isExpression(*in->defaultValue)) {
      const yaml::Node& d = *in->defaultValue;
      if (in->type == "boolean" && !(d.isPlain() && d.asBool()))
        unexpectedType(d, "input default", "BooleanToken");
      else if ((in->type == "string" || in->type == "choice" || in->type == "environment") &&
               !d.isScalar())
        unexpectedType(d, "input default", "StringToken");
    }
    if (in->type == "choice" && in->options.empty())
      error(config.where, "Missing 'options' for choice input");
    else if (in->type != "choice" && hasOptions)
      error(config.where, "Input type is not 'choice', but 'options' is defined");
  }

  // --- settings GitHub checks while converting ---

  void checkConcurrency(const yaml::Node& n) {
    if (!n.isMapping()) return;
    // A key or value that is an expression is checked when it is evaluated.
    for (const yaml::Entry& e : n.entries) {
      if (isExpression(e.key) || isExpression(e.value)) continue;
      const std::string& key = e.key.value;
      if (key != "group" && key != "cancel-in-progress" && key != "queue")
        error(e.key.where, "Invalid property name: " + key);
    }
  }

  void checkRunsOn(const yaml::Node& n) {
    if (!n.isMapping()) return;
    const yaml::Node* group = n.find("group");
    if (!group || isExpression(*group) || !group->isScalar()) return;
    const std::string& name = group->value;
    size_t slash = name.find('/');
    if (slash == std::string::npos) return;
    std::string prefix = name.substr(0, slash), rest = name.substr(slash + 1);
    static const std::set<std::string> kPrefixes = {"org", "organization", "ent", "enterprise"};
    if (rest.find('/') != std::string::npos || !kPrefixes.count(prefix))
      error(group->where, "Invalid runs-on group name '" + name +
                              "'. Please use 'organization/' or 'enterprise/' prefix to target "
                              "a single runner group.");
    else if (rest.empty())
      error(group->where, "Invalid runs-on group name '" + name + "'.");
  }

  bool hasExpressionInside(const yaml::Node& n) {
    if (n.isScalar()) return isExpression(n);
    for (const yaml::Node& i : n.items)
      if (hasExpressionInside(i)) return true;
    for (const yaml::Entry& e : n.entries)
      if (isExpression(e.key) || hasExpressionInside(e.value)) return true;
    return false;
  }

  void checkContainer(const yaml::Node& n) {
    if (hasExpressionInside(n) || !n.isMapping()) return;
    const yaml::Node* image = n.find("image");
    if (!image || (image->isScalar() && image->value.empty()) || image->isNull())
      error(n.where, "Container image cannot be empty");
  }

  void checkServices(const yaml::Node& n) {
    for (const yaml::Entry& e : n.entries)
      checkContainer(e.value);
  }

  void checkMatrix(const yaml::Node& strategy) {
    const yaml::Node* matrix = strategy.find("matrix");
    if (!matrix || !matrix->isMapping()) return;
    for (const yaml::Entry& e : matrix->entries) {
      if (e.key.value == "include" || e.key.value == "exclude" || isExpression(e.key)) continue;
      if (e.value.isSequence() && e.value.items.empty())
        error(e.value.where, "Matrix vector '" + e.key.value + "' does not contain any values");
    }
  }

  // --- if ---

  // The expression GitHub evaluates for an `if:` (GitHub's
  // convertToIfCondition); a condition that does not parse is reported.
  std::string ifExpression(const yaml::Node& n, std::string_view definition) {
    std::string cond;
    if (auto literal = templateLiteral(n.value))
      cond = *literal;
    else if (!templateExpression(n.value, &cond))
      cond = n.value;
    size_t first = cond.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "success()";
    cond = cond.substr(first, cond.find_last_not_of(" \t\r\n") - first + 1);
    std::vector<std::string_view> context = definitionContext(definition);
    std::string err;
    bool status = false;
    if (checkExpression(cond, context, &err, &status) && !status)
      cond = "success() && (" + cond + ")";
    if (!checkExpression(cond, context, &err, nullptr)) error(n.where, err);
    return cond;
  }

  // --- jobs ---

  void readJobs(const yaml::Node& jobs, Workflow* out) {
    if (!jobs.isMapping()) {
      error(jobs.where, "Invalid format for jobs");
      return;
    }
    IdBuilder ids;
    for (const yaml::Entry& e : jobs.entries) {
      if (!e.value.isMapping()) continue;
      std::string problem = ids.add(e.key.value);
      if (!problem.empty()) error(e.key.where, problem);
      out->jobs.push_back(readJob(e.key, e.value));
    }
    checkNeeds(jobs, out->jobs);
  }

  // The settings that are a template as written.
  static std::optional<Template>* jobTemplate(Job* job, std::string_view key) {
    static const std::pair<std::string_view, std::optional<Template> Job::*> kSlots[] = {
        {"name", &Job::name},
        {"runs-on", &Job::runsOn},
        {"environment", &Job::environment},
        {"concurrency", &Job::concurrency},
        {"outputs", &Job::outputs},
        {"env", &Job::env},
        {"defaults", &Job::defaults},
        {"strategy", &Job::strategy},
        {"continue-on-error", &Job::continueOnError},
        {"timeout-minutes", &Job::timeoutMinutes},
        {"cancel-timeout-minutes", &Job::cancelTimeoutMinutes},
        {"permissions", &Job::permissions},
        {"container", &Job::container},
        {"services", &Job::services},
        {"snapshot", &Job::snapshot},
        {"with", &Job::with},
    };
    for (const auto& [name, member] : kSlots)
      if (name == key) return &(job->*member);
    return nullptr;
  }

  // What GitHub checks of a setting while it builds its model.
  void checkJobSetting(std::string_view key, const yaml::Node& v) {
    if (key == "runs-on") checkRunsOn(v);
    if (key == "concurrency") checkConcurrency(v);
    if (key == "strategy") checkMatrix(v);
    if (key == "container") checkContainer(v);
    if (key == "services") checkServices(v);
  }

  Job readJob(const yaml::Node& key, const yaml::Node& n) {
    Job job;
    job.id = key.value;
    job.where = key.where;
    for (const yaml::Entry& e : n.entries) {
      const std::string& k = e.key.value;
      const yaml::Node& v = e.value;
      checkJobSetting(k, v);
      if (std::optional<Template>* slot = jobTemplate(&job, k)) {
        *slot = v;
      } else if (k == "needs") {
        readNeeds(v, &job.needs);
      } else if (k == "if") {
        job.condition = text(v);
        job.conditionExpression = ifExpression(v, "job-if");
      } else if (k == "uses") {
        job.uses = text(v);
      } else if (k == "secrets") {
        if (isStringValue(v) && v.value == "inherit")
          job.secretsInherit = true;
        else
          job.secrets = v;
      } else if (k == "steps") {
        readSteps(v, &job.steps);
      }
    }
    return job;
  }

  void readNeeds(const yaml::Node& v, std::vector<Text>* needs) {
    if (v.isScalar()) needs->push_back(text(v));
    for (const yaml::Node& item : v.items)
      needs->push_back(text(item));
  }

  // GitHub's check of needs: jobs start from those without needs; a need
  // left unsatisfied names an unknown job or closes a cycle.
  void checkNeeds(const yaml::Node& jobsNode, const std::vector<Job>& jobs) {
    struct Pending {
      const Job* job;
      std::vector<Text> needs;
    };
    std::vector<const Job*> ready;
    std::vector<Pending> waiting;
    for (const Job& j : jobs) {
      if (j.needs.empty())
        ready.push_back(&j);
      else
        waiting.push_back({&j, j.needs});
    }
    if (ready.empty()) {
      error(jobsNode.where, "The workflow must contain at least one job with no dependencies.");
      return;
    }
    for (size_t r = 0; r < ready.size(); ++r) {
      const std::string& done = ready[r]->id;
      for (size_t i = waiting.size(); i-- > 0;) {
        auto& needs = waiting[i].needs;
        std::erase_if(needs, [&](const Text& t) { return t.value == done; });
        if (needs.empty()) {
          ready.push_back(waiting[i].job);
          waiting.erase(waiting.begin() + static_cast<long>(i));
        }
      }
    }
    std::string cycle;
    for (const Pending& p : waiting) {
      for (const Text& need : p.needs) {
        bool known =
            std::any_of(jobs.begin(), jobs.end(), [&](const Job& j) { return j.id == need.value; });
        if (!known) {
          error(need.where, "Job '" + p.job->id + "' depends on unknown job '" + need.value + "'.");
          continue;
        }
        Diagnostic& d = diags_.error(need.where, kRule,
                                     "Job '" + p.job->id + "' depends on job '" + need.value +
                                         "' which creates a cycle in the dependency graph.");
        if (cycle.empty()) cycle = cycleOf(jobs);
        if (!cycle.empty()) d.hint = "the cycle: " + cycle;
      }
    }
  }

  // The cycle through the needs, as a path (`a -> b -> a`).
  static std::string cycleOf(const std::vector<Job>& jobs) {
    std::vector<GraphNode> nodes;
    for (const Job& j : jobs) {
      GraphNode& n = nodes.emplace_back();
      n.id = j.id;
      for (const Text& t : j.needs)
        n.needs.push_back(t.value);
    }
    std::vector<size_t> order;
    std::vector<std::string> cycle;
    if (topologicalOrder(nodes, &order, &cycle)) return "";
    return cyclePath(cycle);
  }

  // --- steps ---

  void readSteps(const yaml::Node& steps, std::vector<Step>* out) {
    if (!steps.isSequence()) {
      error(steps.where, "Invalid format for steps");
      return;
    }
    IdBuilder ids;
    std::vector<std::string> known;  // ids of the steps before
    for (const yaml::Node& s : steps.items) {
      if (!s.isMapping()) continue;
      Step step;
      if (readStep(s, ids, known, &step)) out->push_back(std::move(step));
    }
    for (Step& step : *out) {
      if (!step.id.empty()) continue;
      std::string segment = step.isRun() ? "" : actionIdSegment(step.uses.value);
      if (!step.wait.empty()) segment = "wait";
      if (step.waitAll) segment = "wait-all";
      if (!step.cancel.value.empty()) segment = "cancel";
      step.id = ids.generate("__" + (segment.empty() ? std::string("run") : segment));
      step.idGenerated = true;
    }
  }

  // A step a wait or cancel step names: an earlier step, not itself.
  void checkTarget(const Text& target, const std::vector<std::string>& known, const Step& step) {
    if (target.value.starts_with("__")) {
      error(target.where, "The identifier '" + target.value +
                              "' is invalid. IDs starting with '__' are reserved.");
    } else if (!step.id.empty() && lowered(target.value) == lowered(step.id)) {
      error(target.where, "Step '" + step.id + "' cannot reference itself");
    } else if (std::find(known.begin(), known.end(), target.value) == known.end()) {
      error(target.where, "Step references unknown step ID '" + target.value + "'");
    }
  }

  static std::string lowered(std::string s) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
  }

  void readStepId(const yaml::Node& v, IdBuilder& ids, std::vector<std::string>& known,
                  Step* step) {
    if (v.value.empty()) return;
    std::string problem = ids.add(v.value);
    if (problem.empty())
      known.push_back(v.value);
    else
      error(v.where, problem);
    step->id = v.value;
  }

  void readWait(const yaml::Node& v, const std::vector<std::string>& known, Step* step) {
    if (v.isScalar()) step->wait.push_back(text(v));
    for (const yaml::Node& item : v.items)
      step->wait.push_back(text(item));
    for (const Text& t : step->wait)
      checkTarget(t, known, *step);
  }

  void readUses(const yaml::Node& v, Step* step) {
    step->uses = text(v);
    if (!isExpression(v) && !validStepUses(v.value))
      error(v.where, "Expected format {org}/{repo}[/path]@ref. Actual '" + v.value + "'");
  }

  // The settings that are a template as written.
  static std::optional<Template>* stepTemplate(Step* step, std::string_view key) {
    if (key == "name") return &step->name;
    if (key == "run") return &step->run;
    if (key == "shell") return &step->shell;
    if (key == "working-directory") return &step->workingDirectory;
    if (key == "env") return &step->env;
    if (key == "with") return &step->with;
    if (key == "continue-on-error") return &step->continueOnError;
    if (key == "timeout-minutes") return &step->timeoutMinutes;
    if (key == "background") return &step->background;
    return nullptr;
  }

  bool readStep(const yaml::Node& n, IdBuilder& ids, std::vector<std::string>& known, Step* step) {
    step->where = n.where;
    for (const yaml::Entry& e : n.entries) {
      const std::string& k = e.key.value;
      const yaml::Node& v = e.value;
      if (std::optional<Template>* slot = stepTemplate(step, k)) {
        *slot = v;
      } else if (k == "id") {
        readStepId(v, ids, known, step);
      } else if (k == "if") {
        step->condition = text(v);
        step->conditionExpression = ifExpression(v, "step-if");
      } else if (k == "uses") {
        readUses(v, step);
      } else if (k == "wait") {
        readWait(v, known, step);
      } else if (k == "wait-all") {
        step->waitAll = true;
        if (v.asBool() == false) error(v.where, "The value of 'wait-all' must be true or omitted");
      } else if (k == "cancel") {
        step->cancel = text(v);
        checkTarget(step->cancel, known, *step);
      }
    }
    if (step->run) step->uses = Text{};
    if (!step->run && step->uses.value.empty() && !step->isWait()) {
      error(n.where, "Expected one of uses or run to be defined");
      return false;
    }
    return true;
  }
};

}  // namespace

const Job* Workflow::job(std::string_view id) const {
  for (const Job& j : jobs)
    if (j.id == id) return &j;
  return nullptr;
}

const Event* Workflow::event(std::string_view name) const {
  for (const Event& e : on)
    if (e.name == name) return &e;
  return nullptr;
}

bool readWorkflow(const yaml::Node& root, const SourceFile& file, Workflow* out,
                  Diagnostics& diags) {
  return readWorkflow(root, file, ReadOptions{}, out, diags);
}

bool readWorkflow(const yaml::Node& root, const SourceFile& file, const ReadOptions& options,
                  Workflow* out, Diagnostics& diags) {
  if (options.maxFileSize && file.text().size() > options.maxFileSize) {
    diags.error(Location{&file, {}, {}}, kRule,
                "The maximum file size of " + std::to_string(options.maxFileSize) +
                    " characters has been exceeded");
    return false;
  }
  if (!budgetFile(options.limits.budget, file, diags)) return false;
  // Tags are rare: the tree is copied to apply them only when the text may
  // hold one.
  const yaml::Node* source = &root;
  yaml::Node tagged;
  if (mayHaveTags(file)) {
    tagged = root;
    if (!applyTags(file, &tagged, diags)) return false;
    source = &tagged;
  }
  Diagnostics reading;
  yaml::Node tree = readTemplate(*source, "workflow-root-strict", reading, options.limits);
  Diagnostics converting;
  Converter(file, options, converting).convert(tree, out);
  bool ok = !reading.hasErrors() && !converting.hasErrors();
  bool readOk = !reading.hasErrors();
  diags.append(std::move(reading));
  if (readOk) diags.append(std::move(converting));
  return ok;
}

}  // namespace galley::wf

#include "compiler/workflow_json.h"

#include <cmath>

namespace galley::wf {

namespace {

using Json = nlohmann::ordered_json;

// Template token types of GitHub's serialization.
enum TokenType {
  kString = 0,
  kSequence = 1,
  kMapping = 2,
  kExpression = 3,
  kInsert = 4,
  kBoolean = 5,
  kNumber = 6,
  kNull = 7
};

// GitHub's service writes the numbers JSON has no spelling for as strings.
Json number(double d) {
  if (!std::isfinite(d)) return numberText(d);
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
    return Json(static_cast<int64_t>(d));
  return Json(d);
}

class Writer {
 public:
  explicit Writer(const ReaderJsonOptions& options) : options_(options) {}

  std::vector<std::string> files;

  Json token(const Template& n) {
    if (n.isSequence()) {
      Json seq = Json::array();
      for (const auto& i : n.items)
        seq.push_back(token(i));
      return withSource(n, kSequence, "seq", std::move(seq), true);
    }
    if (n.isMapping()) {
      Json map = Json::array();
      for (const auto& e : n.entries)
        map.push_back(Json{{"Key", token(e.key)}, {"Value", token(e.value)}});
      return withSource(n, kMapping, "map", std::move(map), true);
    }
    if (n.isNull()) return options_.includeSource ? source(n, kNull) : Json(nullptr);
    if (n.isPlain()) {
      if (auto b = n.asBool())
        return options_.includeSource ? withSource(n, kBoolean, "bool", *b) : Json(*b);
      if (auto d = coreNumber(n))
        return options_.includeSource ? withSource(n, kNumber, "num", number(*d)) : number(*d);
    }
    std::string expr;
    if (templateExpression(n.value, &expr)) {
      if (expr == "insert") return withSource(n, kInsert, "directive", "insert", true);
      return withSource(n, kExpression, "expr", expr, true);
    }
    std::string text = templateLiteral(n.value).value_or(n.value);
    return options_.includeSource ? withSource(n, kString, "lit", text) : Json(text);
  }

  Json text(const Text& t) {
    if (!options_.includeSource || !t.where.known()) return Json(t.value);
    Json out = source(t.where, kString);
    out["lit"] = t.value;
    return out;
  }

  Json workflow(const Workflow& wf) {
    Json out = Json::object();
    if (wf.concurrency) out["concurrency"] = token(*wf.concurrency);
    if (wf.env) out["env"] = token(*wf.env);
    if (wf.defaults) out["defaults"] = token(*wf.defaults);
    if (wf.permissions)
      if (auto p = readPermissions(*wf.permissions)) out["permissions"] = permissions(*p);
    if (options_.includeInputTypes && !wf.dispatchInputs.empty()) {
      Json types = Json::object();
      for (const Input& in : wf.dispatchInputs)
        types[in.name] = in.type;
      out["input-types"] = std::move(types);
    }
    if (options_.includeEvents) out["events"] = events(wf);
    out["jobs"] = jobs(wf, std::nullopt);
    if (options_.includeSource) out["file-table"] = files;
    return out;
  }

 private:
  const ReaderJsonOptions& options_;

  int fileId(const SourceFile* f) {
    std::string path = f ? f->path() : "";
    for (size_t i = 0; i < files.size(); ++i)
      if (files[i] == path) return static_cast<int>(i + 1);
    files.push_back(path);
    return static_cast<int>(files.size());
  }

  Json source(const Location& where, int type) {
    Json out{{"type", type}};
    if (where.known()) {
      out["file"] = fileId(where.file);
      out["line"] = where.begin.line;
      out["col"] = where.begin.column;
    }
    return out;
  }
  Json source(const Template& n, int type) { return source(n.where, type); }

  // A token: with its source when asked; expressions always as objects.
  Json withSource(const Template& n, int type, const char* field, Json value, bool always = false) {
    if (!options_.includeSource && !always) return value;
    Json out = options_.includeSource ? source(n, type) : Json{{"type", type}};
    out[field] = std::move(value);
    return out;
  }

  static Json expression(const std::string& text) {
    return Json{{"type", kExpression}, {"expr", text}};
  }

  static Json permissions(const Permissions& p) {
    Json out = Json::object();
    for (const auto& [scope, level] : p)
      if (level != "none") out[scope] = level;
    return out;
  }

  // A continue-on-error: a literal boolean as itself, else a token.
  Json flag(const Template& n) {
    if (n.isPlain())
      if (auto b = n.asBool()) return *b;
    return token(n);
  }

  Json jobs(const Workflow& wf, const std::optional<Permissions>& inherited) {
    Json out = Json::array();
    for (const Job& j : wf.jobs)
      out.push_back(job(wf, j, inherited));
    return out;
  }

  // A job's name, or its id when it has none or an empty one.
  Json jobName(const Job& j) {
    bool empty = !j.name || j.name->isNull() || (j.name->isScalar() && j.name->value.empty());
    return empty ? text(Text{j.id, j.where}) : token(*j.name);
  }

  Json needs(const Job& j) {
    Json out = Json::array();
    for (const Text& n : j.needs)
      out.push_back(text(n));
    return out;
  }

  Json job(const Workflow& wf, const Job& j, const std::optional<Permissions>& inherited) {
    Json out = Json::object();
    out["type"] = j.callsWorkflow() ? "reusableWorkflowJob" : "job";
    out["id"] = text(Text{j.id, j.where});
    out["name"] = jobName(j);
    if (!j.needs.empty() || j.callsWorkflow()) out["needs"] = needs(j);
    out["if"] = expression(j.conditionExpression);
    std::optional<Permissions> perms = jobPermissions(wf, j, inherited);
    if (j.callsWorkflow()) {
      reusable(j, perms, out);
      return out;
    }
    if (j.strategy) out["strategy"] = token(*j.strategy);
    if (j.continueOnError) out["continue-on-error"] = flag(*j.continueOnError);
    if (j.timeoutMinutes) out["timeout-minutes"] = token(*j.timeoutMinutes);
    if (j.cancelTimeoutMinutes) out["cancel-timeout-minutes"] = token(*j.cancelTimeoutMinutes);
    if (j.concurrency) out["concurrency"] = token(*j.concurrency);
    if (j.env) out["env"] = token(*j.env);
    if (j.environment) out["environment"] = token(*j.environment);
    if (j.defaults) out["defaults"] = token(*j.defaults);
    if (perms) out["permissions"] = permissions(*perms);
    if (j.runsOn) out["runs-on"] = token(*j.runsOn);
    if (j.container) out["container"] = token(*j.container);
    if (j.services) out["services"] = token(*j.services);
    if (j.outputs) out["outputs"] = token(*j.outputs);
    if (!j.steps.empty()) {
      Json steps = Json::array();
      for (const Step& s : j.steps)
        steps.push_back(step(s));
      out["steps"] = std::move(steps);
    }
    if (j.snapshot) out["snapshot"] = token(*j.snapshot);
    return out;
  }

  void reusable(const Job& j, const std::optional<Permissions>& perms, Json& out) {
    out["ref"] = text(j.uses);
    const Template* call = nullptr;
    if (j.called)
      if (const Event* e = j.called->event("workflow_call"); e && e->config) call = &*e->config;
    if (call)
      if (const Template* in = call->find("inputs")) out["input-definitions"] = token(*in);
    if (j.with) out["input-values"] = token(*j.with);
    if (call)
      if (const Template* s = call->find("secrets")) out["secret-definitions"] = token(*s);
    if (j.secrets) out["secret-values"] = token(*j.secrets);
    if (j.secretsInherit) out["inherit-secrets"] = true;
    if (perms) out["permissions"] = permissions(*perms);
    if (call)
      if (const Template* o = call->find("outputs")) out["outputs"] = token(*o);
    if (j.strategy) out["strategy"] = token(*j.strategy);
    out["jobs"] = j.called ? jobs(*j.called, perms) : Json::array();
  }

  Json step(const Step& s) {
    Json out = Json::object();
    out["id"] = s.id;
    if (s.isWait()) {
      const char* synthetic = !s.wait.empty() ? "Wait" : s.waitAll ? "Wait for all" : "Cancel";
      out["name"] = s.name ? token(*s.name) : Json(synthetic);
      if (s.continueOnError) out["continue-on-error"] = flag(*s.continueOnError);
      if (!s.wait.empty()) {
        Json targets = Json::array();
        for (const Text& t : s.wait)
          targets.push_back(text(t));
        out["wait"] = std::move(targets);
      } else if (s.waitAll) {
        out["wait-all"] = true;
      } else {
        out["cancel"] = text(s.cancel);
      }
      return out;
    }
    if (s.name) out["name"] = token(*s.name);
    out["if"] = expression(s.conditionExpression);
    if (s.continueOnError) out["continue-on-error"] = flag(*s.continueOnError);
    if (s.timeoutMinutes) out["timeout-minutes"] = token(*s.timeoutMinutes);
    if (s.env) out["env"] = token(*s.env);
    if (s.workingDirectory) out["working-directory"] = token(*s.workingDirectory);
    if (s.shell) out["shell"] = token(*s.shell);
    if (s.isRun()) {
      if (s.run) out["run"] = token(*s.run);
    } else {
      out["uses"] = text(s.uses);
      if (s.with) out["with"] = token(*s.with);
    }
    if (s.background)
      if (auto b = s.background->asBool()) out["background"] = *b;
    return out;
  }

  // --- events, as GitHub's TypeScript parser writes them ---

  static Json strings(const Template& n) {
    Json out = Json::array();
    if (n.isScalar()) out.push_back(n.value);
    for (const auto& i : n.items)
      out.push_back(i.value);
    return out;
  }

  static Json literal(const Template& n) {
    if (n.isPlain()) {
      if (auto b = n.asBool()) return *b;
      if (auto d = coreNumber(n)) return number(*d);
    }
    return n.value;
  }

  Json inputs(const std::vector<Input>& list) {
    Json out = Json::object();
    for (const Input& in : list) {
      Json i{{"type", in.type}};
      if (!in.description.empty()) i["description"] = in.description;
      if (in.required) i["required"] = true;
      if (in.defaultValue) i["default"] = literal(*in.defaultValue);
      if (!in.options.empty()) i["options"] = in.options;
      out[in.name] = std::move(i);
    }
    return out;
  }

  Json events(const Workflow& wf) {
    Json out = Json::object();
    for (const Event& e : wf.on) {
      Json config = Json::object();
      if (e.name == "workflow_dispatch") {
        if (!wf.dispatchInputs.empty()) config["inputs"] = inputs(wf.dispatchInputs);
      } else if (e.name == "workflow_call") {
        if (!wf.callInputs.empty()) config["inputs"] = inputs(wf.callInputs);
        if (!wf.callSecrets.empty()) {
          Json secrets = Json::object();
          for (const CallSecret& s : wf.callSecrets) {
            Json one = Json::object();
            if (!s.description.empty()) one["description"] = s.description;
            if (s.required) one["required"] = true;
            secrets[s.name] = std::move(one);
          }
          config["secrets"] = std::move(secrets);
        }
      } else if (e.name == "schedule" && e.config) {
        Json list = Json::array();
        for (const auto& item : e.config->items) {
          Json one = Json::object();
          if (const Template* c = item.find("cron")) one["cron"] = c->value;
          if (const Template* t = item.find("timezone")) one["timezone"] = t->value;
          list.push_back(std::move(one));
        }
        out["schedule"] = std::move(list);
        continue;
      } else if (e.config && e.config->isMapping()) {
        for (const char* name : {"branches", "branches-ignore", "tags", "tags-ignore", "paths",
                                 "paths-ignore", "types", "versions", "names", "workflows"})
          if (const Template* v = e.config->find(name)) config[name] = strings(*v);
      }
      out[e.name] = std::move(config);
    }
    return out;
  }
};

}  // namespace

nlohmann::ordered_json toReaderJson(const Workflow& wf, const ReaderJsonOptions& options) {
  Writer w(options);
  return w.workflow(wf);
}

nlohmann::ordered_json templateJson(const Template& value, bool includeSource,
                                    std::vector<std::string>* files) {
  ReaderJsonOptions options;
  options.includeSource = includeSource;
  Writer w(options);
  if (files) w.files = *files;
  Json out = w.token(value);
  if (files) *files = w.files;
  return out;
}

}  // namespace galley::wf

#include <algorithm>
#include <map>
#include <set>

#include "compiler/emit.h"
#include "compiler/run_context.h"
#include "compiler/yaml_writer.h"

namespace galley {

namespace {

using yaml::Out;

// The Azure Pipelines schema types booleans as strings; Azure reads both.
Out adoBool(bool b) {
  return Out::str(b ? "true" : "false");
}

// Where a condition is evaluated decides how Azure DevOps reads outputs.
enum class Level { Stage, Job, Step };

class AdoEmitter {
 public:
  AdoEmitter(const ir::Pipeline& p, Diagnostics& d) : p_(p), diags_(d) {}

  std::optional<std::string> run() {
    auto doc = tree();
    if (!doc) return std::nullopt;
    return yaml::write(*doc, generatedHeader(p_));
  }

  std::optional<Out> tree() {
    Out doc = Out::map();
    triggers(doc);
    // Runs of a release queue for the environments' exclusive locks instead
    // of the latest cancelling the others; the lock itself is the
    // environment's Exclusive Lock check, which YAML cannot declare
    // (docs/pipeline.md).
    if (isRelease(p_)) doc.set("lockBehavior", Out::str("sequential"));
    const Project& project = *p_.project;
    // Stages first: they say which inputs conditions read.
    Out stages = Out::seq();
    for (const auto& s : p_.stages)
      stages.push(stage(s));
    Out vars = Out::seq();
    for (size_t i = 0; i < project.variables.size(); ++i)
      vars.push(variable(project.variables[i].first, project.variables[i].second)
                    .at(project.variableWhere[i]));
    for (const auto& in : p_.on.inputs)
      if (inputsInConditions_.count(in.name))
        vars.push(variable(inputVar(in.name), "${{ " + parameter(in.name) + " }}"));
    if (!vars.items().empty()) doc.set("variables", vars);
    Out& pool = doc.set("pool", Out::map().at(p_.agents.adoWhere));
    if (!p_.agents.adoPool.empty())
      pool.set("name", Out::str(p_.agents.adoPool));
    else
      pool.set("vmImage", Out::str(p_.agents.adoVmImage));
    doc.set("stages", stages);
    if (diags_.hasErrors()) return std::nullopt;
    return doc;
  }

 private:
  static Out variable(const std::string& name, const std::string& value) {
    Out v = Out::map();
    v.set("name", Out::str(name));
    v.set("value", Out::str(value));
    return v;
  }

  // Azure DevOps reads hyphenated names only through the index syntax.
  static std::string parameter(const std::string& name) {
    return name.find('-') == std::string::npos ? "parameters." + name
                                               : "parameters['" + name + "']";
  }

  static std::string inputVar(const std::string& name) { return envNameOf({"inputs", name}); }

  static Out include(const std::vector<std::string>& items) {
    Out o = Out::map();
    o.set("include", Out::strings(items));
    return o;
  }

  Out filter(const BranchFilter& f) {
    Out o = Out::map();
    if (!f.branches.empty()) o.set("branches", include(f.branches));
    if (!f.paths.empty()) o.set("paths", include(f.paths));
    return o;
  }

  void triggers(Out& doc) {
    const Triggers& t = p_.on;
    if (t.push.present) {
      Out f = filter(t.push);
      doc.set("trigger", f.empty() ? Out::strings({"*"}) : f);
    } else {
      doc.set("trigger", Out::str("none"));
    }
    if (t.pullRequest.present) {
      Out f = filter(t.pullRequest);
      doc.set("pr", f.empty() ? Out::strings({"*"}) : f);
    } else {
      doc.set("pr", Out::str("none"));
    }
    if (!t.schedules.empty()) {
      Out list = Out::seq();
      for (const auto& s : t.schedules) {
        Out o = Out::map();
        o.set("cron", Out::str(s.cron).at(s.where));
        o.set("displayName", Out::str("Scheduled: " + s.cron));
        o.set("branches",
              include(s.branches.empty() ? std::vector<std::string>{"main"} : s.branches));
        o.set("always", adoBool(true));
        list.push(o);
      }
      doc.set("schedules", list);
    }
    if (!t.inputs.empty()) {
      Out params = Out::seq();
      for (const auto& in : t.inputs) {
        Out o = Out::map().at(in.where);
        o.set("name", Out::str(in.name));
        o.set("displayName", Out::str(in.description.empty() ? in.name : in.description));
        o.set("type", Out::str(in.type == "choice" ? "string" : in.type));
        if (in.defaultValue) {
          Location at = in.defaultValue->where;
          if (in.type == "boolean" && in.defaultValue->asBool())
            o.set("default", adoBool(*in.defaultValue->asBool()).at(at));
          else  // the schema types number defaults as strings
            o.set("default", Out::str(in.defaultValue->value).at(at));
        } else {
          // Azure DevOps runtime parameters always need a default.
          o.set("default", in.type == "boolean" ? adoBool(false)
                           : in.type == "number"
                               ? Out::str("0")
                               : Out::str(in.options.empty() ? "" : in.options[0]));
        }
        if (!in.options.empty()) o.set("values", Out::strings(in.options));
        params.push(o);
      }
      doc.set("parameters", params);
    }
  }

  static std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s)
      out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

  // A reference inside a value (env, inputs, paths): macro syntax, with job
  // outputs of other jobs routed through job variables.
  std::string refMacro(const Ref& r) {
    switch (r.kind) {
      case Ref::Kind::Input:
        return "${{ " + parameter(r.name) + " }}";
      case Ref::Kind::Secret:
      case Ref::Kind::Matrix:
        return "$(" + r.name + ")";
      case Ref::Kind::StepOutput:
        return "$(" + adoId(r.step) + "." + r.stepOutput + ")";
      case Ref::Kind::JobOutput:
        jobVars_[r.env] = "$[ " + jobOutputExpr(r, Level::Job) + " ]";
        return "$(" + r.env + ")";
      case Ref::Kind::Run:
        return "$(" + std::string(runFact(r.name)->ado) + ")";
    }
    return "";
  }

  std::string jobOutputExpr(const Ref& r, Level level) const {
    std::string step = adoId(r.step) + "." + r.stepOutput;
    if (level == Level::Stage)
      return "dependencies." + adoId(r.stage) + ".outputs['" + adoId(r.job) + "." + step + "']";
    if (r.stage == currentStage_)
      return "dependencies." + adoId(r.job) + ".outputs['" + step + "']";
    return "stageDependencies." + adoId(r.stage) + "." + adoId(r.job) + ".outputs['" + step + "']";
  }

  std::string text(const Text& t) {
    std::string s;
    for (const auto& p : t.pieces)
      s += p.ref ? refMacro(*p.ref) : p.text;
    return s;
  }

  std::string condValue(const Ref& r, Level level) {
    switch (r.kind) {
      case Ref::Kind::Input:
        // Values take the parameter itself (refMacro); only conditions read
        // inputs through a variable, so only those inputs get one.
        inputsInConditions_.insert(r.name);
        return "variables['" + inputVar(r.name) + "']";
      case Ref::Kind::Secret:
      case Ref::Kind::Matrix:
        return "variables['" + r.name + "']";
      case Ref::Kind::StepOutput:
        return "variables['" + adoId(r.step) + "." + r.stepOutput + "']";
      case Ref::Kind::JobOutput:
        if (level == Level::Step) {
          jobVars_[r.env] = "$[ " + jobOutputExpr(r, Level::Job) + " ]";
          return "variables['" + r.env + "']";
        }
        return jobOutputExpr(r, level);
      case Ref::Kind::Run:
        return "variables['" + std::string(runFact(r.name)->ado) + "']";
    }
    return "";
  }

  std::string cond(const Cond& c, Level level) {
    auto call = [&](const char* f) {
      return std::string(f) + "(" + cond(c.args[0], level) + ", " + cond(c.args[1], level) + ")";
    };
    // A chain a && b && c as and(a, b, c): Azure's and and or take any
    // number of operands, and nesting them would exceed its expression depth
    // of 50 on a long chain.
    auto chain = [&](const char* f) {
      if (c.args.size() == 1) return cond(c.args[0], level);
      std::string s = std::string(f) + "(";
      for (size_t i = 0; i < c.args.size(); ++i)
        s += (i ? ", " : "") + cond(c.args[i], level);
      return s + ")";
    };
    switch (c.op) {
      case Cond::Op::Or:
        if (isSuccessOrFailure(c)) return "succeededOrFailed()";
        return chain("or");
      case Cond::Op::And:
        return chain("and");
      case Cond::Op::Eq:
        return call("eq");
      case Cond::Op::Ne:
        return call("ne");
      case Cond::Op::Not:
        return "not(" + cond(c.args[0], level) + ")";
      case Cond::Op::Status:
        if (c.text == "success") return "succeeded()";
        if (c.text == "failure") return "failed()";
        if (c.text == "cancelled") return "canceled()";
        return "always()";
      case Cond::Op::Literal:
        if (c.lit == Cond::Lit::String) return quoted(c.text);
        if (c.lit == Cond::Lit::Null) return "''";
        return c.text;
      case Cond::Op::Value:
        return condValue(*c.ref, level);
    }
    return "";
  }

  // success() || failure(), in either order: Azure DevOps' own function for
  // "unless cancelled", which reads as what it means.
  static bool isSuccessOrFailure(const Cond& c) {
    if (c.op != Cond::Op::Or || c.args.size() != 2) return false;
    auto status = [](const Cond& a, const char* f) {
      return a.op == Cond::Op::Status && a.text == f;
    };
    return (status(c.args[0], "success") && status(c.args[1], "failure")) ||
           (status(c.args[0], "failure") && status(c.args[1], "success"));
  }

  // As GitHub does, a condition without a status function also requires success.
  std::string condition(const Cond& c, Level level) {
    std::string s = cond(c, level);
    return c.usesStatus() ? s : "and(succeeded(), " + s + ")";
  }

  Out env(const ir::Env& e) {
    Out o = Out::map();
    for (const auto& [k, v] : e)
      o.set(k, Out::str(text(v)));
    return o;
  }

  Out stage(const ir::Stage& s) {
    currentStage_ = s.id;
    Out o = Out::map();
    o.set("stage", Out::str(adoId(s.id)));
    o.set("displayName", Out::str(s.name));
    // Without dependsOn a stage waits for the one before it; say what it needs.
    std::vector<std::string> deps;
    for (const auto& d : s.dependsOn)
      deps.push_back(adoId(d));
    std::vector<const Ref*> refs;
    for (const auto& j : s.jobs)
      ir::collectRefs(j, refs);
    if (s.condition) collectRefs(*s.condition, refs);
    for (const Ref* r : refs)
      if (r->kind == Ref::Kind::JobOutput && r->stage != s.id &&
          std::find(deps.begin(), deps.end(), adoId(r->stage)) == deps.end())
        deps.push_back(adoId(r->stage));
    o.set("dependsOn", Out::strings(deps));
    if (s.condition)
      o.set("condition", Out::str(condition(*s.condition, Level::Stage)).at(s.condition->where));
    Out jobs = Out::seq();
    for (const auto& j : s.jobs)
      jobs.push(job(s, j));
    o.set("jobs", jobs);
    return o;
  }

  Out job(const ir::Stage& stage, const ir::Job& j) {
    jobVars_.clear();
    Out o = Out::map();
    bool deployment = !j.environment.empty() && !j.approval;
    o.set(deployment ? "deployment" : "job", Out::str(adoId(j.id)));
    o.set("displayName", Out::str(j.name.empty() ? stage.name : j.name));
    std::vector<std::string> deps;
    for (const auto& n : j.needs)
      deps.push_back(adoId(n));
    std::vector<const Ref*> refs;
    ir::collectRefs(j, refs);
    for (const Ref* r : refs)
      if (r->kind == Ref::Kind::JobOutput && r->stage == stage.id && r->job != j.id &&
          std::find(deps.begin(), deps.end(), adoId(r->job)) == deps.end())
        deps.push_back(adoId(r->job));
    if (!deps.empty()) o.set("dependsOn", Out::strings(deps));
    if (j.condition)
      o.set("condition", Out::str(condition(*j.condition, Level::Job)).at(j.condition->where));
    if (j.approval) return approval(o, j);
    if (deployment) o.set("environment", Out::str(j.environment));
    if (j.timeoutMinutes) o.set("timeoutInMinutes", Out::str(std::to_string(j.timeoutMinutes)));
    if (j.continueOnError) o.set("continueOnError", adoBool(true));
    if (!j.matrix.empty()) o.set("strategy", Out::map()).set("matrix", matrix(j));
    Out steps = Out::seq();
    bool checksOut = std::any_of(j.steps.begin(), j.steps.end(),
                                 [](const ir::Step& s) { return s.ado.checkout; });
    // Azure DevOps checks out the repository unless told not to; GitHub does
    // only when asked. Match GitHub.
    if (!checksOut && !deployment) steps.push(Out::map()).set("checkout", Out::str("none"));
    for (const auto& s : j.steps)
      if (auto out = step(s)) steps.push(std::move(*out));
    if (!jobVars_.empty()) {
      Out vars = Out::map();
      for (const auto& [k, v] : jobVars_)
        vars.set(k, Out::str(v));
      o.set("variables", vars);
    }
    if (deployment) {
      o.set("strategy", Out::map())
          .set("runOnce", Out::map())
          .set("deploy", Out::map())
          .set("steps", steps);
    } else {
      o.set("steps", steps);
    }
    if (!j.env.empty()) {
      diags_.error(j.where, "target",
                   "job-level env is not supported for Azure DevOps yet; set env on the steps");
    }
    return o;
  }

  Out matrix(const ir::Job& j) {
    std::vector<std::map<std::string, std::string>> legs = {{}};
    for (const auto& [k, values] : j.matrix) {
      std::vector<std::map<std::string, std::string>> next;
      for (const auto& leg : legs)
        for (const auto& v : values) {
          auto l = leg;
          l[k] = v;
          next.push_back(l);
        }
      legs = next;
    }
    Out m = Out::map();
    for (const auto& leg : legs) {
      std::string name;
      Out vars = Out::map();
      for (const auto& [k, values] : j.matrix) {
        name += (name.empty() ? "" : "_") + adoId(leg.at(k));
        vars.set(k, Out::str(leg.at(k)));
      }
      m.set(name, vars);
    }
    return m;
  }

  Out approval(Out& o, const ir::Job& j) {
    const Environment* env = p_.project->environment(j.environment);
    std::string users;
    for (const auto& a : env->approvers)
      users += (users.empty() ? "" : ",") + a;
    if (users.empty())
      diags_.error(j.where, "approval",
                   "environment '" + j.environment +
                       "' has no approvers to notify; add approvers in galley.yml");
    o.set("pool", Out::str("server"));
    // The schema types job-level timeouts as strings (they may be expressions).
    o.set("timeoutInMinutes", Out::str(std::to_string(j.approvalTimeoutMinutes + 60)));
    Out task = Out::map();
    task.set("task", Out::str("ManualValidation@1"));
    task.set("displayName", Out::str("Approve " + j.environment));
    task.set("timeoutInMinutes", Out::number(j.approvalTimeoutMinutes));
    Out& inputs = task.set("inputs", Out::map());
    inputs.set("notifyUsers", Out::str(users));
    inputs.set("approvers", Out::str(users));
    if (!j.instructions.empty()) inputs.set("instructions", Out::str(j.instructions));
    inputs.set("onTimeout", Out::str("reject"));
    Out steps = Out::seq();
    steps.push(task);
    o.set("steps", steps);
    return o;
  }

  // Outputs become isOutput variables when the script exits, however it
  // exits, so an early `exit 0` keeps what was written before it.
  static std::string outputsPrologue() {
    return "export GALLEY_OUTPUT=\"$(mktemp)\"\n"
           "galley_outputs() {\n"
           "  while IFS='=' read -r name value; do\n"
           "    echo \"##vso[task.setvariable variable=${name};isOutput=true]${value}\"\n"
           "  done < \"$GALLEY_OUTPUT\"\n"
           "}\n"
           "trap galley_outputs EXIT\n";
  }

  std::optional<Out> step(const ir::Step& s) {
    if (s.kind == ir::Step::Kind::Action && s.ado.skip) return std::nullopt;
    Out o = Out::map();
    switch (s.kind) {
      case ir::Step::Kind::Run: {
        std::string body = s.script;
        if (!body.empty() && body.back() != '\n') body += '\n';
        if (s.shell == "bash") {
          std::string pre = "set -eo pipefail\n";
          if (!s.outputs.empty()) pre += outputsPrologue();
          if (s.retries) body = retryLoop(body, s.retries, "##vso[task.logissue type=warning]");
          body = pre + body;
          o.set("bash", Out::str(body));
        } else {
          o.set("pwsh", Out::str("$ErrorActionPreference = 'Stop'\n" + body));
        }
        break;
      }
      case ir::Step::Kind::Action:
        if (!s.ado.present) {
          diags_.error(s.where, "target",
                       "step '" + s.name +
                           "' has no Azure DevOps form: add 'ado: {task: ..., inputs: ...}'");
          return std::nullopt;
        }
        if (s.ado.checkout) {
          o.set("checkout", Out::str("self"));
        } else {
          o.set("task", Out::str(s.ado.uses));
          if (!s.ado.with.empty()) o.set("inputs", env(s.ado.with));
        }
        break;
      case ir::Step::Kind::Publish:
        o.set("publish", Out::str(text(s.path)));
        o.set("artifact", Out::str(s.artifact));
        break;
      case ir::Step::Kind::Download: {
        o.set("task", Out::str("DownloadPipelineArtifact@2"));
        Out& inputs = o.set("inputs", Out::map());
        inputs.set("buildType", Out::str("current"));
        inputs.set("artifactName", Out::str(s.artifact));
        inputs.set("targetPath", Out::str("$(System.DefaultWorkingDirectory)/" + text(s.path)));
        break;
      }
    }
    o.set("displayName", Out::str(s.name));
    if (!s.id.empty()) o.set("name", Out::str(adoId(s.id)));
    if (s.condition)
      o.set("condition", Out::str(condition(*s.condition, Level::Step)).at(s.condition->where));
    if (s.workingDirectory) o.set("workingDirectory", Out::str(text(*s.workingDirectory)));
    if (!s.env.empty()) o.set("env", env(s.env));
    if (s.timeoutMinutes) o.set("timeoutInMinutes", Out::number(s.timeoutMinutes));
    if (s.continueOnError) o.set("continueOnError", adoBool(true));
    // Script steps retry through the loop above; tasks natively.
    if (s.retries && s.kind != ir::Step::Kind::Run)
      o.set("retryCountOnTaskFailure", Out::number(s.retries));
    return o;
  }

  const ir::Pipeline& p_;
  Diagnostics& diags_;
  std::string currentStage_;
  std::map<std::string, std::string> jobVars_;
  std::set<std::string> inputsInConditions_;
};

}  // namespace

std::optional<std::string> emitAdo(const ir::Pipeline& p, Diagnostics& diags) {
  return AdoEmitter(p, diags).run();
}

std::optional<yaml::Out> adoPipeline(const ir::Pipeline& p, Diagnostics& diags) {
  return AdoEmitter(p, diags).tree();
}

}  // namespace galley

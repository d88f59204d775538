#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "compiler/emit.h"
#include "compiler/job_graph.h"
#include "compiler/run_context.h"
#include "compiler/yaml_writer.h"

namespace galley {

namespace {

using yaml::Out;

class GithubEmitter {
 public:
  GithubEmitter(const ir::Pipeline& p, Diagnostics& d) : p_(p), graph_(p), diags_(d) {}

  std::optional<std::string> run() {
    auto doc = tree();
    if (!doc) return std::nullopt;
    return yaml::write(*doc, generatedHeader(p_));
  }

  std::optional<Out> tree() {
    Out doc = Out::map();
    doc.set("name", Out::str(p_.name).at(p_.nameWhere));
    doc.set("on", triggers());
    doc.set("permissions", Out::map()).set("contents", Out::str("read"));
    if (isRelease(p_)) {
      // Two runs of a release would otherwise deploy and promote in turn,
      // each undoing the other. A run that starts while one is in progress
      // waits; none is cancelled.
      Out& c = doc.set("concurrency", Out::map());
      c.set("group", Out::str("galley-" + p_.id));
      c.set("cancel-in-progress", Out::boolean(false));
    }
    if (!p_.project->variables.empty()) {
      Out env = Out::map();
      const Project& project = *p_.project;
      for (size_t i = 0; i < project.variables.size(); ++i)
        env.set(project.variables[i].first,
                Out::str(project.variables[i].second).at(project.variableWhere[i]));
      doc.set("env", env);
    }
    doc.set("defaults", Out::map()).set("run", Out::map()).set("shell", Out::str("bash"));
    Out jobs = Out::map();
    for (const auto& stage : p_.stages)
      for (const auto& job : stage.jobs)
        jobs.set(jobId(stage, job), emitJob(stage, job));
    doc.set("jobs", jobs);
    if (diags_.hasErrors()) return std::nullopt;
    return doc;
  }

 private:
  std::string jobId(const ir::Stage& stage, const ir::Job& job) const {
    return stage.jobs.size() == 1 ? stage.id : stage.id + "-" + job.id;
  }

  std::string jobId(const std::string& stageId, const std::string& job) const {
    const ir::Stage* s = p_.stage(stageId);
    return s && s->jobs.size() == 1 ? stageId : stageId + "-" + job;
  }

  Out filter(const BranchFilter& f) {
    Out o = Out::map();
    if (!f.branches.empty()) o.set("branches", Out::strings(f.branches));
    if (!f.paths.empty()) o.set("paths", Out::strings(f.paths));
    return o;
  }

  Out triggers() {
    const Triggers& t = p_.on;
    Out on = Out::map();
    if (t.push.present) on.set("push", filter(t.push));
    if (t.pullRequest.present) on.set("pull_request", filter(t.pullRequest));
    if (!t.schedules.empty()) {
      Out s = Out::seq();
      for (const auto& sch : t.schedules) {
        s.push(Out::map()).set("cron", Out::str(sch.cron).at(sch.where));
        // Dropping them would run the schedule on a branch not asked for.
        if (!sch.branches.empty())
          diags_.error(sch.branchesWhere, "schedule-branches",
                       "GitHub runs a scheduled workflow on the repository's default branch "
                       "only, so these branches cannot be honoured there",
                       "remove 'branches' (Azure DevOps then runs the schedule on main), or "
                       "compile for Azure DevOps only (targets: [ado])");
      }
      on.set("schedule", s);
    }
    if (t.manual) {
      Out dispatch = Out::map();
      if (!t.inputs.empty()) {
        Out inputs = Out::map();
        for (const auto& in : t.inputs) {
          Out i = Out::map().at(in.where);
          if (!in.description.empty()) i.set("description", Out::str(in.description));
          i.set("type", Out::str(in.type));
          i.set("required", Out::boolean(!in.defaultValue.has_value()));
          if (in.defaultValue)
            i.set("default", value(*in.defaultValue, in.type).at(in.defaultValue->where));
          if (!in.options.empty()) i.set("options", Out::strings(in.options));
          inputs.set(in.name, i);
        }
        dispatch.set("inputs", inputs);
      }
      on.set("workflow_dispatch", dispatch);
    }
    if (on.empty()) on.set("workflow_dispatch", Out::map());
    return on;
  }

  static Out value(const yaml::Node& n, const std::string& type) {
    if (type == "boolean" && n.asBool()) return Out::boolean(*n.asBool());
    if (type == "number" && n.asNumber()) return Out::bare(n.value);
    return Out::str(n.value);
  }

  std::string refExpr(const Ref& r) const {
    switch (r.kind) {
      case Ref::Kind::Input:
        return input(r.name);
      case Ref::Kind::Secret:
        return "secrets." + r.name;
      case Ref::Kind::Matrix:
        return "matrix." + r.name;
      case Ref::Kind::StepOutput:
        return "steps." + r.step + ".outputs." + r.stepOutput;
      case Ref::Kind::JobOutput:
        return "needs." + jobId(r.stage, r.job) + ".outputs." + r.name;
      case Ref::Kind::Run:
        return "github." + std::string(runFact(r.name)->github);
    }
    return "";
  }

  // On push and schedule runs GitHub's inputs context is empty, so an input
  // with a default reads the default unless the run was started by hand.
  // toJSON is never falsy, so && || picks the right side even for false or "".
  std::string input(const std::string& name) const {
    for (const auto& in : p_.on.inputs) {
      if (in.name != name || !in.defaultValue) continue;
      std::string json = in.defaultValue->value;
      bool bare = (in.type == "boolean" && in.defaultValue->asBool()) ||
                  (in.type == "number" && in.defaultValue->asNumber());
      if (!bare) json = nlohmann::json(json).dump();
      std::string quoted;
      for (char c : json)
        quoted += c == '\'' ? std::string("''") : std::string(1, c);
      return "fromJSON(github.event_name == 'workflow_dispatch' && toJSON(inputs." + name +
             ") || '" + quoted + "')";
    }
    return "inputs." + name;
  }

  std::string text(const Text& t) const {
    std::string s;
    for (const auto& p : t.pieces)
      s += p.ref ? "${{ " + refExpr(*p.ref) + " }}" : p.text;
    return s;
  }

  static std::string literal(const Cond& c) {
    if (c.lit != Cond::Lit::String) return c.text;
    std::string s = "'";
    for (char ch : c.text)
      s += ch == '\'' ? std::string("''") : std::string(1, ch);
    return s + "'";
  }

  // The operands of an Or or And joined by op, each at precedence level.
  std::string chain(const Cond& c, const char* op, int level) const {
    std::string s;
    for (size_t i = 0; i < c.args.size(); ++i)
      s += (i ? op : "") + cond(c.args[i], level);
    return s;
  }

  std::string cond(const Cond& c, int parent = 0) const {
    // Precedence: || 1, && 2, == != 3.
    auto wrap = [&](int mine, const std::string& s) { return mine < parent ? "(" + s + ")" : s; };
    switch (c.op) {
      case Cond::Op::Or:
        return wrap(1, chain(c, " || ", 1));
      case Cond::Op::And:
        return wrap(2, chain(c, " && ", 2));
      case Cond::Op::Eq:
        return wrap(3, cond(c.args[0], 4) + " == " + cond(c.args[1], 4));
      case Cond::Op::Ne:
        return wrap(3, cond(c.args[0], 4) + " != " + cond(c.args[1], 4));
      case Cond::Op::Not:
        return "!" + cond(c.args[0], 5);
      case Cond::Op::Status:
        return c.text + "()";
      case Cond::Op::Literal:
        return literal(c);
      case Cond::Op::Value:
        return refExpr(*c.ref);
    }
    return "";
  }

  Out env(const ir::Env& e) const {
    Out o = Out::map();
    for (const auto& [k, v] : e)
      o.set(k, Out::str(text(v)));
    return o;
  }

  // Jobs this job waits for: its own needs, the last jobs of the stages its
  // stage depends on, and every job whose outputs it reads.
  std::vector<std::string> needs(const ir::Stage& stage, const ir::Job& job) const {
    std::vector<std::string> out;
    auto add = [&](const std::string& id) {
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    };
    for (const auto& n : job.needs)
      add(jobId(stage, *stage.job(n)));
    if (job.needs.empty())
      for (const auto& dep : stage.dependsOn)
        if (const ir::Stage* s = p_.stage(dep))
          for (const ir::Job* j : s->lastJobs())
            add(jobId(*s, *j));
    std::vector<const Ref*> refs;
    if (stage.condition) collectRefs(*stage.condition, refs);
    ir::collectRefs(job, refs);
    for (const Ref* r : refs)
      if (r->kind == Ref::Kind::JobOutput) add(jobId(r->stage, r->job));
    return out;
  }

  // GitHub has no stages: a use's name: names its job, or prefixes the
  // names of a several-job recipe's jobs, as Azure shows it above them.
  static std::string jobName(const ir::Stage& stage, const ir::Job& job) {
    if (job.name.empty() || (stage.named && stage.jobs.size() == 1)) return stage.name;
    if (stage.named) return stage.name + " / " + job.name;
    return job.name;
  }

  Out emitJob(const ir::Stage& stage, const ir::Job& job) {
    Out j = Out::map();
    j.set("name", Out::str(jobName(stage, job)));
    auto n = needs(stage, job);
    if (!n.empty()) j.set("needs", Out::strings(n));
    std::optional<Cond> c = stage.condition;
    if (job.condition) {
      if (c) {
        Cond both;
        both.op = Cond::Op::And;
        both.args = {*c, *job.condition};
        c = both;
      } else {
        c = job.condition;
      }
    }
    if (c) j.set("if", Out::str("${{ " + cond(*c) + " }}").at(c->where));
    const auto& labels = p_.agents.githubLabels;
    Out runsOn = labels.size() == 1 ? Out::str(labels[0]) : Out::strings(labels);
    j.set("runs-on", runsOn.at(p_.agents.githubWhere));
    if (!job.environment.empty() && !approvedBefore(job))
      j.set("environment", Out::str(job.environment));
    // An approval job waits as long as the environment's rules let it (a
    // job's timeout-minutes starts only once it runs): approvalTimeoutMinutes
    // has no GitHub form.
    if (job.timeoutMinutes && !job.approval)
      j.set("timeout-minutes", Out::number(job.timeoutMinutes));
    if (job.continueOnError) j.set("continue-on-error", Out::boolean(true));
    if (!job.matrix.empty()) {
      Out m = Out::map();
      for (const auto& [k, values] : job.matrix)
        m.set(k, Out::strings(values));
      Out& strategy = j.set("strategy", Out::map());
      strategy.set("fail-fast", Out::boolean(false));
      strategy.set("matrix", m);
    }
    if (!job.outputs.empty()) {
      Out o = Out::map();
      for (const auto& out : job.outputs)
        o.set(out.name, Out::str("${{ steps." + out.step + ".outputs." + out.output + " }}"));
      j.set("outputs", o);
    }
    if (!job.env.empty()) j.set("env", env(job.env));
    Out steps = Out::seq();
    if (job.approval) {
      // The environment's required reviewers approve before this job starts.
      Out s = Out::map();
      s.set("name", Out::str("Approved for " + job.environment));
      s.set("run", Out::str("echo \"Approved for the " + job.environment + " environment\""));
      steps.push(s);
    }
    for (const auto& s : job.steps) {
      if (auto out = emitStep(s)) steps.push(std::move(*out));
    }
    j.set("steps", steps);
    j.at(job.where);
    return j;
  }

  // GitHub asks an environment's reviewers for every job bound to it: a job
  // that runs only after an approval gate of its environment was approved
  // is left unbound, so that the reviewers decide once.
  bool approvedBefore(const ir::Job& job) const {
    if (job.approval) return false;
    for (const auto& stage : p_.stages)
      for (const auto& gate : stage.jobs)
        if (gate.approval && gate.environment == job.environment && graph_.waitsFor(job, gate))
          return true;
    return false;
  }

  std::string script(const ir::Step& s) const {
    std::string body = s.script;
    if (!s.outputs.empty()) body = "export GALLEY_OUTPUT=\"$GITHUB_OUTPUT\"\n" + body;
    if (s.retries == 0) return body;
    return retryLoop(body, s.retries, "::warning::");
  }

  std::optional<Out> emitStep(const ir::Step& s) {
    if (s.kind == ir::Step::Kind::Action && s.github.skip) return std::nullopt;
    Out o = Out::map();
    o.set("name", Out::str(s.name));
    if (!s.id.empty()) o.set("id", Out::str(s.id));
    if (s.condition)
      o.set("if", Out::str("${{ " + cond(*s.condition) + " }}").at(s.condition->where));
    switch (s.kind) {
      case ir::Step::Kind::Run:
        if (s.shell != "bash") o.set("shell", Out::str(s.shell));
        if (s.workingDirectory) o.set("working-directory", Out::str(text(*s.workingDirectory)));
        o.set("run", Out::str(script(s)));
        break;
      case ir::Step::Kind::Action:
        if (!s.github.present) {
          diags_.error(
              s.where, "target",
              "step '" + s.name + "' has no GitHub form: add 'github: {uses: ..., with: ...}'");
          return std::nullopt;
        }
        o.set("uses", Out::str(s.github.uses));
        if (!s.github.with.empty()) o.set("with", env(s.github.with));
        break;
      case ir::Step::Kind::Publish:
      case ir::Step::Kind::Download: {
        bool publish = s.kind == ir::Step::Kind::Publish;
        o.set("uses",
              Out::str(publish ? "actions/upload-artifact@v6" : "actions/download-artifact@v7"));
        Out& with = o.set("with", Out::map());
        with.set("name", Out::str(s.artifact));
        with.set("path", Out::str(text(s.path)));
        if (publish) with.set("if-no-files-found", Out::str("error"));
        break;
      }
    }
    if (!s.env.empty()) o.set("env", env(s.env));
    if (s.timeoutMinutes) o.set("timeout-minutes", Out::number(s.timeoutMinutes));
    if (s.continueOnError) o.set("continue-on-error", Out::boolean(true));
    o.at(s.where);
    return o;
  }

  const ir::Pipeline& p_;
  ir::JobGraph graph_;
  Diagnostics& diags_;
};

}  // namespace

std::optional<std::string> emitGithub(const ir::Pipeline& p, Diagnostics& diags) {
  return GithubEmitter(p, diags).run();
}

std::optional<yaml::Out> githubWorkflow(const ir::Pipeline& p, Diagnostics& diags) {
  return GithubEmitter(p, diags).tree();
}

}  // namespace galley

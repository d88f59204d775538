#include "compiler/artifact_wiring.h"

#include <algorithm>

#include "compiler/job_graph.h"

namespace galley {

namespace {

struct Publisher {
  const ir::Stage* stage;
  const ir::Job* job;
  const ir::Step* step;
};

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

// What a job is called in messages: the use it comes from, and the job
// when its recipe has several.
std::string jobName(const ir::Stage& stage, const ir::Job& job) {
  return stage.jobs.size() == 1 ? quoted(stage.id) : quoted(stage.id + "-" + job.id);
}

// A typo (clf-modle), or a name with more around it (model for clf-model).
std::string suggestion(const std::string& wanted, const std::vector<Publisher>& all) {
  std::vector<std::string> names;
  for (const auto& p : all)
    if (std::find(names.begin(), names.end(), p.step->artifact) == names.end())
      names.push_back(p.step->artifact);
  std::string hint = didYouMean(wanted, names);
  if (hint.empty())
    for (const auto& n : names)
      if (n.find(wanted) != std::string::npos || wanted.find(n) != std::string::npos) {
        hint = "did you mean '" + n + "'?";
        break;
      }
  if (hint.empty() && !names.empty()) hint = "this pipeline publishes " + quoteList(names);
  if (hint.empty())
    hint = "no job of this pipeline publishes an artifact; add a use that publishes '" + wanted +
           "' to this use's needs";
  return hint;
}

class Checker {
 public:
  Checker(const ir::Pipeline& p, Diagnostics& d) : p_(p), graph_(p), diags_(d) {
    for (const auto& s : p.stages)
      for (const auto& j : s.jobs)
        for (const auto& step : j.steps)
          if (step.kind == ir::Step::Kind::Publish) publishers_.push_back({&s, &j, &step});
  }

  void run() {
    for (const auto& s : p_.stages)
      for (const auto& j : s.jobs)
        for (const auto& step : j.steps)
          if (step.kind == ir::Step::Kind::Download) check(s, j, step);
  }

 private:
  void check(const ir::Stage& stage, const ir::Job& job, const ir::Step& step) {
    const Publisher* unwaited = nullptr;
    for (const auto& p : publishers_) {
      if (p.step->artifact != step.artifact) continue;
      if (p.job == &job || graph_.waitsFor(job, *p.job)) return;
      if (!unwaited) unwaited = &p;
    }
    if (unwaited)
      raced(stage, job, step, *unwaited);
    else
      missing(stage, job, step);
  }

  bool inGalleyYml(const Location& where) const {
    return where.known() && where.file == p_.project->document.where.file;
  }

  // At the use at `level` of the stage's path, or at the artifact's name
  // when galley.yml wrote it and byName; a note shows the step in the recipe.
  Diagnostic& report(const ir::Stage& stage, size_t level, const ir::Step& step, bool byName,
                     const std::string& message, const std::string& hint) {
    Location at = stage.uses.empty() ? stage.where : stage.uses[level].where;
    if (byName && level == 0 && inGalleyYml(step.artifactWhere)) at = step.artifactWhere;
    Diagnostic& d = diags_.error(at, "artifact", message, hint);
    if (step.where.known() && !inGalleyYml(step.where))
      d.notes.push_back({step.where, "the download is here"});
    return d;
  }

  void missing(const ir::Stage& stage, const ir::Job& job, const ir::Step& step) {
    report(stage, 0, step, true,
           jobName(stage, job) + " downloads artifact '" + step.artifact +
               "', which no job of pipeline '" + p_.id + "' publishes",
           suggestion(step.artifact, publishers_));
  }

  void raced(const ir::Stage& stage, const ir::Job& job, const ir::Step& step,
             const Publisher& pub) {
    std::string message = jobName(stage, job) + " downloads artifact '" + step.artifact +
                          "', which " + jobName(*pub.stage, *pub.job) +
                          " publishes, without waiting for it";
    // The uses that must be ordered are the first ones the two paths do
    // not share: siblings in galley.yml or in one composite recipe.
    const auto& mine = stage.uses;
    const auto& theirs = pub.stage->uses;
    size_t level = 0;
    while (level < mine.size() && level < theirs.size() && mine[level].id == theirs[level].id)
      ++level;
    if (level >= mine.size() || level >= theirs.size()) {
      // Two jobs of one recipe use: the recipe's jobs need each other.
      diags_.error(job.where, "artifact", message,
                   "add needs: [" + pub.job->id + "] to job '" + job.id + "'");
      return;
    }
    std::vector<std::string> needs = mine[level].needs;
    needs.push_back(theirs[level].id);
    std::string list;
    for (const auto& n : needs)
      list += (list.empty() ? "" : ", ") + n;
    Diagnostic& d = report(stage, level, step, false, message,
                           "add needs: [" + list + "] to '" + mine[level].id + "'");
    d.notes.push_back({theirs[level].where, "'" + theirs[level].id + "' publishes it"});
  }

  const ir::Pipeline& p_;
  ir::JobGraph graph_;
  Diagnostics& diags_;
  std::vector<Publisher> publishers_;
};

}  // namespace

void checkArtifacts(const ir::Pipeline& p, Diagnostics& diags) {
  Checker(p, diags).run();
}

}  // namespace galley

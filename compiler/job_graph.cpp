#include "compiler/job_graph.h"

#include <algorithm>

namespace galley::ir {

JobGraph::JobGraph(const Pipeline& p) : p_(p) {
  for (const auto& s : p.stages)
    for (const auto& j : s.jobs)
      stageOf_[&j] = &s;
}

std::vector<const Job*> JobGraph::direct(const Stage& stage, const Job& job) const {
  std::vector<const Job*> out;
  auto add = [&](const Job* j) {
    if (j && std::find(out.begin(), out.end(), j) == out.end()) out.push_back(j);
  };
  for (const auto& n : job.needs)
    add(stage.job(n));
  if (job.needs.empty())
    for (const auto& dep : stage.dependsOn)
      if (const Stage* s = p_.stage(dep))
        for (const Job* j : s->lastJobs())
          add(j);
  std::vector<const Ref*> refs;
  if (stage.condition) collectRefs(*stage.condition, refs);
  collectRefs(job, refs);
  for (const Ref* r : refs)
    if (r->kind == Ref::Kind::JobOutput)
      if (const Stage* s = p_.stage(r->stage)) add(s->job(r->job));
  return out;
}

// Expansion rejects cycles, so the walk ends; the memo keeps it linear in
// the edges for pipelines whose stages fan in and out.
const std::set<const Job*>& JobGraph::ancestors(const Job& job) const {
  auto it = ancestors_.find(&job);
  if (it != ancestors_.end()) return it->second;
  auto stage = stageOf_.find(&job);
  if (stage == stageOf_.end()) return ancestors_[&job];
  std::set<const Job*> found;
  for (const Job* d : direct(*stage->second, job)) {
    found.insert(d);
    const auto& further = ancestors(*d);
    found.insert(further.begin(), further.end());
  }
  return ancestors_[&job] = std::move(found);
}

bool JobGraph::waitsFor(const Job& a, const Job& b) const {
  return ancestors(a).count(&b) > 0;
}

}  // namespace galley::ir

// Which jobs of an expanded pipeline wait for which, as both targets run
// them: a job waits for the jobs it needs in its stage, else for the last
// jobs of the stages its stage depends on, and for every job whose outputs
// it reads. The emitters' `needs` and the checks of what a job may rely on
// (artifacts, approvals) read the same edges.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "compiler/pipeline_ir.h"

namespace galley::ir {

class JobGraph {
 public:
  // p must outlive the graph; its stages are in dependency order, as
  // expansion leaves them.
  explicit JobGraph(const Pipeline& p);

  // The jobs job (of stage) waits for directly, in first-seen order.
  std::vector<const Job*> direct(const Stage& stage, const Job& job) const;
  // Whether a waits for b, directly or through other jobs.
  bool waitsFor(const Job& a, const Job& b) const;
  // The stage a job of the pipeline belongs to.
  const Stage& stageOf(const Job& job) const { return *stageOf_.at(&job); }

 private:
  const std::set<const Job*>& ancestors(const Job& job) const;

  const Pipeline& p_;
  std::map<const Job*, const Stage*> stageOf_;
  mutable std::map<const Job*, std::set<const Job*>> ancestors_;
};

}  // namespace galley::ir

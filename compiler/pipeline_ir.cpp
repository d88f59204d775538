#include "compiler/pipeline_ir.h"

#include <algorithm>

namespace galley::ir {

const JobOutput* Job::output(const std::string& n) const {
  for (const auto& o : outputs)
    if (o.name == n) return &o;
  return nullptr;
}

void collectRefs(const Job& job, std::vector<const Ref*>& out) {
  if (job.condition) galley::collectRefs(*job.condition, out);
  for (const auto& [k, v] : job.env)
    galley::collectRefs(v, out);
  for (const auto& s : job.steps) {
    if (s.condition) galley::collectRefs(*s.condition, out);
    for (const Env* env : {&s.env, &s.github.with, &s.ado.with})
      for (const auto& [k, v] : *env)
        galley::collectRefs(v, out);
    galley::collectRefs(s.path, out);
  }
}

const Job* Stage::job(const std::string& jobId) const {
  for (const auto& j : jobs)
    if (j.id == jobId) return &j;
  return nullptr;
}

std::vector<const Job*> Stage::lastJobs() const {
  std::vector<const Job*> last;
  for (const auto& j : jobs) {
    bool needed = std::any_of(jobs.begin(), jobs.end(), [&](const Job& other) {
      return std::find(other.needs.begin(), other.needs.end(), j.id) != other.needs.end();
    });
    if (!needed) last.push_back(&j);
  }
  return last;
}

const Stage* Pipeline::stage(const std::string& stageId) const {
  for (const auto& s : stages)
    if (s.id == stageId) return &s;
  return nullptr;
}

}  // namespace galley::ir

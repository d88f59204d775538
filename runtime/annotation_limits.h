// GitHub's limits on a job's annotations: the runner keeps at most 10
// errors, 10 warnings and 10 notices per step (ExecutionContext's issue
// limit), and the service at most 50 per job (research/runner.md §4.3).
// What goes past them is still in the step's log, but not in the run's
// annotations; galley keeps the same limits, so a run shows what GitHub
// would, and says how many it dropped.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "runtime/events.h"

namespace galley::run {

constexpr size_t kAnnotationsPerStepAndLevel = 10;
constexpr size_t kAnnotationsPerJob = 50;

// Counts one job's annotations. Not thread-safe: one per job execution.
class AnnotationLimits {
 public:
  // Whether `a` is within the limits (and counts it); false when it is
  // dropped (and counts that).
  bool admit(const Annotation& a);
  size_t dropped() const { return dropped_; }
  // "N annotations of this job were dropped: GitHub keeps ..." for a job
  // that dropped any, else "".
  std::string droppedMessage() const;

 private:
  std::map<std::pair<std::string, std::string>, size_t> perStep_;  // (step, level) -> kept
  size_t kept_ = 0, dropped_ = 0;
};

}  // namespace galley::run

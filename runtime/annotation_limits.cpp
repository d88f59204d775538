#include "runtime/annotation_limits.h"

namespace galley::run {

bool AnnotationLimits::admit(const Annotation& a) {
  size_t& step = perStep_[{a.step, a.level}];
  if (step >= kAnnotationsPerStepAndLevel || kept_ >= kAnnotationsPerJob) {
    ++dropped_;
    return false;
  }
  ++step;
  ++kept_;
  return true;
}

std::string AnnotationLimits::droppedMessage() const {
  if (dropped_ == 0) return "";
  return std::to_string(dropped_) + (dropped_ == 1 ? " annotation" : " annotations") +
         " of this job " + (dropped_ == 1 ? "was" : "were") + " dropped: GitHub keeps at most " +
         std::to_string(kAnnotationsPerStepAndLevel) + " errors, " +
         std::to_string(kAnnotationsPerStepAndLevel) + " warnings and " +
         std::to_string(kAnnotationsPerStepAndLevel) + " notices per step, and " +
         std::to_string(kAnnotationsPerJob) +
         " annotations per job (the steps' logs have them all)";
}

}  // namespace galley::run

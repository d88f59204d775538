#include "runtime/annotation_limits.h"

#include "tests/testing.h"

namespace galley::run {

namespace {

Annotation at(std::string step, std::string level) {
  Annotation a;
  a.level = std::move(level);
  a.message = "m";
  a.step = std::move(step);
  return a;
}

}  // namespace

TEST_CASE("a step keeps 10 annotations of each level and drops the rest") {
  AnnotationLimits limits;
  size_t kept = 0;
  for (int i = 0; i < 12; ++i)
    kept += limits.admit(at("lint", "error"));
  for (int i = 0; i < 3; ++i)
    kept += limits.admit(at("lint", "warning"));
  CHECK(kept == 13);
  CHECK(limits.dropped() == 2);
  CHECK(limits.droppedMessage() ==
        "2 annotations of this job were dropped: GitHub keeps at most 10 errors, 10 warnings and "
        "10 notices per step, and 50 annotations per job (the steps' logs have them all)");
}

TEST_CASE("a job keeps 50 annotations over all its steps") {
  AnnotationLimits limits;
  size_t kept = 0;
  for (int step = 0; step < 6; ++step)
    for (int i = 0; i < 10; ++i)
      kept += limits.admit(at("s" + std::to_string(step), "notice"));
  CHECK(kept == 50);
  CHECK(limits.dropped() == 10);
}

TEST_CASE("a job within the limits has no message") {
  AnnotationLimits limits;
  CHECK(limits.admit(at("a", "error")));
  CHECK(limits.droppedMessage() == "");
}

}  // namespace galley::run

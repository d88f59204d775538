#include "runtime/events.h"

namespace galley::run {

const char* resultName(Result r) {
  switch (r) {
    case Result::Success: return "success";
    case Result::Failure: return "failure";
    case Result::Cancelled: return "cancelled";
    case Result::Skipped: return "skipped";
  }
  return "success";
}

}  // namespace galley::run

#include "runtime/events.h"

#include <utility>

namespace galley::run {

Annotation annotationAt(std::string level, std::string message, Location where) {
  Annotation a;
  a.level = std::move(level);
  a.message = std::move(message);
  a.file = std::string(where.path());
  a.line = where.begin.line;
  a.column = where.begin.column;
  return a;
}

const char* resultName(Result r) {
  switch (r) {
    case Result::Success:
      return "success";
    case Result::Failure:
      return "failure";
    case Result::Cancelled:
      return "cancelled";
    case Result::Skipped:
      return "skipped";
  }
  return "success";
}

}  // namespace galley::run

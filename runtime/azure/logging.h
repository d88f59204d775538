// What Azure's logging commands (`##vso[area.action k=v]data`, research/
// runner.md §5.1) mean for the job that reads them, apart from how the job
// keeps its state: the job is a CommandTarget, and applyCommand turns each
// parsed command (runtime/commands.h) into calls on it.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/commands.h"

namespace galley::run::azure {

class CommandTarget {
 public:
  virtual ~CommandTarget() = default;
  // task.setvariable (and build.updatebuildnumber, as Build.BuildNumber).
  virtual void setVariable(const std::string& name, const std::string& value, bool secret,
                           bool readonly, bool output) = 0;
  // task.logissue: level "error" or "warning"; file/line/column as given.
  virtual void issue(const std::string& level, const std::string& message, const std::string& file,
                     uint32_t line, uint32_t column, const std::string& code) = 0;
  // task.complete: "Succeeded", "SucceededWithIssues" or "Failed".
  virtual void complete(const std::string& result) = 0;
  virtual void prependPath(const std::string& dir) = 0;
  // task.uploadsummary, task.addattachment of a summary: the file's path.
  virtual void summaryFile(const std::string& path) = 0;
  // artifact.upload: the path into artifact (under folder, when given).
  virtual void upload(const std::string& artifact, const std::string& folder,
                      const std::string& path) = 0;
  virtual void note(const std::string& text) = 0;     // a line of the step's log
  virtual void warning(const std::string& text) = 0;  // an annotation at the step
};

// The value a command makes secret (task.setsecret, task.setvariable with
// issecret=true), which must be masked before anything logs; "" for none.
std::string secretOf(const LoggingCommand& c);

// Acts on one logging command (area not empty). Unknown commands and bad
// properties are warnings, as the agent makes them; none fails the step
// by itself (task.complete result=Failed does, through the target).
void applyCommand(const LoggingCommand& c, CommandTarget& target);

}  // namespace galley::run::azure

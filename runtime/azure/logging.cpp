#include "runtime/azure/logging.h"

#include <cstdlib>

#include "compiler/ascii.h"

namespace galley::run::azure {

namespace {

bool isTrue(const std::string* v) {
  return v && equalsIgnoreCase(*v, "true");
}

uint32_t number(const std::string* v) {
  return v ? uint32_t(std::strtoul(v->c_str(), nullptr, 10)) : 0;
}

void setVariable(const LoggingCommand& c, CommandTarget& t) {
  const std::string* var = c.property("variable");
  if (!var || var->empty()) {
    t.warning("##vso[task.setvariable] needs a 'variable' property");
    return;
  }
  t.setVariable(*var, c.data, isTrue(c.property("issecret")), isTrue(c.property("isreadonly")),
                isTrue(c.property("isoutput")));
}

void logIssue(const LoggingCommand& c, CommandTarget& t) {
  const std::string* type = c.property("type");
  std::string level = type && equalsIgnoreCase(*type, "warning") ? "warning" : "error";
  const std::string* file = c.property("sourcepath");
  const std::string* code = c.property("code");
  t.issue(level, c.data, file ? *file : "", number(c.property("linenumber")),
          number(c.property("columnnumber")), code ? *code : "");
}

// The agent reads the result ignoring case; anything else is Succeeded.
void complete(const LoggingCommand& c, CommandTarget& t) {
  const std::string* r = c.property("result");
  std::string result = "Succeeded";
  for (const char* known : {"Failed", "SucceededWithIssues"})
    if (r && equalsIgnoreCase(*r, known)) result = known;
  t.complete(result);
  if (!c.data.empty()) t.note(c.data);
}

}  // namespace

std::string secretOf(const LoggingCommand& c) {
  if (!equalsIgnoreCase(c.area, "task")) return "";
  if (equalsIgnoreCase(c.action, "setsecret")) return c.data;
  if (equalsIgnoreCase(c.action, "setvariable") && isTrue(c.property("issecret"))) return c.data;
  return "";
}

void applyCommand(const LoggingCommand& c, CommandTarget& t) {
  std::string name = lowerCase(c.area) + "." + lowerCase(c.action);
  const std::string* type = c.property("type");
  if (name == "task.setvariable") return setVariable(c, t);
  if (name == "task.setsecret") return;  // secretOf() masked it already
  if (name == "task.logissue") return logIssue(c, t);
  if (name == "task.complete") return complete(c, t);
  if (name == "task.prependpath") return t.prependPath(c.data);
  if (name == "task.uploadsummary" || (name == "task.addattachment" && type &&
                                       equalsIgnoreCase(*type, "Distributedtask.Core.Summary")))
    return t.summaryFile(c.data);
  if (name == "build.addbuildtag") {
    if (c.data.find(':') != std::string::npos)
      return t.warning("build tag '" + c.data + "' cannot hold ':'");
    return t.note("Added build tag '" + c.data + "'");
  }
  if (name == "build.updatebuildnumber") {
    t.setVariable("Build.BuildNumber", c.data, false, false, false);
    return t.note("Build number: " + c.data);
  }
  if (name == "artifact.upload") {
    const std::string* artifact = c.property("artifactname");
    const std::string* folder = c.property("containerfolder");
    return t.upload(artifact && !artifact->empty() ? *artifact : "drop", folder ? *folder : "",
                    c.data);
  }
  // Progress and timeline details have nowhere to go in a local run.
  if (name == "task.setprogress" || name == "task.logdetail" || name == "artifact.associate")
    return;
  if (name == "task.uploadfile" || name == "build.uploadlog" || name == "task.addattachment")
    return t.note("##vso[" + c.area + "." + c.action + "] is not kept by a local run: " + c.data);
  t.warning("##vso[" + c.area + "." + c.action + "] is not a logging command galley knows");
}

}  // namespace galley::run::azure

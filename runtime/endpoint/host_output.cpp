#include "runtime/endpoint/host_output.h"

#include <cstdlib>
#include <fstream>
#include <ostream>

#include "runtime/commands.h"

namespace galley::endpoint {

namespace {

bool appendLine(const std::string& path, const std::string& line, std::string* err) {
  std::ofstream out(path, std::ios::app);
  out << line << '\n';
  out.close();
  if (!out) *err = "cannot write the output file " + path;
  return static_cast<bool>(out);
}

}  // namespace

OutputTarget outputTargetFromEnvironment() {
  OutputTarget t;
  t.host = run::detectHost();
  if (const char* g = std::getenv("GITHUB_OUTPUT")) t.githubOutput = g;
  if (const char* g = std::getenv("GALLEY_OUTPUT")) t.galleyOutput = g;
  return t;
}

bool writeOutput(const OutputTarget& target, const std::string& name, const std::string& value,
                 std::ostream& out, std::string* err) {
  if (target.host == run::Host::GitHubActions && !target.githubOutput.empty())
    return appendLine(target.githubOutput, name + "=" + value, err);
  if (target.host == run::Host::AzurePipelines) {
    out << "##vso[task.setvariable variable=" << run::escapeAzureProperty(name) << ";isOutput=true]"
        << run::escapeAzureData(value) << '\n';
    return true;
  }
  if (!target.galleyOutput.empty()) return appendLine(target.galleyOutput, name + "=" + value, err);
  return true;
}

}  // namespace galley::endpoint

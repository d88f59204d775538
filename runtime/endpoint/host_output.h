// Outputs of `galley endpoint` commands (the endpoint's URL) in the form
// the CI host running them reads: inside a GitHub Actions job a line in
// $GITHUB_OUTPUT, inside an Azure Pipelines job a
// `##vso[task.setvariable ...;isOutput=true]` command; under `galley run`
// (or anywhere $GALLEY_OUTPUT is set) a NAME=value line there.
#pragma once

#include <iosfwd>
#include <string>

#include "runtime/host.h"

namespace galley::endpoint {

struct OutputTarget {
  run::Host host = run::Host::None;
  std::string githubOutput;  // $GITHUB_OUTPUT
  std::string galleyOutput;  // $GALLEY_OUTPUT
};

// From galley's environment.
OutputTarget outputTargetFromEnvironment();

// Writes NAME=VALUE (VALUE on one line) where the target reads it;
// Azure's command goes to `out`. Nothing happens without a target. False
// with *err when the output file cannot be written.
bool writeOutput(const OutputTarget& target, const std::string& name, const std::string& value,
                 std::ostream& out, std::string* err);

}  // namespace galley::endpoint

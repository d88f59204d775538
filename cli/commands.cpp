#include "cli/commands.h"

namespace galley::cli {

namespace {

// A command that builds all of its options whatever args say.
template <void (*attach)(CLI::App&, int&)>
void whole(CLI::App& app, int& status, const std::vector<std::string>&) {
  attach(app, status);
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"compile", whole<attachCompile>},   {"recipes", whole<attachRecipes>},
      {"eval", whole<attachEval>},         {"lint", whole<attachLint>},
      {"run", whole<attachRun>},           {"rerun", whole<attachRerun>},
      {"runs", whole<attachRuns>},         {"logs", whole<attachLogs>},
      {"approve", whole<attachApprove>},   {"registry", attachRegistry},
      {"endpoint", whole<attachEndpoint>}, {"expand", whole<attachExpand>},
      {"init", whole<attachInit>},
  };
  return all;
}

}  // namespace galley::cli

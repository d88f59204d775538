#include "cli/commands.h"

namespace galley::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"compile", attachCompile},   {"recipes", attachRecipes},   {"eval", attachEval},
      {"lint", attachLint},         {"run", attachRun},           {"rerun", attachRerun},
      {"runs", attachRuns},         {"logs", attachLogs},         {"approve", attachApprove},
      {"registry", attachRegistry}, {"endpoint", attachEndpoint}, {"expand", attachExpand},
      {"init", attachInit},
  };
  return all;
}

}  // namespace galley::cli

#include "cli/commands.h"

namespace galley::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {attachCompile},
      {attachRecipes},
      {attachEval},
      {attachLint},
      {attachRun},
      {attachRegistry},
      {attachEndpoint},
  };
  return all;
}

}  // namespace galley::cli

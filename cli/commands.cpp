#include "cli/commands.h"

namespace galley::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {attachCompile},  {attachRecipes}, {attachEval}, {attachLint},    {attachRun},
      {attachRerun},    {attachRuns},    {attachLogs}, {attachApprove}, {attachRegistry},
      {attachEndpoint}, {attachExpand},  {attachInit},
  };
  return all;
}

}  // namespace galley::cli

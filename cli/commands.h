// The list of subcommands. Each one registers its options on the app and
// sets the exit status from its callback.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace galley::cli {

struct Command {
  const char* name;  // the subcommand `attach` adds
  // args: argv's words after the command's name. A command with
  // subcommands may build only the one args name (CLI11's options are
  // costly to build), and builds all when args name none.
  std::function<void(CLI::App& app, int& status, const std::vector<std::string>& args)> attach;
};

const std::vector<Command>& commands();

void attachCompile(CLI::App& app, int& status);
void attachRecipes(CLI::App& app, int& status);
void attachEval(CLI::App& app, int& status);
void attachExpand(CLI::App& app, int& status);
void attachLint(CLI::App& app, int& status);
void attachRun(CLI::App& app, int& status);
void attachRerun(CLI::App& app, int& status);
void attachRuns(CLI::App& app, int& status);
void attachLogs(CLI::App& app, int& status);
void attachApprove(CLI::App& app, int& status);
void attachRegistry(CLI::App& app, int& status, const std::vector<std::string>& args);
void attachEndpoint(CLI::App& app, int& status);
void attachInit(CLI::App& app, int& status);

}  // namespace galley::cli

#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"

namespace galley::cli {

int run(int argc, char** argv) {
  CLI::App app{"galley: compile, run and lint CI/CD pipelines for ML projects"};
  app.set_version_flag("--version", std::string("galley ") + GALLEY_VERSION);
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);

  int status = kExitOk;
  for (const Command& command : commands())
    command.attach(app, status);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return status;
}

}  // namespace galley::cli

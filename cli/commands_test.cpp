#include "cli/commands.h"

#include <doctest/doctest.h>
#include <CLI/CLI.hpp>

namespace galley::cli {

// galley builds only the command argv names, found by these names: a name
// that differed from the subcommand its attach adds would make that command
// unreachable.
TEST_CASE("each command's name is the one subcommand its attach adds") {
  for (const Command& command : commands()) {
    CLI::App app;
    int status = 0;
    command.attach(app, status);
    auto subs = app.get_subcommands({});
    REQUIRE(subs.size() == 1);
    CHECK(subs[0]->get_name() == command.name);
  }
}

}  // namespace galley::cli

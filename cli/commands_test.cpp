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
    command.attach(app, status, {});
    auto subs = app.get_subcommands({});
    REQUIRE(subs.size() == 1);
    CHECK(subs[0]->get_name() == command.name);
  }
}

// The registry's subcommands as building `registry` with args makes them.
std::vector<std::string> registrySubcommands(const std::vector<std::string>& args) {
  CLI::App app;
  int status = 0;
  attachRegistry(app, status, args);
  std::vector<std::string> names;
  for (const CLI::App* s : app.get_subcommand("registry")->get_subcommands({}))
    names.push_back(s->get_name());
  return names;
}

TEST_CASE("registry builds only the subcommand its arguments name") {
  using Names = std::vector<std::string>;
  CHECK(registrySubcommands({"show", "m@production"}) == Names{"show"});
  CHECK(registrySubcommands({"list", "--limit", "3"}) == Names{"list"});
  // --registry's value is not the subcommand, whatever it is called.
  CHECK(registrySubcommands({"--registry", "list", "show", "m"}) == Names{"show"});
  CHECK(registrySubcommands({"--registry=list", "history", "m"}) == Names{"history"});
  CHECK(registrySubcommands({"alias", "set", "m", "champion", "3"}) == Names{"alias"});
}

TEST_CASE("registry builds all its subcommands when its arguments name none") {
  const std::vector<std::string> all = {"register", "promote", "compare",  "delete", "list",
                                        "show",     "history", "download", "alias"};
  CHECK(registrySubcommands({}) == all);
  CHECK(registrySubcommands({"--help"}) == all);
  CHECK(registrySubcommands({"shwo", "m"}) == all);
  CHECK(registrySubcommands({"--", "show"}) == all);
}

}  // namespace galley::cli

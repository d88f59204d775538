#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "compiler/diagnostic.h"
#include "compiler/render.h"

namespace galley::cli {

namespace {

// The subcommand argv names (its first argument that is not an option),
// or "" when there is none.
std::string commandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") return "";
    if (!a.empty() && a[0] != '-') return a;
  }
  return "";
}

// CLI11's messages start with a capital ("The following argument was not
// expected: --x"); galley's continue a sentence.
std::string sentence(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && !(s.size() > 1 && s[1] >= 'A' && s[1] <= 'Z'))
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

}  // namespace

void printError(std::string_view message) {
  std::cerr << "galley: error: " << printable(message) << '\n';
}

void printWarning(std::string_view message) {
  std::cerr << "galley: warning: " << printable(message) << '\n';
}

int run(int argc, char** argv) {
  CLI::App app{"galley: compile, run and lint CI/CD pipelines for ML projects"};
  app.set_version_flag("--version", std::string("galley ") + GALLEY_VERSION);
  app.require_subcommand(1);

  // An unknown command is a one-line error with the nearest command, not
  // the whole help (CLI11 would take it for a stray argument).
  std::string word = commandWord(argc, argv);
  std::vector<std::string> names;
  for (const Command& command : commands())
    names.push_back(command.name);
  if (!word.empty() && std::find(names.begin(), names.end(), word) == names.end()) {
    std::string hint = didYouMean(word, names);
    printError("unknown command '" + word + "'" + (hint.empty() ? "" : "; " + hint) +
               " (see 'galley --help')");
    return kExitUsage;
  }

  // Only the command named is built: building all thirteen with their
  // options was a quarter of the instructions of `galley run --plan`. The
  // overview (no command word) lists them all.
  int status = kExitOk;
  for (const Command& command : commands())
    if (word.empty() || word == command.name) command.attach(app, status);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (word.empty()) {  // `galley` alone, or only options: the overview
      std::cerr << app.help();
      return kExitUsage;
    }
    printError(word + ": " + sentence(e.what()) + " (see 'galley " + word + " --help')");
    return kExitUsage;
  }
  return status;
}

}  // namespace galley::cli

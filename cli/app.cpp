#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <string_view>
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

// argv's words after the first that is `word`; none when word is "".
std::vector<std::string> wordsAfter(const std::string& word, int argc, char** argv) {
  if (word.empty()) return {};
  int i = 1;
  while (i < argc && argv[i] != word)
    ++i;
  return std::vector<std::string>(argv + std::min(i + 1, argc), argv + argc);
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

bool splitPair(const std::string& item, std::pair<std::string, std::string>* out) {
  size_t eq = item.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *out = {item.substr(0, eq), item.substr(eq + 1)};
  return true;
}

bool splitPairs(const std::vector<std::string>& items, std::string_view option,
                std::vector<std::pair<std::string, std::string>>* out) {
  for (const auto& item : items) {
    std::pair<std::string, std::string> kv;
    if (!splitPair(item, &kv)) {
      printError(std::string(option) + " '" + item + "' must be KEY=VALUE");
      return false;
    }
    out->push_back(std::move(kv));
  }
  return true;
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

  // Only the command argv names is built: building all of them (hundreds
  // of options) was half of every command's start-up, which `registry
  // show` and `--version` pay in full. Without one (`galley --help`), all;
  // for `galley --version`, none.
  int status = kExitOk;
  const bool versionOnly = word.empty() && argc == 2 && std::string_view(argv[1]) == "--version";
  std::vector<std::string> args = wordsAfter(word, argc, argv);
  for (const Command& command : commands())
    if (!versionOnly && (word.empty() || word == command.name)) command.attach(app, status, args);

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

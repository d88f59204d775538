// The command line: CLI11 wiring only. Each subcommand lives in its own
// file (compile_command.cpp, ...) and calls into runtime/ and compiler/.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace galley::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // findings, a stale check, a failed run
inline constexpr int kExitUsage = 2;     // usage or configuration errors

int run(int argc, char** argv);

// Prints "galley: error: MESSAGE" (made printable) on stderr: the one form
// of every error that has no position in a file.
void printError(std::string_view message);
// Prints "galley: warning: MESSAGE" likewise.
void printWarning(std::string_view message);

// One KEY=VALUE option (--var, --repo, ...): false when it has no '=' or
// an empty KEY.
bool splitPair(const std::string& item, std::pair<std::string, std::string>* out);
// Every KEY=VALUE of an option, appended to out; false after printing an
// error naming the option and the item that is not KEY=VALUE.
bool splitPairs(const std::vector<std::string>& items, std::string_view option,
                std::vector<std::pair<std::string, std::string>>* out);

}  // namespace galley::cli

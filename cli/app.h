// The command line: CLI11 wiring only. Each subcommand lives in its own
// file (compile_command.cpp, ...) and calls into runtime/ and compiler/.
#pragma once

#include <string_view>

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

}  // namespace galley::cli

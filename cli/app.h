// The command line: CLI11 wiring only. Each subcommand lives in its own
// file (compile_command.cpp, ...) and calls into runtime/ and compiler/.
#pragma once

namespace galley::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // findings, a stale check, a failed run
inline constexpr int kExitUsage = 2;     // usage or configuration errors

int run(int argc, char** argv);

}  // namespace galley::cli

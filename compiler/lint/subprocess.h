// Running the external linters lint hands scripts to (shellcheck, pyflakes).
#pragma once

#include <string>
#include <vector>

namespace galley::lint {

// Runs argv[0] (a path, not searched in PATH) with stdin from /dev/null and
// appends what it writes to stdout to *out; its stderr too when withStderr,
// else stderr is discarded. Waits for it to exit. Returns false when the
// program cannot be started. Thread-safe.
bool runCapture(const std::vector<std::string>& argv, std::string* out, bool withStderr = false);

}  // namespace galley::lint

// Unified diffs of text files, for `galley compile --check`.
#pragma once

#include <string>

namespace galley {

// A unified diff (---/+++ headers, @@ hunks with 3 lines of context) turning
// before into after; "" when they are equal.
std::string unifiedDiff(const std::string& before, const std::string& after,
                        const std::string& beforeName, const std::string& afterName);

}  // namespace galley

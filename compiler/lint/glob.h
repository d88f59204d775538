// GitHub's filter patterns (branches, tags, paths): `*`, `**`, `?`, `+`,
// `[...]`, a leading `!` to negate. Used for filter syntax checks and for
// path ignores in the config.
#pragma once

#include <string>
#include <string_view>

namespace galley::lint {

// Why pattern is not a valid filter pattern, or "" when it is; *column is the
// 0-based offset of the problem. `isRef` applies git ref-name rules too
// (branches and tags cannot hold spaces, `~^:\`, or `..`).
std::string checkGlob(std::string_view pattern, bool isRef, size_t* column);

// Whether path matches a glob: `*` within one segment, `**` across segments,
// `?` one character.
bool globMatch(std::string_view pattern, std::string_view path);

}  // namespace galley::lint

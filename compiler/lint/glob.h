// GitHub's filter patterns (branches, tags, paths): `*`, `**`, `?`, `+`,
// `[...]`, a leading `!` to negate. Used for filter syntax checks and for
// path ignores in the config.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace galley::lint {

// Why pattern is not a valid filter pattern, or "" when it is; *column is the
// 0-based offset of the problem. `isRef` applies git ref-name rules too
// (branches and tags cannot hold spaces, `~^:\`, or `..`).
std::string checkGlob(std::string_view pattern, bool isRef, size_t* column);

// Every problem of pattern, in order: problems of ref names that leave the
// pattern readable are all reported; a broken glob ends the list.
struct GlobProblem {
  size_t column;  // 0-based offset into the pattern
  std::string message;
};
std::vector<GlobProblem> globProblems(std::string_view pattern, bool isRef);

// Whether path matches a glob: `*` within one segment, `**` across segments,
// `?` one character.
bool globMatch(std::string_view pattern, std::string_view path);

// Whether path matches an actionlint path glob (actionlint.yaml `paths:`): a
// doublestar glob with {a,b} alternatives (.github/workflows/**/*.{yml,yaml}).
// A glob spelling out more than 1,024 alternatives matches nothing past those.
bool actionlintGlobMatch(std::string_view glob, std::string_view path);

}  // namespace galley::lint

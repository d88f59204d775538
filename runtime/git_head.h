// What a repository's HEAD and origin remote are, read from its .git files
// without starting git: the `github` context of every run needs them, and
// the three git processes that asked for them took 10 to 200 ms of each
// run's start (more on a loaded machine).
#pragma once

#include <string>

namespace galley::run {

struct GitHead {
  std::string sha;        // HEAD's commit; "" on a branch with no commit yet
  std::string branch;     // the branch HEAD names, shortened; "" when detached
  std::string originUrl;  // remote.origin.url of the repository's config; "" when none
};

// Reads repoRoot/.git (a directory, or a worktree's `gitdir:` file): HEAD,
// loose and packed refs, and the repository's own config file. Answers
// only what git itself would answer: false, for the caller to ask git,
// whenever the layout or the environment is one this reader does not
// follow exactly (no .git, GIT_DIR and its kin set, reftable refs, config
// includes, quoted or escaped config values, a branch name that
// `git symbolic-ref --short` would have to disambiguate).
bool readGitHead(const std::string& repoRoot, GitHead* out);

}  // namespace galley::run

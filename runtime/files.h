// Files that must survive a crash: whole-file writes that a reader sees
// either before or after, never half done (STYLE.md habit 16).
#pragma once

#include <string>

namespace galley::run {

// Writes `content` to `path` via a temporary file beside it, fsync and
// rename: a process killed at any instant leaves the old file or the new
// one. False with *err naming the path when a step fails.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string* err);

// Creates `path` with `content` only if it does not exist yet, atomically:
// the content is written and synced under a temporary name, then linked to
// `path`, which fails when another writer got there first. *exists tells
// that case apart from other failures.
bool createFileExclusively(const std::string& path, const std::string& content, bool* exists,
                           std::string* err);

// The whole content of a file; false with *err when it cannot be read.
bool readWholeFile(const std::string& path, std::string* content, std::string* err);

}  // namespace galley::run

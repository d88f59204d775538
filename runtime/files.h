// Files that must survive a crash: whole-file writes that a reader sees
// either before or after, never half done (STYLE.md habit 16).
#pragma once

#include <string>
#include <string_view>

namespace galley::run {

// Writes `content` to `path` via a temporary file beside it and rename: a
// process killed at any instant leaves the old file or the new one. With
// sync, the data is fsynced before the rename, so a machine that loses
// power does too. False with *err naming the path when a step fails.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string* err,
                         bool sync = true);

// Creates `path` with `content` only if it does not exist yet, atomically:
// the content is written and synced under a temporary name, then linked to
// `path`, which fails when another writer got there first. *exists tells
// that case apart from other failures.
bool createFileExclusively(const std::string& path, const std::string& content, bool* exists,
                           std::string* err);

// Writes all of `text` to fd, retrying short writes and EINTR; false (errno
// set) when a write fails. One call for a line appended with O_APPEND keeps
// the line whole for readers.
bool writeAll(int fd, std::string_view text);

// Copies a folder's contents, or a file, into the folder `to` (created),
// overwriting what is there: how artifacts are published and downloaded
// on both hosts. False with *err when something could not be copied.
bool copyInto(const std::string& from, const std::string& to, std::string* err);

// The whole content of a regular file, at most kMaxSourceBytes (through
// readRegularFile: a FIFO, device or folder is refused without waiting or
// reading); false with *err, which names the path, when it cannot be read.
bool readWholeFile(const std::string& path, std::string* content, std::string* err);

}  // namespace galley::run

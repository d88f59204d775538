// Reading and writing generated files below an output root (compile's --out
// or galley.yml's folder), without ever leaving it.
//
// The root itself is the user's choice and may be reached through symlinks;
// below it, every folder and the file itself must be what they seem: a
// symlink there (a `.github` pointing elsewhere, a workflow linked to a file
// outside the project) is refused, so compile cannot be made to overwrite
// or diff a file it did not generate. Each path is walked one component at
// a time relative to an open folder (openat, O_NOFOLLOW), so nothing can be
// swapped in between a check and the write.
#pragma once

#include <string>
#include <vector>

#include "compiler/source.h"

namespace galley {

// Reads root/relative into *text (at most kMaxSourceBytes). Missing when no
// file is there (or a folder on the way is missing); Failed, with *err
// naming the path and the reason, when a component is a symlink, the file is
// not a regular file (a FIFO is not opened for a writer), or it cannot be
// read. relative is made of plain names joined by '/' (no "..", no "").
ReadResult readGenerated(const std::string& root, const std::string& relative, std::string* text,
                         std::string* err);

// Replaces root/relative with text atomically: a temporary file in the same
// folder, flushed to disk, renamed over the old one (which keeps its
// permissions). Creates root and missing folders below it. Returns false
// with *err naming the path and the reason when a component below root is a
// symlink or not a folder, the target is not a regular file, or a write
// fails; nothing is left half-written.
bool writeGenerated(const std::string& root, const std::string& relative, const std::string& text,
                    std::string* err);

// The names of the regular files directly in root/folder (plain names
// joined by '/'), sorted; symlinks and other kinds of file are left out,
// and a missing folder has none. Returns false with *err naming the path
// and the reason when a folder on the way is a symlink or cannot be read.
bool listGenerated(const std::string& root, const std::string& folder,
                   std::vector<std::string>* names, std::string* err);

// Deletes root/relative, a regular file reached without symlinks. Returns
// false with *err naming the path and the reason otherwise (a symlink or
// anything but a regular file is left in place).
bool removeGenerated(const std::string& root, const std::string& relative, std::string* err);

enum class CreateResult { Created, Exists, Failed };

// Creates root/relative holding text, only when nothing is there: Exists
// (and nothing written) when any file, folder or symlink has that name, even
// one that appears while this runs. The file appears whole (a temporary file
// linked into place), with folders created as writeGenerated does; Failed
// with *err naming the path and the reason otherwise.
CreateResult createGenerated(const std::string& root, const std::string& relative,
                             const std::string& text, std::string* err);

}  // namespace galley

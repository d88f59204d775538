// The registry's files, content-addressed: objects/sha256/ab/abcdef...
// under the store's root, read-only, one copy per distinct content. New
// files are staged (copied and hashed) in tmp/ first and published by a
// rename inside the registering transaction.
#pragma once

#include <string>
#include <vector>

#include "runtime/registry/registry.h"

namespace galley::registry {

// A file copied into tmp/, hashed, synced, not yet published.
struct StagedFile {
  StoredFile file;
  std::string tempPath;
};

class ObjectStore {
 public:
  explicit ObjectStore(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }

  // Creates the root, objects/ and tmp/ when absent. Config naming the
  // path when one cannot be created or written.
  bool prepare(Error* err);

  // Copies the file at `path`, or every file under the directory `path`,
  // into a staging directory of its own, hashing on the way. *singleFile
  // says which. Invalid for a missing path, an empty directory, or a
  // special file or directory link inside it (named).
  bool stage(const std::string& path, std::vector<StagedFile>* out, bool* singleFile, Error* err);
  // Moves staged files to their addresses (dropping those already there)
  // and syncs the directories. Called inside the write transaction.
  bool publish(const std::vector<StagedFile>& staged, Error* err);
  // Removes what stage() made (after publish, or instead of it).
  void discard(const std::vector<StagedFile>& staged);
  // Removes staging directories that their process left behind when it
  // died (on this host; on any host after a day).
  void sweep();

  std::string objectPath(const std::string& sha256) const;
  // Removes an object no version refers to any more.
  void remove(const std::string& sha256);

  // Copies an object to `dest`, checking its sha256 and size on the way;
  // Config naming the file when it is missing or does not match. The
  // copy has mode 0755 or 0644 (executable).
  bool copyVerified(const StoredFile& f, const std::string& dest, const std::string& what,
                    Error* err);

 private:
  std::string root_;
};

}  // namespace galley::registry

#include "compiler/generated_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace galley {

namespace {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::vector<std::string> components(const std::string& relative) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = relative.find('/', start);
    parts.push_back(relative.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool plain(const std::string& part) {
  return !part.empty() && part != "." && part != ".." && part.find('\0') == std::string::npos;
}

// root and the first n parts, as messages name them.
std::string joined(const std::string& root, const std::vector<std::string>& parts, size_t n) {
  std::filesystem::path p(root);
  for (size_t i = 0; i < n; ++i)
    p /= parts[i];
  return p.lexically_normal().string();
}

// Why openat(dir, name, O_NOFOLLOW...) failed with errno e, in words.
std::string refusal(int dir, const std::string& name, int e) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
    return "is a symlink; galley does not write or read generated files through symlinks";
  if (e == ENOTDIR) return "is not a folder";
  return std::strerror(e);
}

// Opens the folder that will hold parts.back(), walking from root; creates
// missing folders when create is set. On failure fd is -1 and *err says why;
// *missing is set when a folder is absent (and create is not).
Fd openParent(const std::string& root, const std::vector<std::string>& parts, bool create,
              std::string* err, bool* missing) {
  if (create) {
    std::error_code ec;
    std::filesystem::create_directories(root.empty() ? "." : root, ec);
  }
  Fd dir(::open(root.empty() ? "." : root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0) {
    int e = errno;
    *missing = e == ENOENT;
    *err = root + ": cannot open the output folder: " + std::strerror(e);
    return Fd();
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const char* name = parts[i].c_str();
    int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int next = ::openat(dir.fd, name, flags);
    if (next < 0 && errno == ENOENT && create) {
      if (::mkdirat(dir.fd, name, 0777) != 0 && errno != EEXIST) {
        *err = joined(root, parts, i + 1) + ": cannot create folder: " + std::strerror(errno);
        return Fd();
      }
      next = ::openat(dir.fd, name, flags);
    }
    if (next < 0) {
      int e = errno;
      *missing = e == ENOENT;
      *err = joined(root, parts, i + 1) + ": " + refusal(dir.fd, parts[i], e);
      return Fd();
    }
    dir = Fd(next);
  }
  return dir;
}

bool validRelative(const std::vector<std::string>& parts, const std::string& relative,
                   std::string* err) {
  for (const auto& p : parts)
    if (!plain(p)) {
      *err = relative + ": not a plain path below the output folder";
      return false;
    }
  return true;
}

bool writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Writes text to a new temporary file beside dir/name, flushed to disk, with
// mode (the umask's default when -1); *temp is its name. Removes it on failure.
bool writeTemporary(int dir, const std::string& name, const std::string& path, int mode,
                    const std::string& text, std::string* temp, std::string* err) {
  Fd out;
  for (int attempt = 0; attempt < 100 && out.fd < 0; ++attempt) {
    *temp = "." + name + ".galley-" + std::to_string(::getpid()) + "-" + std::to_string(attempt);
    out = Fd(
        ::openat(dir, temp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (out.fd < 0 && errno != EEXIST) break;
  }
  if (out.fd < 0) {
    *err = path + ": cannot create a temporary file beside it: " + std::strerror(errno);
    return false;
  }
  if ((mode < 0 || ::fchmod(out.fd, static_cast<mode_t>(mode)) == 0) && writeAll(out.fd, text) &&
      ::fsync(out.fd) == 0)
    return true;
  int e = errno;
  ::unlinkat(dir, temp->c_str(), 0);
  *err = path + ": cannot write: " + std::strerror(e);
  return false;
}

}  // namespace

ReadResult readGenerated(const std::string& root, const std::string& relative, std::string* text,
                         std::string* err) {
  std::vector<std::string> parts = components(relative);
  if (!validRelative(parts, relative, err)) return ReadResult::Failed;
  bool missing = false;
  Fd dir = openParent(root, parts, false, err, &missing);
  if (dir.fd < 0) return missing ? ReadResult::Missing : ReadResult::Failed;
  std::string path = joined(root, parts, parts.size());
  // O_NONBLOCK: a FIFO there must not wait for a writer; fstat refuses it.
  Fd f(::openat(dir.fd, parts.back().c_str(),
                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (f.fd < 0) {
    int e = errno;
    *err = path + ": " + refusal(dir.fd, parts.back(), e);
    return e == ENOENT ? ReadResult::Missing : ReadResult::Failed;
  }
  return readOpenFile(f.fd, path, kMaxSourceBytes, text, err);
}

bool writeGenerated(const std::string& root, const std::string& relative, const std::string& text,
                    std::string* err) {
  std::vector<std::string> parts = components(relative);
  if (!validRelative(parts, relative, err)) return false;
  bool missing = false;
  Fd dir = openParent(root, parts, true, err, &missing);
  if (dir.fd < 0) return false;
  std::string path = joined(root, parts, parts.size());
  const std::string& name = parts.back();
  struct stat st {};
  bool existed = ::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (existed) {
    if (S_ISLNK(st.st_mode)) {
      *err = path + ": " + refusal(dir.fd, name, ELOOP);
      return false;
    }
    if (!S_ISREG(st.st_mode)) {
      *err = path + ": exists and is not a regular file";
      return false;
    }
  }
  std::string temp;
  if (!writeTemporary(dir.fd, name, path, existed ? static_cast<int>(st.st_mode & 07777) : -1, text,
                      &temp, err))
    return false;
  if (::renameat(dir.fd, temp.c_str(), dir.fd, name.c_str()) == 0) {
    ::fsync(dir.fd);  // the rename itself survives a crash
    return true;
  }
  int e = errno;
  ::unlinkat(dir.fd, temp.c_str(), 0);
  *err = path + ": cannot write: " + std::strerror(e);
  return false;
}

bool listGenerated(const std::string& root, const std::string& folder,
                   std::vector<std::string>* names, std::string* err) {
  names->clear();
  // The folder's own parts, and an empty last one for openParent to stop at.
  std::vector<std::string> parts = components(folder);
  if (!validRelative(parts, folder, err)) return false;
  parts.push_back("");
  bool missing = false;
  Fd dir = openParent(root, parts, false, err, &missing);
  if (dir.fd < 0) return missing;
  int listed = ::dup(dir.fd);
  DIR* d = listed < 0 ? nullptr : ::fdopendir(listed);
  if (!d) {
    if (listed >= 0) ::close(listed);
    *err = joined(root, parts, parts.size() - 1) + ": cannot list: " + std::strerror(errno);
    return false;
  }
  while (const dirent* e = ::readdir(d)) {
    struct stat st {};
    if (::fstatat(dir.fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      names->push_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names->begin(), names->end());
  return true;
}

bool removeGenerated(const std::string& root, const std::string& relative, std::string* err) {
  std::vector<std::string> parts = components(relative);
  if (!validRelative(parts, relative, err)) return false;
  bool missing = false;
  Fd dir = openParent(root, parts, false, err, &missing);
  if (dir.fd < 0) return false;
  std::string path = joined(root, parts, parts.size());
  struct stat st {};
  if (::fstatat(dir.fd, parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    *err = path + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = path + ": " +
           (S_ISLNK(st.st_mode) ? refusal(dir.fd, parts.back(), ELOOP)
                                : std::string("is not a regular file"));
    return false;
  }
  if (::unlinkat(dir.fd, parts.back().c_str(), 0) != 0) {
    *err = path + ": cannot remove: " + std::strerror(errno);
    return false;
  }
  ::fsync(dir.fd);
  return true;
}

CreateResult createGenerated(const std::string& root, const std::string& relative,
                             const std::string& text, std::string* err) {
  std::vector<std::string> parts = components(relative);
  if (!validRelative(parts, relative, err)) return CreateResult::Failed;
  bool missing = false;
  Fd dir = openParent(root, parts, true, err, &missing);
  if (dir.fd < 0) return CreateResult::Failed;
  std::string path = joined(root, parts, parts.size());
  const std::string& name = parts.back();
  struct stat st {};
  if (::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return CreateResult::Exists;
  std::string temp;
  if (!writeTemporary(dir.fd, name, path, -1, text, &temp, err)) return CreateResult::Failed;
  // link() fails when the name exists, whatever appeared there since the
  // check above: the file is created whole or not at all, never replaced.
  int linked = ::linkat(dir.fd, temp.c_str(), dir.fd, name.c_str(), 0);
  int e = errno;
  ::unlinkat(dir.fd, temp.c_str(), 0);
  if (linked == 0) {
    ::fsync(dir.fd);
    return CreateResult::Created;
  }
  if (e == EEXIST) return CreateResult::Exists;
  *err = path + ": cannot write: " + std::strerror(e);
  return CreateResult::Failed;
}

}  // namespace galley

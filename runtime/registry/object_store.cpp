#include "runtime/registry/object_store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>

#include "compiler/sha256.h"

namespace galley::registry {

namespace fs = std::filesystem;

namespace {

constexpr size_t kChunk = 1 << 20;

bool failed(Error* err, Error::Kind kind, const std::string& message) {
  err->kind = kind;
  err->message = message;
  return false;
}

bool ioFailed(Error* err, const std::string& what, const std::string& path) {
  return failed(err, Error::Config, what + " " + path + ": " + std::strerror(errno));
}

std::string hostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || !*buf) return "host";
  std::string h = buf;
  std::replace(h.begin(), h.end(), '-', '_');
  return h;
}

bool makeDirectory(const std::string& path, Error* err) {
  if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return true;
  return ioFailed(err, "cannot create the registry directory", path);
}

void syncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool writeAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

// Copies in to out, hashing what passes. False with errno set on a read
// (*readFailed) or write error.
bool copyHashing(int in, int out, std::string* hex, uint64_t* size, bool* readFailed,
                 bool writeBack = false) {
  static thread_local std::vector<char> buf(kChunk);
  Sha256 sha;
  *size = 0;
  *readFailed = false;
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *readFailed = true;
      return false;
    }
    if (n == 0) break;
    sha.update(std::string_view(buf.data(), size_t(n)));
    if (!writeAll(out, buf.data(), size_t(n))) return false;
    // Start writing this chunk to disk now, so that the fdatasync at the
    // end (a stored file must survive a power cut before the version
    // that names it is committed) has little left to wait for.
    if (writeBack) ::sync_file_range(out, off_t(*size), n, SYNC_FILE_RANGE_WRITE);
    *size += uint64_t(n);
  }
  *hex = toHex(sha.finish());
  return true;
}

std::string uniqueSuffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000) + "-" +
         std::to_string(counter++);
}

// The files to register under `dir`, as (relative path, absolute path),
// sorted; Invalid for anything that is neither a file nor a directory.
bool walk(const fs::path& dir, std::vector<std::pair<std::string, fs::path>>* out, Error* err) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::file_status link = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(link)) continue;
    fs::file_status target = it->status(ec);
    std::string rel = fs::relative(it->path(), dir, ec).generic_string();
    if (fs::is_regular_file(target)) {
      out->emplace_back(rel, it->path());
      continue;
    }
    std::string what = fs::is_directory(target) ? "a link to a directory"
                       : !fs::exists(target)    ? "a broken symbolic link"
                       : fs::is_symlink(link)   ? "a link to something that is not a regular file"
                                                : "not a regular file";
    return failed(err, Error::Invalid,
                  it->path().string() + " is " + what + "; the registry stores regular files only");
  }
  if (ec) return failed(err, Error::Invalid, "cannot read " + dir.string() + ": " + ec.message());
  if (out->empty())
    return failed(err, Error::Invalid, dir.string() + " holds no files to register");
  std::sort(out->begin(), out->end());
  return true;
}

}  // namespace

bool ObjectStore::prepare(Error* err) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec)
    return failed(err, Error::Config,
                  "cannot create the registry directory " + root_ + ": " + ec.message());
  for (const char* sub : {"/objects", "/objects/sha256", "/tmp"})
    if (!makeDirectory(root_ + sub, err)) return false;
  if (::access(root_.c_str(), W_OK) != 0 || ::access((root_ + "/tmp").c_str(), W_OK) != 0)
    return ioFailed(err, "cannot write the registry directory", root_);
  return true;
}

std::string ObjectStore::objectPath(const std::string& sha256) const {
  return root_ + "/objects/sha256/" + sha256.substr(0, 2) + "/" + sha256;
}

bool ObjectStore::stage(const std::string& path, std::vector<StagedFile>* out, bool* singleFile,
                        Error* err) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st))
    return failed(err, Error::Invalid, path + ": no such file or directory");
  std::vector<std::pair<std::string, fs::path>> files;
  *singleFile = !fs::is_directory(st);
  if (*singleFile) {
    if (!fs::is_regular_file(st))
      return failed(err, Error::Invalid, path + " is not a regular file or a directory");
    files.emplace_back(fs::path(path).filename().string(), fs::path(path));
  } else if (!walk(path, &files, err)) {
    return false;
  }
  std::string dir = root_ + "/tmp/" + hostName() + "-" + uniqueSuffix();
  if (::mkdir(dir.c_str(), 0755) != 0) return ioFailed(err, "cannot create", dir);
  for (size_t i = 0; i < files.size(); ++i) {
    StagedFile s;
    s.file.path = files[i].first;
    s.tempPath = dir + "/" + std::to_string(i);
    out->push_back(s);
    int in = ::open(files[i].second.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      discard(*out);
      return failed(err, Error::Invalid,
                    "cannot read " + files[i].second.string() + ": " + std::strerror(errno));
    }
    struct stat sb {};
    ::fstat(in, &sb);
    out->back().file.executable = (sb.st_mode & S_IXUSR) != 0;
    ::posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
    int o = ::open(s.tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    bool readFailed = false;
    bool ok =
        o >= 0 &&
        copyHashing(in, o, &out->back().file.sha256, &out->back().file.size, &readFailed, true) &&
        ::fdatasync(o) == 0;
    int saved = errno;
    ::close(in);
    if (o >= 0) ::close(o);
    if (!ok) {
      discard(*out);
      errno = saved;
      if (readFailed)
        return failed(err, Error::Invalid,
                      "cannot read " + files[i].second.string() + ": " + std::strerror(saved));
      return ioFailed(err, "cannot write", s.tempPath);
    }
  }
  return true;
}

bool ObjectStore::publish(const std::vector<StagedFile>& staged, Error* err) {
  std::vector<std::string> dirs;
  for (const StagedFile& s : staged) {
    std::string target = objectPath(s.file.sha256);
    std::string dir = target.substr(0, target.rfind('/'));
    if (!makeDirectory(dir, err)) return false;
    struct stat sb {};
    // An object already there has this content: keep it, drop the copy.
    if (::stat(target.c_str(), &sb) == 0 && uint64_t(sb.st_size) == s.file.size) continue;
    if (::rename(s.tempPath.c_str(), target.c_str()) != 0)
      return ioFailed(err, "cannot store", target);
    dirs.push_back(dir);
  }
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  for (const std::string& d : dirs)
    syncDirectory(d);
  return true;
}

void ObjectStore::discard(const std::vector<StagedFile>& staged) {
  if (staged.empty()) return;
  std::error_code ec;
  fs::remove_all(fs::path(staged.front().tempPath).parent_path(), ec);
}

void ObjectStore::sweep() {
  std::error_code ec;
  std::string here = hostName() + "-";
  auto dayAgo = fs::file_time_type::clock::now() - std::chrono::hours(24);
  for (const auto& entry : fs::directory_iterator(root_ + "/tmp", ec)) {
    std::string name = entry.path().filename().string();
    bool stale = entry.last_write_time(ec) < dayAgo && !ec;
    if (!stale && name.rfind(here, 0) == 0) {
      int pid = std::atoi(name.c_str() + here.size());
      stale = pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
    }
    if (stale) fs::remove_all(entry.path(), ec);
  }
}

void ObjectStore::remove(const std::string& sha256) {
  ::unlink(objectPath(sha256).c_str());
}

bool ObjectStore::copyVerified(const StoredFile& f, const std::string& dest,
                               const std::string& what, Error* err) {
  std::string source = objectPath(f.sha256);
  int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return failed(err, Error::Config,
                  "file " + f.path + " of " + what + " is missing from the store (" + source +
                      ": " + std::strerror(errno) + ")");
  ::posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
  int out =
      ::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, f.executable ? 0755 : 0644);
  if (out < 0) {
    ::close(in);
    return ioFailed(err, "cannot write", dest);
  }
  std::string hex;
  uint64_t size = 0;
  bool readFailed = false;
  bool ok = copyHashing(in, out, &hex, &size, &readFailed);
  int saved = errno;
  ::close(in);
  ::close(out);
  if (!ok) {
    errno = saved;
    return ioFailed(err, readFailed ? "cannot read" : "cannot write", readFailed ? source : dest);
  }
  if (hex != f.sha256 || size != f.size)
    return failed(err, Error::Config,
                  "file " + f.path + " of " + what + " is corrupt in the store: " + source +
                      " has sha256 " + hex + " (" + std::to_string(size) + " bytes), expected " +
                      f.sha256 + " (" + std::to_string(f.size) + " bytes)");
  return true;
}

}  // namespace galley::registry

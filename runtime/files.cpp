#include "runtime/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "compiler/source.h"

namespace galley::run {

namespace {

std::string failure(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// A name no other process or thread writes at the same time.
std::string temporaryName(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
}

bool writeSynced(const std::string& path, const std::string& content, std::string* err,
                 bool sync = true) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = failure("cannot create", path);
    return false;
  }
  if (!writeAll(fd, content)) {
    *err = failure("cannot write", path);
    ::close(fd);
    ::unlink(path.c_str());
    return false;
  }
  if (sync && ::fsync(fd) != 0) {
    *err = failure("cannot sync", path);
    ::close(fd);
    ::unlink(path.c_str());
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace

bool writeAll(int fd, std::string_view text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool writeFileAtomically(const std::string& path, const std::string& content, std::string* err,
                         bool sync) {
  std::string tmp = temporaryName(path);
  if (!writeSynced(tmp, content, err, sync)) return false;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    *err = failure("cannot replace", path);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool createFileExclusively(const std::string& path, const std::string& content, bool* exists,
                           std::string* err) {
  *exists = false;
  std::string tmp = temporaryName(path);
  if (!writeSynced(tmp, content, err)) return false;
  // link(2), unlike rename(2), refuses to replace an existing name.
  int rc = ::link(tmp.c_str(), path.c_str());
  int saved = errno;
  ::unlink(tmp.c_str());
  if (rc == 0) return true;
  errno = saved;
  *exists = saved == EEXIST;
  *err = failure("cannot create", path);
  return false;
}

bool copyInto(const std::string& from, const std::string& to, std::string* err) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(to, ec);
  if (fs::is_directory(from, ec))
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  else
    fs::copy_file(from, fs::path(to) / fs::path(from).filename(),
                  fs::copy_options::overwrite_existing, ec);
  if (ec) *err = ec.message();
  return !ec;
}

bool readWholeFile(const std::string& path, std::string* content, std::string* err) {
  return readRegularFile(path, kMaxSourceBytes, content, err) == ReadResult::Ok;
}

}  // namespace galley::run

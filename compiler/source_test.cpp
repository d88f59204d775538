#include "compiler/source.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace galley {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path dir;
  TempDir() {
    static int n = 0;
    dir = fs::temp_directory_path() /
          ("galley-src-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

TEST_CASE("reading a FIFO is refused at once instead of waiting for a writer") {
  TempDir t;
  REQUIRE(::mkfifo(t.path("ci.yml").c_str(), 0600) == 0);
  Sources sources;
  std::string err;
  CHECK(sources.read(t.path("ci.yml"), &err) == nullptr);
  CHECK(err == t.path("ci.yml") + ": is a FIFO, not a regular file");
}

TEST_CASE("reading a device through a symlink is refused before reading it") {
  TempDir t;
  fs::create_symlink("/dev/zero", t.dir / "ci.yml");
  Sources sources;
  std::string err;
  CHECK(sources.read(t.path("ci.yml"), &err) == nullptr);
  CHECK(err == t.path("ci.yml") + ": is a character device, not a regular file");
  CHECK(sources.read(t.dir.string(), &err) == nullptr);
  CHECK(err == t.dir.string() + ": is a folder, not a regular file");
}

TEST_CASE(
    "a file larger than the limit is refused from its size, one that hides it while reading") {
  TempDir t;
  std::ofstream(t.path("big.yml")) << std::string(100, 'x');
  std::string text, err;
  CHECK(readRegularFile(t.path("big.yml"), 99, &text, &err) == ReadResult::Failed);
  CHECK(err == t.path("big.yml") + ": file is 100 bytes; galley reads at most 99 bytes");
  CHECK(readRegularFile(t.path("big.yml"), 100, &text, &err) == ReadResult::Ok);
  CHECK(text == std::string(100, 'x'));
  // Files in /proc claim a size of 0 and hold more.
  CHECK(readRegularFile("/proc/self/status", 10, &text, &err) == ReadResult::Failed);
  CHECK(err == "/proc/self/status: file is more than 10 bytes; galley reads at most 10 bytes");
  CHECK(readRegularFile("/proc/self/status", 1 << 20, &text, &err) == ReadResult::Ok);
  CHECK(text.rfind("Name:", 0) == 0);
}

TEST_CASE("a missing file is told apart from an unreadable one") {
  TempDir t;
  std::string text, err;
  CHECK(readRegularFile(t.path("nope.yml"), 10, &text, &err) == ReadResult::Missing);
  CHECK(err == t.path("nope.yml") + ": no such file");
  CHECK(readRegularFile(std::string(300, 'a') + ".yml", 10, &text, &err) == ReadResult::Failed);
  CHECK(err == std::string(300, 'a') + ".yml: cannot open file: File name too long");
}

}  // namespace
}  // namespace galley

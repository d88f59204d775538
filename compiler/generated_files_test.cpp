#include "compiler/generated_files.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace galley {
namespace {

namespace fs = std::filesystem;

// A fresh folder with an output root and a folder outside it.
struct Tree {
  fs::path dir;
  std::string root;
  Tree() {
    static int n = 0;
    dir = fs::temp_directory_path() /
          ("galley-out-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir);
    fs::create_directories(dir / "out");
    fs::create_directories(dir / "outside");
    root = (dir / "out").string();
  }
  ~Tree() { fs::remove_all(dir); }
  std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // A message with the temporary folder replaced by "T".
  std::string shown(std::string s) {
    std::string prefix = dir.string();
    for (size_t at; (at = s.find(prefix)) != std::string::npos;)
      s.replace(at, prefix.size(), "T");
    return s;
  }
};

TEST_CASE("a generated file is written with its folders and read back") {
  Tree t;
  std::string err, text;
  CHECK(readGenerated(t.root, ".github/workflows/ci.yml", &text, &err) == ReadResult::Missing);
  REQUIRE(writeGenerated(t.root, ".github/workflows/ci.yml", "on: push\n", &err));
  CHECK(t.slurp(t.dir / "out/.github/workflows/ci.yml") == "on: push\n");
  CHECK(readGenerated(t.root, ".github/workflows/ci.yml", &text, &err) == ReadResult::Ok);
  CHECK(text == "on: push\n");
  REQUIRE(writeGenerated(t.root, ".github/workflows/ci.yml", "on: pull_request\n", &err));
  CHECK(t.slurp(t.dir / "out/.github/workflows/ci.yml") == "on: pull_request\n");
  // Atomic replacement leaves no temporary file behind.
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(t.dir / "out/.github/workflows")) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("replacing a generated file keeps its permissions") {
  Tree t;
  std::string err;
  REQUIRE(writeGenerated(t.root, "a.yml", "x\n", &err));
  ::chmod((t.dir / "out/a.yml").c_str(), 0640);
  REQUIRE(writeGenerated(t.root, "a.yml", "y\n", &err));
  struct stat st {};
  REQUIRE(::stat((t.dir / "out/a.yml").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("a generated file is not written through a symlinked file") {
  Tree t;
  std::ofstream(t.dir / "outside/victim.yml") << "keep\n";
  fs::create_directories(t.dir / "out/.github/workflows");
  fs::create_symlink(t.dir / "outside/victim.yml", t.dir / "out/.github/workflows/ci.yml");
  std::string err, text;
  CHECK_FALSE(writeGenerated(t.root, ".github/workflows/ci.yml", "pwned\n", &err));
  CHECK(t.shown(err) ==
        "T/out/.github/workflows/ci.yml: is a symlink; galley does not write or read generated "
        "files through symlinks");
  CHECK(readGenerated(t.root, ".github/workflows/ci.yml", &text, &err) == ReadResult::Failed);
  CHECK(t.slurp(t.dir / "outside/victim.yml") == "keep\n");
}

TEST_CASE("a generated file is not written through a symlinked folder") {
  Tree t;
  fs::create_directories(t.dir / "outside/workflows");
  std::ofstream(t.dir / "outside/workflows/ci.yml") << "keep\n";
  fs::create_directory_symlink(t.dir / "outside", t.dir / "out/.github");
  std::string err, text;
  CHECK_FALSE(writeGenerated(t.root, ".github/workflows/ci.yml", "pwned\n", &err));
  CHECK(t.shown(err) ==
        "T/out/.github: is a symlink; galley does not write or read generated files through "
        "symlinks");
  CHECK(readGenerated(t.root, ".github/workflows/ci.yml", &text, &err) == ReadResult::Failed);
  CHECK(t.slurp(t.dir / "outside/workflows/ci.yml") == "keep\n");
}

TEST_CASE("a FIFO where a generated file goes is refused without waiting for a writer") {
  Tree t;
  REQUIRE(::mkfifo((t.dir / "out/ci.yml").c_str(), 0600) == 0);
  std::string err, text;
  CHECK(readGenerated(t.root, "ci.yml", &text, &err) == ReadResult::Failed);
  CHECK(t.shown(err) == "T/out/ci.yml: is a FIFO, not a regular file");
  CHECK_FALSE(writeGenerated(t.root, "ci.yml", "x\n", &err));
  CHECK(t.shown(err) == "T/out/ci.yml: exists and is not a regular file");
}

TEST_CASE("a generated path with '..' or an empty part is refused") {
  Tree t;
  std::string err, text;
  CHECK_FALSE(writeGenerated(t.root, "../outside/x.yml", "x\n", &err));
  CHECK(err == "../outside/x.yml: not a plain path below the output folder");
  CHECK(readGenerated(t.root, "a//b.yml", &text, &err) == ReadResult::Failed);
  CHECK_FALSE(fs::exists(t.dir / "outside/x.yml"));
}

TEST_CASE("createGenerated writes a new file with its folders and never replaces one") {
  Tree t;
  std::string err;
  CHECK(createGenerated(t.root, "src/train.py", "new\n", &err) == CreateResult::Created);
  CHECK(t.slurp(t.dir / "out/src/train.py") == "new\n");
  CHECK(createGenerated(t.root, "src/train.py", "other\n", &err) == CreateResult::Exists);
  CHECK(t.slurp(t.dir / "out/src/train.py") == "new\n");
  fs::create_symlink(t.dir / "outside/x", t.dir / "out/link.yml");
  CHECK(createGenerated(t.root, "link.yml", "x\n", &err) == CreateResult::Exists);
  CHECK_FALSE(fs::exists(t.dir / "outside/x"));
  CHECK(std::distance(fs::directory_iterator(t.dir / "out/src"), fs::directory_iterator()) == 1);
}

TEST_CASE("createGenerated does not follow a symlinked folder below the root") {
  Tree t;
  std::string err;
  fs::create_directory_symlink(t.dir / "outside", t.dir / "out/src");
  CHECK(createGenerated(t.root, "src/train.py", "x\n", &err) == CreateResult::Failed);
  CHECK(t.shown(err) ==
        "T/out/src: is a symlink; galley does not write or read generated files through symlinks");
  CHECK_FALSE(fs::exists(t.dir / "outside/train.py"));
}

TEST_CASE("listing a generated folder gives its regular files, never a symlink") {
  Tree t;
  std::string err;
  std::vector<std::string> names = {"stale"};
  CHECK(listGenerated(t.root, ".github/workflows", &names, &err));
  CHECK(names.empty());  // no folder yet: nothing
  REQUIRE(writeGenerated(t.root, ".github/workflows/b.yml", "b\n", &err));
  REQUIRE(writeGenerated(t.root, ".github/workflows/a.yml", "a\n", &err));
  fs::create_directories(t.dir / "out/.github/workflows/sub");
  std::ofstream(t.dir / "outside/x.yml") << "x\n";
  fs::create_symlink(t.dir / "outside/x.yml", t.dir / "out/.github/workflows/link.yml");
  CHECK(listGenerated(t.root, ".github/workflows", &names, &err));
  CHECK(names == std::vector<std::string>{"a.yml", "b.yml"});
}

TEST_CASE("listing through a symlinked folder is refused") {
  Tree t;
  fs::create_directories(t.dir / "outside/workflows");
  fs::create_symlink(t.dir / "outside", t.dir / "out/.github");
  std::string err;
  std::vector<std::string> names;
  CHECK_FALSE(listGenerated(t.root, ".github/workflows", &names, &err));
  CHECK(t.shown(err) ==
        "T/out/.github: is a symlink; galley does not write or read generated files through "
        "symlinks");
}

TEST_CASE("removing a generated file removes only a regular file") {
  Tree t;
  std::string err;
  REQUIRE(writeGenerated(t.root, ".github/workflows/old.yml", "old\n", &err));
  CHECK(removeGenerated(t.root, ".github/workflows/old.yml", &err));
  CHECK_FALSE(fs::exists(t.dir / "out/.github/workflows/old.yml"));
  std::ofstream(t.dir / "outside/x.yml") << "x\n";
  fs::create_symlink(t.dir / "outside/x.yml", t.dir / "out/.github/workflows/link.yml");
  CHECK_FALSE(removeGenerated(t.root, ".github/workflows/link.yml", &err));
  CHECK(t.shown(err) ==
        "T/out/.github/workflows/link.yml: is a symlink; galley does not write or read generated "
        "files through symlinks");
  CHECK(fs::is_symlink(t.dir / "out/.github/workflows/link.yml"));
  CHECK(t.slurp(t.dir / "outside/x.yml") == "x\n");
}

}  // namespace
}  // namespace galley

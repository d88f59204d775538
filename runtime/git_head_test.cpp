#include "runtime/git_head.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "compiler/process.h"
#include "tests/testing.h"

namespace galley::run {

namespace {

namespace fs = std::filesystem;

// A fresh repository with one commit on `main`, removed with the fixture.
struct Repo {
  std::string path;
  Repo() {
    std::string tmpl = (fs::temp_directory_path() / "galley-git-XXXXXX").string();
    path = mkdtemp(tmpl.data());
    git({"init", "-q", "-b", "main", "."});
    git({"config", "user.email", "t@galley"});
    git({"config", "user.name", "t"});
    std::ofstream(path + "/a.txt") << "a\n";
    git({"add", "a.txt"});
    git({"commit", "-q", "-m", "one"});
  }
  ~Repo() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  // git's own answer, without its newline ("" when it fails).
  std::string git(std::vector<std::string> args, const std::string& dir = "") const {
    std::vector<std::string> argv = {"git", "-C", dir.empty() ? path : dir};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    proc::Result r;
    if (!proc::capture(argv, &out, false, std::chrono::seconds(20), &r) || r.exitCode != 0)
      return "";
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out;
  }
  // What readGitHead must answer in dir: git's rev-parse, symbolic-ref and config.
  void expectSameAsGit(const std::string& dir = "") const {
    GitHead h;
    REQUIRE(readGitHead(dir.empty() ? path : dir, &h));
    CHECK(h.sha == git({"rev-parse", "--verify", "--quiet", "HEAD"}, dir));
    CHECK(h.branch == git({"symbolic-ref", "--quiet", "--short", "HEAD"}, dir));
    CHECK(h.originUrl == git({"config", "--get", "remote.origin.url"}, dir));
  }
};

}  // namespace

TEST_CASE("HEAD read from .git matches git for a branch with loose refs and an origin") {
  Repo r;
  r.git({"remote", "add", "origin", "git@github.com:acme/rocket.git"});
  r.expectSameAsGit();
  GitHead h;
  REQUIRE(readGitHead(r.path, &h));
  CHECK(h.branch == "main");
  CHECK(h.originUrl == "git@github.com:acme/rocket.git");
  CHECK(h.sha.size() == 40);
}

TEST_CASE("HEAD read from .git matches git with packed refs, a nested branch and a detached HEAD") {
  Repo r;
  r.git({"checkout", "-q", "-b", "feature/x"});
  r.git({"pack-refs", "--all"});
  CHECK(!fs::exists(r.path + "/.git/refs/heads/feature/x"));
  r.expectSameAsGit();
  r.git({"checkout", "-q", "--detach"});
  r.expectSameAsGit();
}

TEST_CASE("HEAD read from .git matches git in a linked worktree and on a branch with no commit") {
  Repo r;
  std::string wt = r.path + "-wt";
  r.git({"worktree", "add", "-q", "-b", "side", wt});
  r.expectSameAsGit(wt);
  r.git({"checkout", "-q", "--orphan", "empty"});
  r.expectSameAsGit();
  GitHead h;
  REQUIRE(readGitHead(r.path, &h));
  CHECK(h.sha == "");
  CHECK(h.branch == "empty");
  std::error_code ec;
  fs::remove_all(wt, ec);
}

TEST_CASE("HEAD is left to git when reading .git could differ from git's answer") {
  Repo r;
  GitHead h;
  SUBCASE("a tag named like the branch makes git print heads/main") {
    r.git({"tag", "main"});
    CHECK(!readGitHead(r.path, &h));
  }
  SUBCASE("a config include may hold the remote") {
    std::ofstream(r.path + "/.git/config", std::ios::app) << "[include]\n\tpath = other\n";
    CHECK(!readGitHead(r.path, &h));
  }
  SUBCASE("a quoted url") {
    std::ofstream(r.path + "/.git/config", std::ios::app)
        << "[remote \"origin\"]\n\turl = \"x y\"\n";
    CHECK(!readGitHead(r.path, &h));
  }
  SUBCASE("no .git folder") {
    CHECK(!readGitHead(r.path + "/a.txt", &h));
  }
}

}  // namespace galley::run

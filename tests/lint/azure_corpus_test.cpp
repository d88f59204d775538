// Azure Pipelines lint against two corpora: tests/lint/azure/, one broken
// pipeline per rule whose trailing `# expect: LINE:COL RULE` comments list
// exactly the findings it must give; and the real pipelines of
// ../shared/corpus/ado, which must lint without a crash, every finding
// placed in its file.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/lint/azure/lint.h"
#include "compiler/lint/lint.h"
#include "compiler/yaml.h"
#include "runtime/shell.h"
#include "tests/testing.h"

namespace galley::lint {

namespace {

namespace fs = std::filesystem;

std::set<std::string> expectedIn(const std::string& text) {
  std::set<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("# expect: ", 0) == 0) out.insert(line.substr(10));
  return out;
}

std::string shellcheckPath() {
  const char* path = std::getenv("PATH");
  return run::findProgram("shellcheck", path ? path : "/usr/bin:/bin");
}

std::vector<std::string> yamlFilesUnder(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".yml" || ext == ".yaml"))
      out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("each broken Azure pipeline of tests/lint/azure gives exactly its expected findings") {
  std::string shellcheck = shellcheckPath();
  std::vector<std::string> files = yamlFilesUnder(GALLEY_SOURCE_DIR "/tests/lint/azure");
  REQUIRE(files.size() >= 20);
  for (const auto& path : files) {
    bool needsShellcheck = path.ends_with("/shellcheck.yml");
    if (needsShellcheck && shellcheck.empty()) {
      MESSAGE("skipped " << path << ": shellcheck is not installed");
      continue;
    }
    Sources sources;
    std::string err;
    const SourceFile* f = sources.read(path, &err);
    REQUIRE_MESSAGE(f, err);
    LintOptions options;
    options.shellcheck = shellcheck;
    Diagnostics found;
    lintFile(*f, FileKind::Azure, nullptr, options, found);
    std::set<std::string> got;
    for (const auto& d : found.all())
      got.insert(std::to_string(d.where.begin.line) + ":" + std::to_string(d.where.begin.column) +
                 " " + d.rule);
    std::set<std::string> want = expectedIn(std::string(f->text()));
    REQUIRE_MESSAGE(!want.empty(), path << " lists no expected findings");
    CHECK_MESSAGE(got == want, path << "\n" << testing::rendered(found));
  }
}

TEST_CASE("every real Azure pipeline of the shared corpus lints without a crash") {
  fs::path corpus = testing::sharedDir() + "/corpus/ado";
  if (!fs::exists(corpus)) {
    MESSAGE("skipped: " << corpus.string() << " is missing");
    return;
  }
  size_t azure = 0, findings = 0;
  for (const auto& path : yamlFilesUnder(corpus)) {
    if (path.find("/runner.server/") != std::string::npos) continue;
    Sources sources;
    std::string err;
    const SourceFile* f = sources.read(path, &err);
    REQUIRE_MESSAGE(f, err);
    Diagnostics loadDiags;
    std::vector<yaml::Node> docs = yaml::loadAll(*f, loadDiags);
    bool isAzure = kindOf(path) == FileKind::Azure ||
                   (docs.size() == 1 && azure::looksLikeAzure(docs.front()));
    if (!isAzure) continue;
    ++azure;
    LintOptions options;
    Diagnostics found;
    lintFile(*f, FileKind::Azure, nullptr, options, found);
    for (const auto& d : found.all()) {
      CHECK_MESSAGE(d.where.file == f, path << ": " << d.message);
      CHECK_MESSAGE(d.where.begin.line > 0, path << ": " << d.message);
    }
    findings += found.all().size();
  }
  MESSAGE(azure << " Azure files, " << findings << " findings");
  CHECK(azure >= 60);
}

}  // namespace galley::lint

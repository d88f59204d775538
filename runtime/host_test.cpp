#include "runtime/host.h"

#include "runtime/commands.h"

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "runtime/files.h"
#include "tests/testing.h"

namespace galley::run {

namespace {

Clock::time_point at(double seconds) {
  return Clock::time_point(std::chrono::seconds(1'800'000'000)) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// The random stop-commands tokens, as one word, for exact comparisons.
std::string withoutTokens(const std::string& s) {
  return std::regex_replace(s, std::regex("[0-9a-f]{32}"), "TOKEN");
}

ViewOptions fixed() {
  return ViewOptions{false, [] { return at(0); }};
}

const JobInfo kBuild{0, "build", "build", "build", {}, {}};
const JobInfo kTest{1, "test", "test", "test", {}, {}};
const StepInfo kLint{0, "lint", "Lint", {}};
const StepInfo kPytest{0, "pytest", "Run pytest", {}};

LogLine out(std::string text) {
  return LogLine{at(1), Stream::Out, std::move(text)};
}

}  // namespace

TEST_CASE("the host is told by GITHUB_ACTIONS and TF_BUILD") {
  static std::map<std::string, std::string> env;
  auto get = [](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  env = {};
  CHECK(detectHost(get) == Host::None);
  env = {{"GITHUB_ACTIONS", "true"}};
  CHECK(detectHost(get) == Host::GitHubActions);
  env = {{"TF_BUILD", "True"}};
  CHECK(detectHost(get) == Host::AzurePipelines);
  env = {{"GITHUB_ACTIONS", "1"}};
  CHECK(detectHost(get) == Host::None);
}

TEST_CASE("command text is escaped as each host unescapes it") {
  CHECK(escapeCommandData("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b");
  CHECK(escapeCommandProperty("src/a:b,c%") == "src/a%3Ab%2Cc%25");
  CHECK(escapeAzureData("100% done\nx;y]") == "100%AZP25 done%0Ax;y]");
  CHECK(escapeAzureProperty("a;b]c%\r") == "a%3Bb%5Dc%AZP25%0D");
}

TEST_CASE("on GitHub a step is a group whose lines cannot issue commands") {
  std::ostringstream o;
  {
    HostView view(Host::GitHubActions, o, fixed(), HostFiles{"/nonexistent", "", ""});
    view.jobStarted(kBuild);
    view.stepStarted(kBuild, kLint);
    view.stepLog(kBuild, kLint, out("::add-mask::x"));
    view.annotation(
        Annotation{"error", "bad, very\nbad", "Lint", "src/a,b.py", 3, 0, 7, 0, "build", "lint"});
    view.stepLog(kBuild, kLint, out("after \033[1m"));
    view.stepFinished(kBuild, kLint, StepResult{});
    view.jobFinished(kBuild, JobResult{Result::Success, "", at(0), at(2), {}});
  }
  CHECK(withoutTokens(o.str()) ==
        "::group::build/Lint\n"
        "::stop-commands::TOKEN\n"
        "::add-mask::x\n"
        "::TOKEN::\n"
        "::error file=src/a%2Cb.py,line=3,col=7,title=Lint::bad, very%0Abad\n"
        "::stop-commands::TOKEN\n"
        "after ^[[1m\n"
        "::TOKEN::\n"
        "::endgroup::\n"
        "[build] success in 2.0s\n");
  // A fresh token after each command, and never a guessable one.
  std::string text = o.str();
  std::vector<std::string> tokens;
  std::regex stop("stop-commands::([0-9a-f]{32})");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), stop); it != std::sregex_iterator();
       ++it)
    tokens.push_back((*it)[1]);
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0] != tokens[1]);
}

TEST_CASE("overlapping steps keep their lines together, each in its own group") {
  std::ostringstream o;
  HostView view(Host::GitHubActions, o, fixed());
  view.stepStarted(kBuild, kLint);
  view.stepLog(kBuild, kLint, out("lint 1"));
  view.stepStarted(kTest, kPytest);  // ends lint's live group
  view.stepLog(kTest, kPytest, out("test 1"));
  view.stepLog(kBuild, kLint, out("lint 2"));
  view.stepLog(kTest, kPytest, out("test 2"));
  view.stepFinished(kBuild, kLint, StepResult{});  // lint's rest; test streams again
  view.stepLog(kTest, kPytest, out("test 3"));
  view.stepFinished(kTest, kPytest, StepResult{});
  CHECK(withoutTokens(o.str()) ==
        "::group::build/Lint\n::stop-commands::TOKEN\n"
        "lint 1\n"
        "::TOKEN::\n::endgroup::\n"
        "::group::build/Lint (continued)\n::stop-commands::TOKEN\n"
        "lint 2\n"
        "::TOKEN::\n::endgroup::\n"
        "::group::test/Run pytest\n::stop-commands::TOKEN\n"
        "test 1\n"
        "test 2\n"
        "test 3\n"
        "::TOKEN::\n::endgroup::\n");
}

TEST_CASE("on Azure a step is a group and its lines cannot issue logging commands") {
  std::ostringstream o;
  {
    HostView view(Host::AzurePipelines, o, fixed(), HostFiles{"", "", ""});
    view.stepStarted(kBuild, kLint);
    view.stepLog(kBuild, kLint, out("##vso[task.setvariable variable=x]1 and ##[error]no"));
    view.annotation(Annotation{"warning", "50% of ]x;", "", "a;b.py", 2, 0, 1, 0, "build", "lint"});
    view.annotation(Annotation{"notice", "fyi", "", "a.py", 9, 0, 0, 0, "build", "lint"});
    view.stepFinished(kBuild, kLint, StepResult{});
    std::string err;
    CHECK(view.setOutput("model", "v2\n%", &err));
  }
  CHECK(o.str() ==
        "##[group]build/Lint\n"
        "##\u200Bvso[task.setvariable variable=x]1 and ##\u200B[error]no\n"
        "##vso[task.logissue type=warning;sourcepath=a%3Bb.py;linenumber=2;columnnumber=1]50%AZP25 "
        "of ]x;\n"
        "a.py:9: notice: fyi\n"
        "##[endgroup]\n"
        "##vso[task.setvariable variable=model;isOutput=true]v2%0A%AZP25\n");
}

TEST_CASE("a job output goes to the host's GITHUB_OUTPUT with a delimiter not in the value") {
  std::string path =
      (std::filesystem::temp_directory_path() / ("galley-output-" + std::to_string(getpid())))
          .string();
  std::ostringstream o;
  HostView view(Host::GitHubActions, o, fixed(), HostFiles{path, "", ""});
  std::string err;
  REQUIRE(view.setOutput("report", "line 1\nline 2", &err));
  std::string text;
  REQUIRE(readWholeFile(path, &text, &err));
  std::filesystem::remove(path);
  CHECK(std::regex_match(text, std::regex("report<<(galley_[0-9a-f]{32})\nline 1\nline 2\n\\1\n")));
  unsetenv("GITHUB_OUTPUT");
  CHECK_FALSE(HostView(Host::GitHubActions, o, fixed()).setOutput("x", "y", &err));
  CHECK(err == "GITHUB_OUTPUT is not set");
}

}  // namespace galley::run

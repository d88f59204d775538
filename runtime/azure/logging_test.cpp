#include "runtime/azure/logging.h"

#include <doctest/doctest.h>

#include <vector>

namespace galley::run::azure {

namespace {

// Records each call as one line of text.
class Recorder final : public CommandTarget {
 public:
  std::vector<std::string> calls;
  void setVariable(const std::string& name, const std::string& value, bool secret, bool readonly,
                   bool output) override {
    calls.push_back("var " + name + "=" + value + (secret ? " secret" : "") +
                    (readonly ? " readonly" : "") + (output ? " output" : ""));
  }
  void issue(const std::string& level, const std::string& message, const std::string& file,
             uint32_t line, uint32_t column, const std::string& code) override {
    calls.push_back(level + " " + message + " @" + file + ":" + std::to_string(line) + ":" +
                    std::to_string(column) + " " + code);
  }
  void complete(const std::string& result) override { calls.push_back("complete " + result); }
  void prependPath(const std::string& dir) override { calls.push_back("path " + dir); }
  void summaryFile(const std::string& path) override { calls.push_back("summary " + path); }
  void upload(const std::string& artifact, const std::string& folder,
              const std::string& path) override {
    calls.push_back("upload " + artifact + "/" + folder + " " + path);
  }
  void note(const std::string& text) override { calls.push_back("note " + text); }
  void warning(const std::string& text) override { calls.push_back("warning " + text); }
};

std::vector<std::string> apply(std::string_view line) {
  Recorder r;
  auto c = parseLoggingCommand(line);
  REQUIRE(c);
  applyCommand(*c, r);
  return r.calls;
}

}  // namespace

TEST_CASE("task.setvariable passes its flags, ignoring case, and the %AZP25-decoded value") {
  CHECK(apply("##vso[task.setvariable variable=v;isOutput=TRUE;isSecret=false]100%AZP25") ==
        std::vector<std::string>{"var v=100% output"});
  CHECK(apply("##vso[task.setvariable variable=s;issecret=true;isreadonly=true]x") ==
        std::vector<std::string>{"var s=x secret readonly"});
  CHECK(apply("##vso[task.setvariable]x") ==
        std::vector<std::string>{"warning ##vso[task.setvariable] needs a 'variable' property"});
}

TEST_CASE("a secret is known before the line is logged") {
  auto c = parseLoggingCommand("##vso[task.setvariable variable=t;issecret=true]hush");
  REQUIRE(c);
  CHECK(secretOf(*c) == "hush");
  c = parseLoggingCommand("##vso[task.setsecret]quiet");
  REQUIRE(c);
  CHECK(secretOf(*c) == "quiet");
  c = parseLoggingCommand("##vso[task.setvariable variable=t]open");
  REQUIRE(c);
  CHECK(secretOf(*c).empty());
}

TEST_CASE("task.logissue is an annotation with its place; task.complete reads its result") {
  CHECK(apply("##vso[task.logissue type=warning;sourcepath=a.py;linenumber=3;columnnumber=4;"
              "code=W1]look") == std::vector<std::string>{"warning look @a.py:3:4 W1"});
  CHECK(apply("##vso[task.logissue type=error]bad") ==
        std::vector<std::string>{"error bad @:0:0 "});
  CHECK(apply("##vso[task.complete result=failed]done") ==
        std::vector<std::string>{"complete Failed", "note done"});
  CHECK(apply("##vso[task.complete]") == std::vector<std::string>{"complete Succeeded"});
}

TEST_CASE("build tags cannot hold ':'; unknown commands are warnings, not failures") {
  CHECK(apply("##vso[build.addbuildtag]a:b") ==
        std::vector<std::string>{"warning build tag 'a:b' cannot hold ':'"});
  CHECK(apply("##vso[build.addbuildtag]nightly") ==
        std::vector<std::string>{"note Added build tag 'nightly'"});
  CHECK(apply("##vso[foo.bar]x") ==
        std::vector<std::string>{"warning ##vso[foo.bar] is not a logging command galley knows"});
  CHECK(apply("##vso[artifact.upload artifactname=out;containerfolder=f]dist") ==
        std::vector<std::string>{"upload out/f dist"});
  CHECK(apply("##vso[task.prependpath]/opt/bin") == std::vector<std::string>{"path /opt/bin"});
}

}  // namespace galley::run::azure

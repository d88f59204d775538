#include "runtime/commands.h"

#include <doctest/doctest.h>

using namespace galley::run;

namespace {

struct Parsed {
  bool ok;
  Properties pairs;
  std::string err;
};

Parsed kv(std::string_view text) {
  Parsed p;
  p.ok = parseKeyValueFile(text, &p.pairs, &p.err);
  return p;
}

using P = Properties;

}  // namespace

// ---- GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE --------------------------------

TEST_CASE("env file: NAME=VALUE lines, empty lines skipped, '=' kept in values") {
  Parsed p = kv("MY_ENV=my value\n\nMY_ENV_2=\nA==abc\nB=def=ghi\nC=jkl=\n");
  CHECK(p.ok);
  CHECK(
      p.pairs ==
      P{{"MY_ENV", "my value"}, {"MY_ENV_2", ""}, {"A", "=abc"}, {"B", "def=ghi"}, {"C", "jkl="}});
  CHECK(kv("").pairs.empty());
  CHECK(kv("\n\n").ok);
}

TEST_CASE("env file: an empty name is accepted, as the runner accepts it") {
  Parsed p = kv("=value");
  CHECK(p.ok);
  CHECK(p.pairs == P{{"", "value"}});
}

TEST_CASE("env file: a CR stays in the value (LF only splits lines on Linux)") {
  CHECK(kv("A=1\r\nB=2").pairs == P{{"A", "1\r"}, {"B", "2"}});
}

TEST_CASE("env file: a leading byte-order mark is ignored") {
  CHECK(kv("\xEF\xBB\xBF"
           "A=1")
            .pairs == P{{"A", "1"}});
}

TEST_CASE("env file: heredocs keep their lines and line breaks, not the last one") {
  Parsed p =
      kv("MY_ENV<<EOF\nline one\nline two\nEOF\n"
         "EMPTY<<EOF\nEOF\n"
         "A<<=EOF\nhello\n=EOF\n"
         "B<<<EOF\nx\n<EOF\n"
         "C<<EOF\nhello\n\nthree\n\nEOF\n"
         "D<<EOF\nhello=four\nEOF\n"
         "E<<EOF\n EOF\nEOF");
  CHECK(p.ok);
  CHECK(p.pairs == P{{"MY_ENV", "line one\nline two"},
                     {"EMPTY", ""},
                     {"A", "hello"},
                     {"B", "x"},
                     {"C", "hello\n\nthree\n"},
                     {"D", "hello=four"},
                     {"E", " EOF"}});
}

TEST_CASE("env file: a heredoc delimiter must match exactly, quotes included") {
  Parsed p = kv("A=1\nname<<'EOF'\nvalue\nEOF\n");
  CHECK_FALSE(p.ok);
  CHECK(p.err == "Invalid value. Matching delimiter not found ''EOF''");
  // The pairs before the error are kept: the runner has applied them.
  CHECK(p.pairs == P{{"A", "1"}});
}

TEST_CASE("env file: the runner's error messages") {
  CHECK(kv("just text").err == "Invalid format 'just text'");
  CHECK(kv("A=1\nbad\nB=2").err == "Invalid format 'bad'");
  CHECK(kv("<<EOF\nx\nEOF").err ==
        "Invalid format '<<EOF'. Name must not be empty and delimiter must not be empty");
  CHECK(kv("NAME<<\nx").err ==
        "Invalid format 'NAME<<'. Name must not be empty and delimiter must not be empty");
  CHECK(kv("A<<EOF\nline\n").err == "Invalid value. Matching delimiter not found 'EOF'");
  CHECK(kv("A<<EOF").err == "Invalid value. Matching delimiter not found 'EOF'");
  CHECK(kv("A<<EOF\nline one\nline three EOF").err ==
        "Invalid value. EOF marker missing new line.");
  CHECK(kv("A<<EOF\nline\nEOF\r\n").err == "Invalid value. Matching delimiter not found 'EOF'");
}

TEST_CASE("env file: a delimiter at the end of the file needs no line break") {
  CHECK(kv("A<<EOF\nv\nEOF").pairs == P{{"A", "v"}});
}

TEST_CASE("path file: each non-empty line, split at LF, CR or CRLF") {
  using V = std::vector<std::string>;
  CHECK(parsePathFile("/a\n\n/b\r\n/c\r/d") == V{"/a", "/b", "/c", "/d"});
  CHECK(parsePathFile("\xEF\xBB\xBF/opt/bin\n") == V{"/opt/bin"});
  CHECK(parsePathFile(" \n") == V{" "});
  CHECK(parsePathFile("").empty());
}

// ---- Workflow commands ---------------------------------------------------------

TEST_CASE("workflow command: ::name k=v,k=v::data with its unescaping") {
  auto c = parseWorkflowCommand(
      "  ::error file=app.js,line=10,title=a%3Ab%2Cc%25%0A::Missing semicolon%0Anext%25%3A");
  REQUIRE(c);
  CHECK(c->name == "error");
  CHECK(c->properties == P{{"file", "app.js"}, {"line", "10"}, {"title", "a:b,c%\n"}});
  CHECK(c->data == "Missing semicolon\nnext%%3A");  // %3A is not unescaped in data
  CHECK(*c->property("FILE") == "app.js");
  CHECK(c->property("col") == nullptr);
}

TEST_CASE("workflow command: only the runner's command names are commands") {
  CHECK_FALSE(parseWorkflowCommand("::foo::bar"));
  CHECK_FALSE(parseWorkflowCommand("::warning"));
  CHECK_FALSE(parseWorkflowCommand("x ::warning::text"));
  CHECK_FALSE(parseWorkflowCommand(""));
  CHECK(isWorkflowCommandName("add-mask"));
  CHECK(isWorkflowCommandName("Set-Output"));
  CHECK_FALSE(isWorkflowCommandName("internal-set-repo-path"));
  auto c = parseWorkflowCommand("::WARNING::loud");
  REQUIRE(c);
  CHECK(c->name == "warning");
  CHECK(c->data == "loud");
  c = parseWorkflowCommand("::mytoken::", "MyToken");
  REQUIRE(c);
  CHECK(c->name == "mytoken");
}

TEST_CASE("workflow command: properties as .NET splits them") {
  auto c = parseWorkflowCommand("::warning  file=a, line=2,,=x,noval,k==v,=j=w,File=b ::d");
  REQUIRE(c);
  // Keys are not trimmed; a repeated key keeps its first spelling, last value.
  CHECK(c->properties == P{{"file", "b"}, {" line", "2"}, {"k", "v"}, {"j", "w"}});
  CHECK(c->data == "d");
  c = parseWorkflowCommand("::group::");
  REQUIRE(c);
  CHECK(c->properties.empty());
  CHECK(c->data.empty());
}

TEST_CASE("workflow command: the legacy ##[name k=v;k=v]data form, anywhere in the line") {
  auto c = parseWorkflowCommand("prefix ##[set-output name=a%3Bb%5D]va%3Bl%0Aue%5D");
  REQUIRE(c);
  CHECK(c->name == "set-output");
  CHECK(c->properties == P{{"name", "a;b]"}});
  CHECK(c->data == "va;l\nue]");
  CHECK_FALSE(parseWorkflowCommand("##[section]Starting"));
  CHECK_FALSE(parseWorkflowCommand("##[warning text"));
  // Not a V2 command (unknown name), but a legacy one further on.
  c = parseWorkflowCommand("::foo::##[warning]x");
  REQUIRE(c);
  CHECK(c->name == "warning");
  CHECK(c->data == "x");
}

TEST_CASE("workflow command: unescaping applies the mappings in the runner's order") {
  // %25 last: "%250A" is "%0A" literally, not a line break.
  CHECK(parseWorkflowCommand("::debug::%250A")->data == "%0A");
  CHECK(parseWorkflowCommand("::debug f=%253A::x")->properties == P{{"f", "%3A"}});
}

// ---- CommandReader -----------------------------------------------------------------

TEST_CASE("command reader: plain lines are logged, commands returned") {
  CommandReader r;
  CHECK_FALSE(r.feed("hello"));
  CHECK(r.logText() == "hello");
  auto c = r.feed("::warning::careful");
  REQUIRE(c);
  CHECK(c->name == "warning");
  CHECK_FALSE(r.logText());  // echo is off
  CHECK(r.error().empty());
}

TEST_CASE("command reader: stop-commands suspends commands until the token") {
  CommandReader r;
  CHECK_FALSE(r.feed("::stop-commands::pause-token-1"));
  CHECK(r.logText() == "::stop-commands::pause-token-1");
  CHECK(r.takeMaskToken() == "pause-token-1");
  CHECK_FALSE(r.takeMaskToken());  // once
  CHECK(r.stopped());
  CHECK_FALSE(r.feed("::warning::not a command now"));
  CHECK(r.logText() == "::warning::not a command now");
  CHECK_FALSE(r.feed("::PAUSE-TOKEN-1::"));  // the resume line, any case
  CHECK(r.logText() == "::PAUSE-TOKEN-1::");
  CHECK_FALSE(r.stopped());
  CHECK(r.feed("::warning::a command again"));
}

TEST_CASE("command reader: the legacy form also resumes") {
  CommandReader r;
  r.feed("::stop-commands::abc");
  CHECK_FALSE(r.takeMaskToken());  // 6 characters or fewer are not masked
  r.feed("##[abc]");
  CHECK_FALSE(r.stopped());
}

TEST_CASE("command reader: invalid stop tokens are refused unless allowed") {
  std::string message =
      "You cannot use a endToken that is an empty string, the string 'pause-logging', or another "
      "workflow command. For more information see: "
      "https://docs.github.com/actions/learn-github-actions/"
      "workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands or "
      "opt into insecure command execution by setting the "
      "`ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`.";
  for (const char* line : {"::stop-commands::", "::stop-commands::Pause-Logging",
                           "::stop-commands::warning", "::stop-commands::stop-commands"}) {
    CommandReader r;
    CHECK_FALSE(r.feed(line));
    CHECK(r.error() == message);
    CHECK_FALSE(r.stopped());
    CHECK(r.feed("::warning::still processed"));
  }
  CommandReader allowed(true);
  allowed.feed("::stop-commands::warning");
  CHECK(allowed.error().empty());
  CHECK(allowed.stopped());
  CHECK_FALSE(allowed.feed("::error::x"));
  CHECK_FALSE(allowed.feed("::warning::"));
  CHECK_FALSE(allowed.stopped());
}

TEST_CASE("command reader: echo on logs commands, except those the runner never echoes") {
  CommandReader r;
  CHECK_FALSE(r.feed("::echo::on"));
  CHECK_FALSE(r.logText());  // echo was off when it came
  CHECK(r.echo());
  CHECK(r.feed("::set-output name=a::1"));
  CHECK(r.logText() == "::set-output name=a::1");
  CHECK(r.feed("::group::Title"));
  CHECK(r.logText() == "::group::Title");
  CHECK(r.feed("::warning::w"));
  CHECK_FALSE(r.logText());
  CHECK(r.feed("::add-mask::s3cr3t"));
  CHECK(r.logText() == "::add-mask::***");
  CHECK(r.feed("::add-mask:: "));
  CHECK_FALSE(r.logText());
  CHECK_FALSE(r.feed("::echo:: OFF "));
  CHECK(r.logText() == "::echo:: OFF ");
  CHECK_FALSE(r.echo());
  CommandReader debug(false, true);
  CHECK(debug.echo());
}

TEST_CASE("command reader: a bad echo value is the runner's error") {
  CommandReader r;
  r.feed("::echo::maybe");
  CHECK(r.error() ==
        "Unable to process command '::echo::maybe' successfully.\n"
        "Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: "
        "'maybe'.");
  r.feed("::echo::");
  CHECK(r.error() ==
        "Unable to process command '::echo::' successfully.\n"
        "Value cannot be null. (Parameter 'value')");
  r.feed("next");
  CHECK(r.error().empty());
}

// ---- Azure logging commands ------------------------------------------------------

TEST_CASE("azure: ##vso[area.action k=v;k=v]message with the agent's unescaping") {
  auto c = parseLoggingCommand(
      "text ##vso[task.setvariable variable=out;isOutput=true;isSecret=false]a%3Bb%0Ac%5D%AZP25");
  REQUIRE(c);
  CHECK(c->area == "task");
  CHECK(c->action == "setvariable");
  CHECK(c->properties == P{{"variable", "out"}, {"isOutput", "true"}, {"isSecret", "false"}});
  CHECK(*c->property("isoutput") == "true");
  CHECK(c->data == "a;b\nc]%");
  // %AZP25 last: "%AZP253B" is "%3B" literally.
  CHECK(parseLoggingCommand("##vso[task.debug]%AZP253B")->data == "%3B");
  // Properties keep .NET's split: empty pieces gone, key and value required.
  c = parseLoggingCommand("##vso[task.logissue ;type=error;;x;=y;linenumber==3 ]m");
  REQUIRE(c);
  CHECK(c->properties == P{{"type", "error"}, {"linenumber", "3 "}});
}

TEST_CASE("azure: the name must be exactly area.action") {
  CHECK_FALSE(parseLoggingCommand("##vso[task]x"));
  CHECK_FALSE(parseLoggingCommand("##vso[a.b.c]x"));
  CHECK_FALSE(parseLoggingCommand("##vso[task.setvariable variable=x"));
  auto c = parseLoggingCommand("##vso[task..complete result=Failed]");
  REQUIRE(c);
  CHECK(c->action == "complete");
  CHECK(azureMalformedWarning("##vso[task]x") ==
        "'##vso[task]x' contains logging command keyword '##vso', but it's not a legal command. "
        "Please see the list of accepted commands: https://go.microsoft.com/fwlink/?LinkId=817296");
}

TEST_CASE("azure: formatting commands at the start of a line") {
  auto c = parseLoggingCommand("##[group]Build");
  REQUIRE(c);
  CHECK(c->area.empty());
  CHECK(c->action == "group");
  CHECK(c->data == "Build");
  CHECK(parseLoggingCommand("##[endgroup]")->action == "endgroup");
  CHECK(parseLoggingCommand("##[Section]Start")->action == "section");
  CHECK_FALSE(parseLoggingCommand("  ##[group]x"));
  CHECK_FALSE(parseLoggingCommand("##[groups]x"));
  CHECK_FALSE(parseLoggingCommand("plain"));
}

// ---- Escaping ---------------------------------------------------------------------

TEST_CASE("escaping: commands for GitHub round-trip through the parser") {
  CHECK(escapeCommandData("50%\r\nnext: a,b") == "50%25%0D%0Anext: a,b");
  CHECK(escapeCommandProperty("C:\\a,b%\n") == "C%3A\\a%2Cb%25%0A");
  std::string data = "100% done\nfile: x,y %0A";
  std::string prop = "a:b,c%25\r\n";
  auto c = parseWorkflowCommand("::error title=" + escapeCommandProperty(prop) +
                                "::" + escapeCommandData(data));
  REQUIRE(c);
  CHECK(c->data == data);
  CHECK(*c->property("title") == prop);
}

TEST_CASE("escaping: commands for Azure round-trip through the parser") {
  CHECK(escapeAzureData("50%;]\r\n") == "50%AZP25;]%0D%0A");
  CHECK(escapeAzureProperty("a;b]%\n") == "a%3Bb%5D%AZP25%0A");
  std::string data = "100% done\n%3B";
  std::string prop = "x;y]z%5D";
  auto c = parseLoggingCommand("##vso[task.logissue type=" + escapeAzureProperty(prop) + "]" +
                               escapeAzureData(data));
  REQUIRE(c);
  CHECK(c->data == data);
  CHECK(*c->property("type") == prop);
}

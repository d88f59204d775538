#include "compiler/shell_quoting.h"

#include <doctest/doctest.h>

using namespace galley;

namespace {

ShellQuoting after(const std::string& script) {
  ShellQuoting q;
  for (char c : script)
    q.feed(c);
  return q;
}

}  // namespace

TEST_CASE("shell quoting: a reference in plain words is double-quoted") {
  CHECK(after("echo ").expansion("X", false) == "\"${X}\"");
  CHECK(after("pip install ").expansion("X", true) == "${X}");
}

TEST_CASE("shell quoting: inside double quotes the variable is bare") {
  CHECK(after("echo \"name: ").expansion("X", false) == "${X}");
  CHECK(after("echo \"a\\\" ").expansion("X", false) == "${X}");
  CHECK(after("echo \"a\" ").expansion("X", false) == "\"${X}\"");
}

TEST_CASE("shell quoting: inside single quotes the quotes are closed around it") {
  CHECK(after("echo 'name: ").expansion("X", false) == "'\"${X}\"'");
}

TEST_CASE("shell quoting: here-documents expand unless their delimiter is quoted") {
  CHECK(after("cat <<EOF\nmodel: ").state() == ShellQuoting::State::Heredoc);
  CHECK(after("cat <<EOF\nmodel: ").expansion("X", false) == "${X}");
  CHECK(after("python - <<'EOF'\nprint(").state() == ShellQuoting::State::QuotedHeredoc);
  CHECK(after("python - <<'EOF'\nx\nEOF\necho ").expansion("X", false) == "\"${X}\"");
  CHECK(after("cat <<-END\n\tx\n\tEND\necho ").state() == ShellQuoting::State::Plain);
  CHECK(after("grep x <<< \"$v\"\necho ").state() == ShellQuoting::State::Plain);
}

TEST_CASE("shell quoting: command substitution opens a fresh context inside double quotes") {
  CHECK(after("mkdir -p \"$(dirname -- ").expansion("X", false) == "\"${X}\"");
  CHECK(after("mkdir -p \"$(dirname -- x) ").expansion("X", false) == "${X}");
}

namespace {

// Whether a reference at the end of `before`, followed by `after`, stands
// where bash evaluates arithmetic.
bool arithmetic(const std::string& before, const std::string& after = "") {
  ShellQuoting q;
  for (char c : before)
    q.feed(c);
  q.reference(0);
  q.feed('x');
  for (char c : after)
    q.feed(c);
  q.feed('\n');
  return !q.arithmeticReferences().empty();
}

}  // namespace

TEST_CASE("shell quoting: a '#' that begins a word comments out the rest of the line") {
  CHECK(after("# don't\nrm ").expansion("X", false) == "\"${X}\"");
  CHECK(after("# say \"hi\nrm ").expansion("X", false) == "\"${X}\"");
  CHECK(after("echo hi # it's ").state() == ShellQuoting::State::Comment);
  CHECK(after("echo hi # it's ").expansion("X", false) == "${X}");
  CHECK(after("echo a#b 'c ").state() == ShellQuoting::State::Single);
  CHECK(after("echo $# 'c ").state() == ShellQuoting::State::Single);
  CHECK(after("echo \\# 'c ").state() == ShellQuoting::State::Single);
  CHECK(after("echo \"# 'c\" ").expansion("X", false) == "\"${X}\"");
  // A "<<" in a comment opens no here-document.
  CHECK(after("echo # cat <<EOF\necho ").state() == ShellQuoting::State::Plain);
  CHECK(after("echo '<<' ; cat <<EOF\nx: ").state() == ShellQuoting::State::Heredoc);
}

TEST_CASE("shell quoting: arithmetic contexts are told apart from words") {
  CHECK(arithmetic("echo $(( ", " + 1 ))"));
  CHECK(arithmetic("echo \"$(( ", " + 1 ))\""));
  CHECK(arithmetic("(( n = ", " ))"));
  CHECK(arithmetic("for ((i = 0; i < ", "; i++)); do :; done"));
  CHECK(arithmetic("echo $[ ", " ]"));
  CHECK(arithmetic("let n=", "+1"));
  CHECK(arithmetic("if [[ ", " -gt 1 ]]; then :; fi"));
  CHECK(arithmetic("[[ 1 -le \"", "\" ]]"));
  CHECK(arithmetic("a[", "]=1"));
  CHECK(arithmetic("echo ${a[", "]}"));
  CHECK(arithmetic("echo \"${v:", "}\""));
  CHECK(arithmetic("echo $(( $(cat ", ") ))"));
  CHECK_FALSE(arithmetic("echo ", " $(( 1 + 1 ))"));
  CHECK_FALSE(arithmetic("echo $(( 1 )) ", ""));
  CHECK_FALSE(arithmetic("(( n = 1 )); echo ", ""));
  CHECK_FALSE(arithmetic("let n=1; echo ", ""));
  CHECK_FALSE(arithmetic("[[ ", " == main ]]"));
  CHECK_FALSE(arithmetic("[[ 2 -gt 1 ]] || echo ", ""));
  CHECK_FALSE(arithmetic("[ ", " -gt 1 ]"));
  CHECK_FALSE(arithmetic("echo ${v:-", "}"));
  CHECK_FALSE(arithmetic("echo a[", "]"));
  CHECK_FALSE(arithmetic("echo $(dirname ", ")"));
  CHECK_FALSE(arithmetic("# $(( ", " ))"));
  CHECK_FALSE(arithmetic("echo '$(( ", " ))'"));
}

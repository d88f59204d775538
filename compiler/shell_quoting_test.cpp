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

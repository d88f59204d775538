#include "runtime/display.h"

#include "tests/testing.h"

namespace galley::run {

TEST_CASE("control characters from a program print in caret notation") {
  CHECK(printable("a\033[31mred\033[0m") == "a^[[31mred^[[0m");
  CHECK(printable("bell\a del\x7f") == "bell^G del^?");
  CHECK(printable("one\ntwo\r") == "one^Jtwo^M");
  CHECK(printable("tab\there") == "tab\there");
  CHECK(printable("tab\there", false) == "tab here");
  // C1 controls (U+009B is a one-byte CSI on some terminals) and bytes that are not UTF-8.
  CHECK(printable("x\xc2\x9b"
                  "1m y\xff") == "x?1m y?");
  CHECK(printable("héllo ✓ 日本") == "héllo ✓ 日本");
}

TEST_CASE("widths count wide characters twice and lines are cut to the width") {
  CHECK(displayWidth("abc") == 3);
  CHECK(displayWidth("✓ ok") == 4);
  CHECK(displayWidth("日本") == 4);
  CHECK(fitWidth("hello world", 20) == "hello world");
  CHECK(fitWidth("hello world", 6) == "hello…");
  CHECK(fitWidth("日本語テキスト", 6) == "日本…");
  CHECK(displayWidth(fitWidth("日本語テキスト", 6)) <= 6);
  CHECK(fitWidth("a\033bc", 4) == "a^[…");
  CHECK(fitWidth("anything", 0) == "");
  CHECK(padTo("ab", 4) == "ab  ");
  CHECK(padTo("abcdef", 4) == "abcdef");
}

TEST_CASE("durations read as seconds, minutes or hours") {
  using namespace std::chrono;
  CHECK(formatDuration(milliseconds(420)) == "0.4s");
  CHECK(formatDuration(milliseconds(59'940)) == "59.9s");
  CHECK(formatDuration(seconds(65)) == "1m 05s");
  CHECK(formatDuration(minutes(123)) == "2h 03m");
  CHECK(formatDuration(seconds(-3)) == "0.0s");
}

}  // namespace galley::run

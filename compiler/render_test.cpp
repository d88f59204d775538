#include "compiler/render.h"

#include <doctest/doctest.h>

#include "tests/testing.h"

using namespace galley;

TEST_CASE("printable escapes what could drive a terminal and keeps the rest") {
  CHECK(printable("plain text, café, 日本") == "plain text, café, 日本");
  CHECK(printable("\x1b[2J\x1b]0;x\x07") == "\\x1b[2J\\x1b]0;x\\x07");
  CHECK(printable("a\nb\tc\rd") == "a\\nb\\tc\\rd");
  CHECK(printable("del\x7f") == "del\\x7f");
  CHECK(printable("c1 \xc2\x9b") == "c1 \\x9b");          // U+009B, CSI
  CHECK(printable("raw \x9b byte") == "raw \\x9b byte");  // not UTF-8
  CHECK(printable("rtl \xe2\x80\xae") == "rtl \\u202e");  // right-to-left override
  CHECK(printable("a\\b") == "a\\b");
}

TEST_CASE("the text renderer escapes control characters in paths, messages and hints") {
  Sources sources;
  const SourceFile* f = sources.add("wf\x1b[31m.yml", "\"\x1b[2J\": 1\n");
  Diagnostics ds;
  ds.error({f, {1, 1}, {1, 8}}, "unknown-key", "unexpected key '\x1b[2J'", "did you mean '\x07'?")
      .notes.push_back({{f, {1, 1}, {1, 1}}, "note \x1b]0;title\x07"});
  CHECK(testing::rendered(ds) ==
        "wf\\x1b[31m.yml:1:1: error: unexpected key '\\x1b[2J' [unknown-key]\n"
        "\"?[2J\": 1\n"
        "^~~~~~~\n"
        "  hint: did you mean '\\x07'?\n"
        "wf\\x1b[31m.yml:1:1: note: note \\x1b]0;title\\x07\n"
        "\"?[2J\": 1\n"
        "^\n");
}

TEST_CASE("a source line's bytes that are not UTF-8 or are C1 controls show as '?'") {
  Sources sources;
  const SourceFile* f = sources.add("a.yml", "x: \x9b\xc2\x9b y\n");
  Diagnostics ds;
  ds.error({f, {1, 8}, {1, 9}}, "r", "m");
  CHECK(testing::rendered(ds) == "a.yml:1:8: error: m [r]\nx: ??? y\n       ^\n");
}

TEST_CASE("a message quotes a long value as an excerpt of whole characters") {
  CHECK(excerpt("short") == "short");
  CHECK(excerpt(std::string(80, 'a')) == std::string(80, 'a'));
  CHECK(excerpt(std::string(81, 'a')) == std::string(80, 'a') + "...");
  // 79 ASCII bytes then a 2-byte character across the cut: it is left out.
  CHECK(excerpt(std::string(79, 'a') + "\xc3\xa9" + "zz") == std::string(79, 'a') + "...");
}

TEST_CASE("the caret sits under the character a byte column names, past wide and multibyte ones") {
  Sources sources;
  const SourceFile* f = sources.add(
      "ci.yml", "      - run: echo \"\xc3\xa9\xf0\x9f\x9a\x80 ${{ github.event.issue.title }}\"\n");
  Diagnostics ds;
  // 31 and 55: byte columns of 'github' and of the '}' after 'title', as actionlint counts.
  ds.error({f, {1, 31}, {1, 55}}, "template-injection", "m");
  CHECK(testing::rendered(ds) ==
        "ci.yml:1:31: error: m [template-injection]\n"
        "      - run: echo \"\xc3\xa9\xf0\x9f\x9a\x80 ${{ github.event.issue.title }}\"\n"
        "                          ^~~~~~~~~~~~~~~~~~~~~~~~\n");
}

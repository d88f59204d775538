#include "runtime/contexts.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

namespace galley::run {

namespace {

std::string dotenv(const std::string& text, std::vector<std::pair<std::string, std::string>>* out) {
  std::string path = "/tmp/galley-dotenv-test-" + std::to_string(::getpid());
  std::ofstream(path, std::ios::binary) << text;
  std::string err;
  bool ok = readDotenv(path, out, &err);
  std::remove(path.c_str());
  return ok ? "" : err.substr(err.find(':'));
}

}  // namespace

TEST_CASE("dotenv files: comments, export, quotes and multi-line values") {
  std::vector<std::pair<std::string, std::string>> kv;
  CHECK(dotenv("# a comment\nA=1\nexport B = two words # "
               "note\nC=\"x\\ny\"\nD='it''s'\nE=\"line1\nline2\"\n\n",
               &kv) == "");
  REQUIRE(kv.size() == 5);
  CHECK(kv[0] == std::pair<std::string, std::string>{"A", "1"});
  CHECK(kv[1] == std::pair<std::string, std::string>{"B", "two words"});
  CHECK(kv[2].second == "x\ny");
  CHECK(kv[4].second == "line1\nline2");
}

TEST_CASE("a dotenv line without '=' or with an open quote names its line") {
  std::vector<std::pair<std::string, std::string>> kv;
  CHECK(dotenv("A=1\nnope\n", &kv) == ":2: expected KEY=VALUE");
  CHECK(dotenv("A=\"open\n", &kv) == ":1: unclosed \" quote");
}

TEST_CASE("--input values must fit a number or boolean input's type") {
  std::vector<wf::Input> declared(2);
  declared[0].name = "n";
  declared[0].type = "number";
  declared[1].name = "b";
  declared[1].type = "boolean";
  expr::Value v;
  std::string err;
  CHECK_FALSE(inputsContext(declared, {{"n", "abc"}}, &v, &err));
  CHECK(err == "input 'n' is a number, not 'abc'");
  CHECK_FALSE(inputsContext(declared, {{"b", "yes"}}, &v, &err));
  CHECK(err == "input 'b' is a boolean: true or false, not 'yes'");
  REQUIRE(inputsContext(declared, {{"n", "2.5"}, {"b", "true"}}, &v, &err));
  CHECK(expr::toNumber(*v.asObject().find("n")) == 2.5);
}

}  // namespace galley::run

#include "compiler/json_writer.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace galley;

TEST_CASE("JSON strings are escaped as nlohmann::json escapes them") {
  for (std::string s :
       {std::string("plain"), std::string("quote \" and \\ backslash"), std::string("\b\f\n\r\t"),
        std::string("nul \0 and \x01\x1f\x7f", 13),
        std::string("\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80"), std::string("/ < > &")}) {
    std::string ours;
    appendJsonString(ours, s);
    CHECK(ours == nlohmann::json(s).dump());
  }
}

TEST_CASE("JSON strings replace bytes that are not UTF-8, where nlohmann::json throws") {
  std::string out;
  // A stray byte, a cut sequence, a surrogate, an overlong '/'.
  appendJsonString(out,
                   "a\xff"
                   "b\xc3(\xed\xa0\x80\xc0\xaf");
  const char* fffd = "\xEF\xBF\xBD";
  CHECK(out ==
        std::string("\"a") + fffd + "b" + fffd + "(" + fffd + fffd + fffd + fffd + fffd + "\"");
}

TEST_CASE("JSON objects are written with their members as dump(2) indents them") {
  std::string text;
  {
    JsonObject o(text, 0);
    o.number("a", 1);
    {
      JsonObject inner(o.key("b"), 1);
      inner.string("c", "d");
    }
    JsonObject empty(o.key("e"), 1);
  }
  nlohmann::json j = {{"a", 1}, {"b", {{"c", "d"}}}, {"e", nlohmann::json::object()}};
  CHECK(text == j.dump(2));
}

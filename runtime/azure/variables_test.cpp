#include "runtime/azure/variables.h"

#include <doctest/doctest.h>

namespace galley::run::azure {

TEST_CASE("variable names become environment names upper-cased, '.' and ' ' as '_'") {
  CHECK(envName("Build.SourcesDirectory") == "BUILD_SOURCESDIRECTORY");
  CHECK(envName("my var.x-y") == "MY_VAR_X-Y");
}

TEST_CASE("a variable set again in another case replaces it, unless it is read-only") {
  Variables v;
  v.set("Color", "red");
  v.set("color", "blue");
  REQUIRE(v.all().size() == 1);
  CHECK(v.find("COLOR")->value == "blue");
  v.set("fixed", "1", false, true);
  std::string err;
  CHECK_FALSE(v.set("Fixed", "2", false, false, &err));
  CHECK(err == "variable 'fixed' is read-only and cannot be changed");
  CHECK(v.find("fixed")->value == "1");
}

TEST_CASE("secret variables stay out of the environment but macros see them") {
  Variables v;
  v.set("token", "s3cret", true);
  v.set("a.b", "x");
  auto env = v.environment();
  REQUIRE(env.size() == 1);
  CHECK(env[0] == std::pair<std::string, std::string>{"A_B", "x"});
  std::string out, err;
  REQUIRE(v.expand("t=$(token)", &out, &err));
  CHECK(out == "t=s3cret");
}

TEST_CASE("an undefined macro is left as written and the text after its '$' is read on") {
  Variables v;
  v.set("dir", "/w");
  std::string out, err;
  REQUIRE(v.expand(R"x(ls $(nope) "$(cd "$(dir)/a" && pwd)")x", &out, &err));
  CHECK(out == R"x(ls $(nope) "$(cd "/w/a" && pwd)")x");
}

}  // namespace galley::run::azure

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
  CHECK(v.expand("t=$(token)") == "t=s3cret");
}

TEST_CASE("an undefined macro is left as written and the text after its '$' is read on") {
  Variables v;
  v.set("dir", "/w");
  CHECK(v.expand(R"x(ls $(nope) "$(cd "$(dir)/a" && pwd)")x") ==
        R"x(ls $(nope) "$(cd "/w/a" && pwd)")x");
}

TEST_CASE("a variable defined from another reaches the environment expanded") {
  Variables v;
  v.set("derived", "$(base)-world $(undefined)");
  v.set("base", "hello");
  CHECK(v.recalculate().empty());
  CHECK(v.find("derived")->value == "hello-world $(undefined)");
  CHECK(v.find("derived")->raw == "$(base)-world $(undefined)");
  auto env = v.environment();
  REQUIRE(env.size() == 2);
  CHECK(env[0] == std::pair<std::string, std::string>{"DERIVED", "hello-world $(undefined)"});
  CHECK(v.context().asObject().find("derived")->asString() == "hello-world $(undefined)");
}

TEST_CASE("variables expand through several levels, and again after one changes") {
  Variables v;
  v.set("a", "<$(b)>");
  v.set("b", "[$(c)$(c)]");
  v.set("c", "x");
  v.recalculate();
  CHECK(v.find("a")->value == "<[xx]>");
  v.set("c", "y");
  v.recalculate();
  CHECK(v.find("a")->value == "<[yy]>");
}

TEST_CASE("a macro in a step is replaced once: text a value brings is not read again") {
  Variables v;
  v.set("a", "$(b)");
  v.set("b", "B");
  // Expanded values are already final; a literal `$(b)` in one stays.
  v.set("lit", "x");
  v.recalculate();
  CHECK(v.expand("$(a) $(lit)") == "B x");
  Variables w;
  w.set("a", "$(b)");
  // Not recalculated: the set value is what the step sees, as on the agent.
  w.set("b", "B");
  CHECK(w.expand("$(a)") == "$(b)");
}

TEST_CASE("a cyclic variable keeps its value as written and is reported, not an error") {
  Variables v;
  v.set("a", "$(b)");
  v.set("b", "$(a)");
  v.set("self", "x$(SELF)");
  v.set("ok", "$(c)");
  v.set("c", "fine");
  auto warnings = v.recalculate();
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0].name == "a");
  CHECK(warnings[0].message == "Unable to expand variable 'a'. A cyclical reference was detected.");
  CHECK(warnings[1].name == "b");
  CHECK(warnings[2].message ==
        "Unable to expand variable 'self'. A cyclical reference was detected.");
  CHECK(v.find("a")->value == "$(b)");
  CHECK(v.find("ok")->value == "fine");
  CHECK(v.expand("$(a)") == "$(b)");
}

TEST_CASE("expansion deeper than 50 levels stops with the agent's warning") {
  Variables v;
  for (int i = 0; i < 60; ++i)
    v.set("v" + std::to_string(i), "$(v" + std::to_string(i + 1) + ")");
  auto warnings = v.recalculate();
  REQUIRE(!warnings.empty());
  CHECK(warnings[0].message ==
        "Unable to expand variable 'v0'. The max expansion depth (50) was exceeded.");
  CHECK(v.find("v0")->value == "$(v1)");
  CHECK(v.find("v59")->value == "$(v60)");
}

TEST_CASE("a value expanded from a secret is secret: masked and kept out of the environment") {
  Variables v;
  v.set("token", "s3cret", true);
  v.set("url", "https://$(token)@host");
  std::vector<std::string> secrets;
  v.recalculate(&secrets);
  CHECK(v.find("url")->secret);
  REQUIRE(secrets.size() == 1);
  CHECK(secrets[0] == "https://s3cret@host");
  CHECK(v.environment().empty());
}

TEST_CASE("a value that would double past the size bound is left unexpanded") {
  Variables v;
  v.set("v0", std::string(1024, 'x'));
  for (int i = 1; i < 40; ++i)
    v.set("v" + std::to_string(i),
          "$(v" + std::to_string(i - 1) + ")$(v" + std::to_string(i - 1) + ")");
  auto warnings = v.recalculate();
  REQUIRE(!warnings.empty());
  CHECK(warnings[0].message ==
        "Unable to expand variable 'v13'. Its expanded value exceeds 4194304 bytes.");
  CHECK(v.find("v12")->value.size() == 1024u << 12);
}

TEST_CASE("references that double without growing the value stop after a bound") {
  Variables v;
  v.set("v0", "");
  for (int i = 1; i < 23; ++i)
    v.set("v" + std::to_string(i),
          "$(v" + std::to_string(i - 1) + ")$(v" + std::to_string(i - 1) + ")");
  auto warnings = v.recalculate();
  REQUIRE(!warnings.empty());
  CHECK(warnings[0].message ==
        "Unable to expand variable 'v20'. It needs more than 1048576 replacements.");
  CHECK(v.find("v19")->value.empty());
}

}  // namespace galley::run::azure

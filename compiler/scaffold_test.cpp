#include "compiler/scaffold.h"

#include <doctest/doctest.h>

namespace galley {

TEST_CASE("the built-in templates are classical, cv and nlp") {
  CHECK(templateNames() == std::vector<std::string>{"classical", "cv", "nlp"});
}

TEST_CASE("project names are letters, digits, '-' and '_' after a letter") {
  std::string why;
  CHECK(validProjectName("churn-model_2", &why));
  CHECK_FALSE(validProjectName("", &why));
  CHECK(why == "a project name cannot be empty");
  CHECK_FALSE(validProjectName("2fast", &why));
  CHECK(why == "a project name starts with a letter");
  for (std::string bad : {"a b", "a:b", "a$b", "a{{name}}", "a\"b", "a/b", "a.b", "a\nb"}) {
    CHECK_FALSE(validProjectName(bad, &why));
    CHECK(why == "a project name has letters, digits, '-' and '_' only");
  }
  CHECK(validProjectName(std::string(kMaxProjectName, 'a'), &why));
  CHECK_FALSE(validProjectName(std::string(kMaxProjectName + 1, 'a'), &why));
}

TEST_CASE("targets are github and ado in that order, azure and all included") {
  std::vector<std::string> targets;
  std::string why;
  CHECK(parseTargets("ado,github,ado", &targets, &why));
  CHECK(targets == std::vector<std::string>{"github", "ado"});
  CHECK(parseTargets("azure", &targets, &why));
  CHECK(targets == std::vector<std::string>{"ado"});
  CHECK(parseTargets("all", &targets, &why));
  CHECK(targets.size() == 2);
  CHECK_FALSE(parseTargets("github,", &targets, &why));
  CHECK(why == "unknown target '': use github, ado or both (github,ado)");
}

TEST_CASE("every template file gets the project name and targets, no placeholder left") {
  for (const auto& name : templateNames()) {
    auto files = scaffold(name, "demo", {"github"});
    REQUIRE_FALSE(files.empty());
    bool named = false;
    for (const auto& f : files) {
      CAPTURE(name + "/" + f.relative);
      CHECK(f.text.find("{{name}}") == std::string::npos);
      CHECK(f.text.find("{{targets}}") == std::string::npos);
      if (f.relative == "galley.yml") {
        CHECK(f.text.find("\nname: demo\ntargets: [github]\n") != std::string::npos);
        named = true;
      }
    }
    CHECK(named);
  }
  CHECK(scaffold("tabular", "demo", {"github"}).empty());
}

}  // namespace galley

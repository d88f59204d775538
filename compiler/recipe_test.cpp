#include "compiler/recipe.h"

#include <doctest/doctest.h>

#include "tests/project_fixture.h"

using namespace galley;
using galley::testing::ciPipeline;
using galley::testing::TempProject;

namespace {

using Words = std::vector<std::string>;

struct ScriptCase {
  std::string value;
  std::optional<Words> words;
  std::string problem, hint;
};

const char* kTrain = R"(recipe: train
description: Train.
parameters:
  script:
    type: script
    default: src/train.py
    description: Training script, or -m MODULE.
  args:
    type: list
    default: []
    description: Arguments.
steps:
  - run: python ${{ params.script }} ${{ params.args }}
)";

// A composite passing its own parameter on, as deploy-after-approval does.
const char* kRelease = R"(recipe: release
description: Release.
parameters:
  train-script:
    type: string
    default: src/train.py
    description: Training script.
uses:
  train:
    recipe: train
    with:
      script: ${{ params.train-script }}
)";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("script parameters: a file is one word, -m MODULE two, the recipe's python dropped") {
  const ScriptCase cases[] = {
      {"", Words{}, "", ""},
      {"src/train.py", Words{"src/train.py"}, "", ""},
      {"-m src.train", Words{"-m", "src.train"}, "", ""},
      {"  -m   credit_risk.train_v2 ", Words{"-m", "credit_risk.train_v2"}, "", ""},
      {"python -m src.train", Words{"-m", "src.train"}, "", ""},
      {"python3 src/train.py", Words{"src/train.py"}, "", ""},
      {"python3.11 -m src.train", std::nullopt,
       "the recipe runs the python its python-version parameter sets up",
       "write '-m src.train' and set python-version"},
      {"python -c 'import x'", std::nullopt, "a script is a Python file or '-m MODULE'",
       "write '-m MODULE' to run a module, such as '-m src.train'"},
      {"-m", std::nullopt, "'-m' takes one module name, such as src.train", ""},
      {"-m src.train --epochs 3", std::nullopt, "'-m' takes one module name, such as src.train",
       "pass arguments through the recipe's args parameter"},
      {"-m src/train.py", std::nullopt, "'-m' takes one module name, such as src.train", ""},
      {"-m 3d.train", std::nullopt, "'-m' takes one module name, such as src.train", ""},
      {"-c 'import os'", std::nullopt, "a script is a Python file or '-m MODULE'",
       "write '-m MODULE' to run a module, such as '-m src.train'"},
      {"src/train.py --epochs 3", std::nullopt, "a script is one Python file or '-m MODULE'",
       "pass arguments through the recipe's args parameter"},
  };
  for (const auto& c : cases) {
    INFO(c.value);
    std::string problem, hint;
    auto words = scriptWords(c.value, &problem, &hint);
    CHECK(words == c.words);
    if (!c.words) {
      CHECK(problem == c.problem);
      CHECK(hint == c.hint);
    }
  }
}

TEST_CASE("script parameters: -m MODULE reaches python as two words, a file as one quoted word") {
  TempProject p(ciPipeline("      a:\n        recipe: train\n        with:\n          script: -m "
                           "src.train\n      b:\n        recipe: train\n"),
                {{"train", kTrain}});
  REQUIRE(p.compile());
  std::string gh = p.github();
  CHECK(has(gh,
            "          python ${PARAMS_SCRIPT} ${PARAMS_ARGS}\n"
            "        env:\n"
            "          PARAMS_SCRIPT: -m src.train\n"));
  CHECK(has(gh,
            "          python \"${PARAMS_SCRIPT}\" ${PARAMS_ARGS}\n"
            "        env:\n"
            "          PARAMS_SCRIPT: src/train.py\n"));
  CHECK(has(p.ado(), "python ${PARAMS_SCRIPT} ${PARAMS_ARGS}\n"));
}

TEST_CASE("script parameters: a module given through a composite's parameter is split too") {
  TempProject p(
      ciPipeline("      r:\n        recipe: release\n        with:\n          train-script: -m "
                 "pkg.train\n"),
      {{"train", kTrain}, {"release", kRelease}});
  REQUIRE(p.compile());
  CHECK(has(p.github(), "python ${PARAMS_SCRIPT} ${PARAMS_ARGS}\n"));
  CHECK(has(p.github(), "PARAMS_SCRIPT: -m pkg.train\n"));
}

TEST_CASE("script parameters: python -m MODULE runs the module with the recipe's python") {
  TempProject p(ciPipeline("      a:\n        recipe: train\n        with:\n          script: "
                           "python -m src.train\n"),
                {{"train", kTrain}});
  REQUIRE(p.compile());
  CHECK(has(p.github(),
            "          python ${PARAMS_SCRIPT} ${PARAMS_ARGS}\n"
            "        env:\n"
            "          PARAMS_SCRIPT: -m src.train\n"));
}

TEST_CASE("script parameters: another interpreter in front is an error at the user's value") {
  TempProject p(ciPipeline("      a:\n        recipe: train\n        with:\n          script: "
                           "python3.9 -m src.train\n"),
                {{"train", kTrain}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:11:19: error: parameter 'script' expects a Python file or '-m MODULE', not "
        "'python3.9 -m src.train': the recipe runs the python its python-version parameter sets "
        "up [parameter-type]\n"
        "          script: python3.9 -m src.train\n"
        "                  ^~~~~~~~~~~~~~~~~~~~~~\n"
        "  hint: write '-m src.train' and set python-version\n"
        "recipes/train.yml:4:3: note: parameter 'script' is declared here\n"
        "  script:\n"
        "  ^~~~~~\n");
}

TEST_CASE("script parameters: a bad value passed through a composite is an error at that value") {
  TempProject p(
      ciPipeline("      r:\n        recipe: release\n        with:\n          train-script: "
                 "src/train.py --fast\n"),
      {{"train", kTrain}, {"release", kRelease}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:11:25: error: parameter 'script' expects a Python file or '-m MODULE', not "
        "'src/train.py --fast': a script is one Python file or '-m MODULE' [parameter-type]\n");
}

TEST_CASE("script parameters: a recipe's bad default is an error in the recipe") {
  const char* recipe =
      "recipe: s\ndescription: S.\nparameters:\n  script:\n    type: script\n"
      "    default: src/x.py --fast\n    description: Script.\n"
      "steps:\n  - run: python ${{ params.script }}\n";
  TempProject p(ciPipeline("      s: {}\n"), {{"s", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "recipes/s.yml:6:14: error: parameter 'script' expects a Python file or '-m MODULE', not "
        "'src/x.py --fast': a script is one Python file or '-m MODULE' [parameter-type]\n");
}

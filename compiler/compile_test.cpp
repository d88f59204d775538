#include "compiler/compile.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/testing.h"

using namespace galley;
using galley::testing::headlines;
using galley::testing::rendered;

namespace {

namespace fs = std::filesystem;

// A project in a fresh temporary folder: galley.yml plus project recipes.
struct Project {
  fs::path dir;
  Sources sources;
  Diagnostics diags;

  explicit Project(const std::string& galleyYml, std::map<std::string, std::string> recipes = {}) {
    dir = fs::temp_directory_path() /
          ("galley-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(dir);
    fs::create_directories(dir / "recipes");
    write("galley.yml", galleyYml);
    for (const auto& [name, text] : recipes)
      write("recipes/" + name + ".yml", text);
  }
  ~Project() { fs::remove_all(dir); }

  static int& counter() {
    static int n = 0;
    return n;
  }

  void write(const std::string& rel, const std::string& text) { std::ofstream(dir / rel) << text; }

  std::optional<std::vector<GeneratedFile>> compile() {
    CompileOptions o;
    o.file = (dir / "galley.yml").string();
    auto files = galley::compile(o, sources, diags);
    diags.sort();
    return files;
  }

  // Diagnostics with the temporary folder replaced by "P".
  std::string errors(bool withSource = false) {
    std::string s = withSource ? rendered(diags) : headlines(diags);
    std::string prefix = dir.string() + "/";
    for (size_t at; (at = s.find(prefix)) != std::string::npos;)
      s.replace(at, prefix.size(), "");
    return s;
  }

  std::string file(const std::vector<GeneratedFile>& files, const std::string& suffix) {
    for (const auto& f : files)
      if (f.path.size() >= suffix.size() &&
          f.path.compare(f.path.size() - suffix.size(), suffix.size(), suffix) == 0)
        return f.text;
    return "";
  }
};

const char* kEcho = R"(recipe: echo
description: Print a message.
parameters:
  message:
    type: string
    description: What to print.
  times:
    type: number
    default: 1
    description: How often.
  level:
    type: choice
    options: [info, warn]
    default: info
    description: Log level.
outputs:
  said:
    description: What was said.
    from: say.said
jobs:
  say:
    name: Say it
    outputs:
      said: ${{ steps.say.outputs.said }}
    steps:
      - id: say
        outputs: [said]
        run: |
          echo ${{ params.message }}
          echo "said=yes" >> "$GALLEY_OUTPUT"
)";

std::string pipeline(const std::string& recipes) {
  return "name: demo\npipelines:\n  ci:\n    on:\n      push:\n        branches: [main]\n    "
         "recipes:\n" +
         recipes;
}

}  // namespace

TEST_CASE("compile: an unknown recipe is reported at its name with a suggestion") {
  Project p(pipeline("      tests:\n        recipe: unit-test\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:9:17: error: unknown recipe 'unit-test' [unknown-recipe]\n"
        "        recipe: unit-test\n"
        "                ^~~~~~~~~\n"
        "  hint: did you mean 'unit-tests'?\n");
}

TEST_CASE("compile: an unknown parameter is reported at the with: key with a note at the recipe") {
  Project p(pipeline("      hello:\n        recipe: echo\n        with:\n          mesage: hi\n"),
            {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:8:7: error: recipe 'echo' needs parameter 'message' (string) "
        "[missing-parameter]\n"
        "      hello:\n"
        "      ^~~~~\n"
        "recipes/echo.yml:4:3: note: parameter 'message' is declared here\n"
        "  message:\n"
        "  ^~~~~~~\n"
        "galley.yml:11:11: error: recipe 'echo' has no parameter 'mesage' [unknown-parameter]\n"
        "          mesage: hi\n"
        "          ^~~~~~\n"
        "  hint: did you mean 'message'?\n"
        "recipes/echo.yml:1:9: note: recipe 'echo' is declared here\n"
        "recipe: echo\n"
        "        ^~~~\n");
}

TEST_CASE("compile: a mistyped parameter and a choice out of range point at the values") {
  Project p(pipeline("      hello:\n        recipe: echo\n        with:\n          message: hi\n   "
                     "       times: often\n          level: loud\n"),
            {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(
      p.errors() ==
      "galley.yml:12:18: error: parameter 'times' expects a number, not 'often' [parameter-type]\n"
      "recipes/echo.yml:7:3: note: parameter 'times' is declared here\n"
      "galley.yml:13:18: error: parameter 'level' must be one of info, warn, not 'loud' "
      "[parameter-choice]\n"
      "recipes/echo.yml:11:3: note: parameter 'level' is declared here\n");
}

TEST_CASE("compile: a needs cycle is reported as a path") {
  Project p(
      pipeline("      a:\n        recipe: echo\n        needs: [c]\n        with: {message: a}\n"
               "      b:\n        recipe: echo\n        needs: [a]\n        with: {message: b}\n"
               "      c:\n        recipe: echo\n        needs: [b]\n        with: {message: c}\n"),
      {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:8:7: error: recipe uses depend on each other in a cycle: a -> c -> b -> a "
        "[needs-cycle]\n");
}

TEST_CASE("compile: needs naming an unknown use is an error with a suggestion") {
  Project p(pipeline("      first:\n        recipe: echo\n        with: {message: a}\n"
                     "      second:\n        recipe: echo\n        needs: [frist]\n        with: "
                     "{message: b}\n"),
            {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() == "galley.yml:13:17: error: 'frist' is not a recipe use here [unknown-need]\n");
}

TEST_CASE("compile: unknown keys in galley.yml get a did-you-mean hint") {
  Project p("name: demo\npipelines:\n  ci:\n    recipe:\n      a: {}\n");
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:4:5: error: unknown key 'recipe' in pipeline 'ci' [unknown-key]\n"
        "    recipe:\n"
        "    ^~~~~~\n"
        "  hint: did you mean 'recipes'?\n"
        "galley.yml:4:5: error: pipeline 'ci' is missing 'recipes' [missing-key]\n"
        "    recipe:\n"
        "    ^\n");
}

TEST_CASE("compile: an empty galley.yml is an error, not a crash") {
  Project p("");
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:1:1: error: galley.yml is empty: it needs at least 'name' and 'pipelines' "
        "[empty-file]\n");
}

TEST_CASE("compile: parameter values reach scripts through environment variables only") {
  Project p(pipeline("      hello:\n        recipe: echo\n        with:\n          message: '$(rm "
                     "-rf /); echo pwned'\n"),
            {{"echo", kEcho}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(gh.find("echo \"${PARAMS_MESSAGE}\"") != std::string::npos);
  CHECK(gh.find("PARAMS_MESSAGE: $(rm -rf /); echo pwned\n") != std::string::npos);
  CHECK(gh.find("run: |\n          echo $(rm") == std::string::npos);
  std::string ado = p.file(*files, ".azure-pipelines/ci.yml");
  CHECK(ado.find("echo \"${PARAMS_MESSAGE}\"") != std::string::npos);
}

TEST_CASE("compile: outputs of one use gate another through a condition on both targets") {
  Project p(
      pipeline(
          "      hello:\n        recipe: echo\n        with: {message: hi}\n"
          "      after:\n        recipe: echo\n        needs: [hello]\n"
          "        if: ${{ uses.hello.outputs.said == 'yes' }}\n        with: {message: done}\n"),
      {{"echo", kEcho}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(gh.find("    needs:\n      - hello\n    if: ${{ needs.hello.outputs.said == 'yes' }}\n") !=
        std::string::npos);
  std::string ado = p.file(*files, ".azure-pipelines/ci.yml");
  CHECK(ado.find(
            "condition: and(succeeded(), eq(dependencies.hello.outputs['say.say.said'], 'yes'))") !=
        std::string::npos);
}

TEST_CASE("compile: a condition on parameters alone is decided at compile time") {
  const char* recipe = R"(recipe: pick
description: Pick a backend.
parameters:
  backend:
    type: choice
    options: [local, azureml]
    default: local
    description: Where.
steps:
  - if: ${{ params.backend == 'local' }}
    run: echo local
  - if: ${{ params.backend == 'azureml' }}
    run: echo azure
)";
  Project p(pipeline("      pick:\n        with: {backend: azureml}\n"), {{"pick", recipe}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(gh.find("echo azure") != std::string::npos);
  CHECK(gh.find("echo local") == std::string::npos);
  CHECK(gh.find("if:") == std::string::npos);
}

TEST_CASE("compile: a reference to an undeclared secret is an error at the reference") {
  const char* recipe = "recipe: s\ndescription: S.\nsteps:\n  - run: echo ${{ secrets.TOKEN }}\n";
  Project p(pipeline("      s: {}\n"), {{"s", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "recipes/s.yml:4:15: error: secret 'TOKEN' is not listed under 'secrets' in galley.yml "
        "[unknown-secret]\n");
}

TEST_CASE("compile: the same input gives byte-identical output") {
  Project p(pipeline("      hello:\n        recipe: echo\n        with: {message: hi}\n"),
            {{"echo", kEcho}});
  auto a = p.compile();
  auto b = p.compile();
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->size() == b->size());
  for (size_t i = 0; i < a->size(); ++i)
    CHECK((*a)[i].text == (*b)[i].text);
}

TEST_CASE("compile: a project recipe overrides the built-in of the same name") {
  const char* mine = "recipe: unit-tests\ndescription: Ours.\nsteps:\n  - run: make test\n";
  Project p(pipeline("      unit-tests: {}\n"), {{"unit-tests", mine}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/workflows/ci.yml").find("run: make test") != std::string::npos);
}

TEST_CASE("compile: uses whose ids clash after expansion are reported at both") {
  const char* pair =
      "recipe: pair\ndescription: Two.\nuses:\n  b:\n    recipe: echo\n    with: {message: x}\n";
  Project p(pipeline("      a-b:\n        recipe: echo\n        with: {message: y}\n      a:\n     "
                     "   recipe: pair\n"),
            {{"echo", kEcho}, {"pair", pair}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "recipes/pair.yml:4:3: error: 'a-b' clashes with another recipe use after expansion "
        "[id-clash]\n"
        "galley.yml:8:7: note: the other use is here\n");
}

TEST_CASE("compile: map parameters reach scripts as KEY=VALUE lines") {
  const char* tags =
      "recipe: tags\ndescription: Tags.\nparameters:\n  tags:\n    type: map\n    description: "
      "Tags.\n"
      "steps:\n  - run: echo ${{ params.tags }}\n";
  Project p(pipeline("      tags:\n        with:\n          tags: {team: risk, stage: dev}\n"),
            {{"tags", tags}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/workflows/ci.yml")
            .find("PARAMS_TAGS: |-\n            team=risk\n            stage=dev\n") !=
        std::string::npos);
}

TEST_CASE("compile: values of the wrong type are positioned errors") {
  Project p(
      "name: demo\ntargets: [github, gitlab]\npipelines:\n  ci:\n    on:\n      schedule:\n        "
      "- cron: '0 3 * *'\n    recipes: [a, b]\n");
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:2:19: error: unknown target 'gitlab': use github or ado [target]\n"
        "galley.yml:7:17: error: '0 3 * *' is not a cron schedule of five fields (minute hour day "
        "month weekday) [cron]\n"
        "galley.yml:8:14: error: recipes must be a mapping, not sequence [type]\n");
}

TEST_CASE("compile: references keep the quoting of where they stand in a script") {
  const char* recipe = R"(recipe: q
description: Quoting.
parameters:
  name:
    type: string
    default: x
    description: A name.
steps:
  - run: |
      echo ${{ params.name }}
      echo "model ${{ params.name }}"
      echo 'model ${{ params.name }}'
      cat <<EOF
      name: ${{ params.name }}
      EOF
)";
  Project p(pipeline("      q: {}\n"), {{"q", recipe}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/workflows/ci.yml")
            .find("echo \"${PARAMS_NAME}\"\n"
                  "          echo \"model ${PARAMS_NAME}\"\n"
                  "          echo 'model '\"${PARAMS_NAME}\"''\n"
                  "          cat <<EOF\n"
                  "          name: ${PARAMS_NAME}\n") != std::string::npos);
  // The step's name shows the reference, never as an expression GitHub would
  // evaluate (it knows no params context).
  CHECK(p.file(*files, ".github/workflows/ci.yml").find("- name: echo params.name\n") !=
        std::string::npos);
}

TEST_CASE("compile: a reference inside a quoted here-document is an error naming the variable") {
  const char* recipe =
      "recipe: q\ndescription: Q.\nparameters:\n  n:\n    type: string\n    default: x\n    "
      "description: N.\n"
      "steps:\n  - run: |\n      python - <<'EOF'\n      print('${{ params.n }}')\n      EOF\n";
  Project p(pipeline("      q: {}\n"), {{"q", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "recipes/q.yml:11:14: error: '${{ params.n }}' sits in a quoted here-document, where the "
        "shell expands nothing [reference]\n"
        "      print('${{ params.n }}')\n"
        "             ^~~~~~~~~~~~~~~\n"
        "  hint: read the environment variable PARAMS_N there instead (galley sets it for this "
        "step)\n");
}

TEST_CASE(
    "compile: an unknown environment given through with: is reported at the user's value, "
    "naming the built-in recipe, not a path the user lacks") {
  Project p(pipeline(
      "      gate:\n        recipe: approval-gate\n        with:\n          environment: prod\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:11:24: error: environment 'prod' is not defined in galley.yml "
        "[unknown-environment]\n"
        "recipe 'approval-gate' (built in):20:18: note: job 'approve' is bound to it here\n");
}

TEST_CASE("compile: a pipeline's agents replace the project's for the targets it names") {
  Project p(
      "name: demo\n"
      "agents:\n  github: [self-hosted, linux]\n  ado:\n    pool: ml-agents\n"
      "pipelines:\n"
      "  ci:\n    on:\n      push:\n        branches: [main]\n"
      "    agents:\n      github: ubuntu-latest\n"
      "    recipes:\n      hello:\n        recipe: echo\n        with:\n          message: hi\n"
      "  nightly:\n    on:\n      push:\n        branches: [main]\n"
      "    agents:\n      ado:\n        vmImage: ubuntu-22.04\n"
      "    recipes:\n      hello:\n        recipe: echo\n        with:\n          message: hi\n",
      {{"echo", kEcho}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.errors() == "");
  CHECK(p.file(*files, ".github/workflows/ci.yml").find("runs-on: ubuntu-latest\n") !=
        std::string::npos);
  CHECK(p.file(*files, ".azure-pipelines/ci.yml").find("pool:\n  name: ml-agents\n") !=
        std::string::npos);
  CHECK(p.file(*files, ".github/workflows/nightly.yml")
            .find("runs-on:\n      - self-hosted\n      - linux\n") != std::string::npos);
  CHECK(p.file(*files, ".azure-pipelines/nightly.yml").find("pool:\n  vmImage: ubuntu-22.04\n") !=
        std::string::npos);
}

TEST_CASE("compile: a pipeline's agents are shape-checked where they are written") {
  Project p(pipeline("      hello:\n        recipe: echo\n        with:\n          message: hi\n"
                     "    agents:\n      gitlab: [x]\n"),
            {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:13:7: error: unknown key 'gitlab' in pipelines.ci.agents [unknown-key]\n");
}

TEST_CASE("compile: a list split into words tells shellcheck it is on purpose, a quoted one not") {
  const char* recipe = R"(recipe: l
description: Lists.
parameters:
  paths:
    type: list
    default: [src, tests]
    description: Paths.
steps:
  - run: flake8 ${{ params.paths }}
  - run: echo "checking ${{ params.paths }}"
)";
  Project p(pipeline("      l: {}\n"), {{"l", recipe}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(gh.find("run: |-\n"
                "          # shellcheck disable=SC2086  # list parameters split into words on "
                "purpose\n"
                "          set -f  # and their items are not file-name patterns\n"
                "          flake8 ${PARAMS_PATHS}\n") != std::string::npos);
  CHECK(gh.find("run: echo \"checking ${PARAMS_PATHS}\"\n") != std::string::npos);
}

TEST_CASE("compile: a cron field of ten thousand parts is checked without exhausting the stack") {
  std::string field = "1";
  for (int i = 1; i < 10000; ++i)
    field += ",1";
  Project p("name: demo\npipelines:\n  ci:\n    on:\n      schedule:\n        - cron: '" + field +
                " * * * *'\n    recipes:\n      hello:\n        recipe: echo\n        with: "
                "{message: hi}\n",
            {{"echo", kEcho}});
  REQUIRE(p.compile());
  CHECK(p.errors() == "");
  Project bad("name: demo\npipelines:\n  ci:\n    on:\n      schedule:\n        - cron: '" + field +
                  ",x * * * *'\n    recipes:\n      hello:\n        recipe: echo\n  "
                  "      with: {message: hi}\n",
              {{"echo", kEcho}});
  CHECK_FALSE(bad.compile());
  CHECK(bad.errors().find("galley.yml:6:17: error: '1,1,1,") == 0);
}

TEST_CASE("compile: cron fields accept steps, ranges and lists and refuse the rest") {
  for (const char* good : {"*/15 * * * *", "0 3 * * 1-5", "0,30 1-3/2 * * *", "5 4 1 1 0"}) {
    Project p(std::string("name: demo\npipelines:\n  ci:\n    on:\n      schedule:\n        - "
                          "cron: '") +
                  good +
                  "'\n    recipes:\n      hello:\n        recipe: echo\n        with: "
                  "{message: hi}\n",
              {{"echo", kEcho}});
    CHECK_MESSAGE(p.compile(), good);
  }
  for (const char* bad : {"* * * * * *", "1- * * * *", "1/ * * * *", ",1 * * * *", "1, * * * *",
                          "*-1 * * * *", "a * * * *", "1--2 * * * *"}) {
    Project p(std::string("name: demo\npipelines:\n  ci:\n    on:\n      schedule:\n        - "
                          "cron: '") +
                  bad +
                  "'\n    recipes:\n      hello:\n        recipe: echo\n        with: "
                  "{message: hi}\n",
              {{"echo", kEcho}});
    CHECK_FALSE_MESSAGE(p.compile(), bad);
  }
}

TEST_CASE("compile: a schedule Azure would not run as written is an error at galley.yml's cron") {
  Project p(
      "name: demo\npipelines:\n  ci:\n    on:\n      schedule:\n        - cron: '*/5 * * "
      "* *'\n    recipes:\n      hello:\n        recipe: echo\n        with: {message: hi}\n",
      {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:6:17: error: cron '*/5 * * * *' asks for up to 2016 runs a week; Azure "
        "Pipelines runs about 1000 scheduled runs of a pipeline a week and skips the rest [cron]\n"
        ".azure-pipelines/ci.yml:8:11: note: galley lint would report this in the compiled "
        "pipeline\n");
}

TEST_CASE("compile checks its output with .galley.yml's lint settings, as galley lint would") {
  std::string yml =
      "name: demo\npipelines:\n  ci:\n    on:\n      schedule:\n        - cron: '*/5 * * * *'\n"
      "    recipes:\n      hello:\n        recipe: echo\n        with: {message: hi}\n";
  // A rule off, for every file or for the Azure ones, or the file ignored:
  // compile no longer refuses what galley lint would let pass.
  for (const char* settings :
       {"lint:\n  rules: {cron: off}\n",
        "lint:\n  paths:\n    .azure-pipelines/*.yml:\n      rules: {cron: note}\n",
        "lint:\n  ignore: [.azure-pipelines/ci.yml]\n"}) {
    Project p(yml, {{"echo", kEcho}});
    p.write(".galley.yml", settings);
    CHECK_MESSAGE(p.compile(), settings);
    CHECK_MESSAGE(p.errors() == "", settings);
  }
  // Settings for other files change nothing.
  Project other(yml, {{"echo", kEcho}});
  other.write(".galley.yml",
              "lint:\n  paths:\n    .github/workflows/*.yml:\n      rules: {cron: off}\n");
  CHECK_FALSE(other.compile());
  CHECK(other.errors().find("galley.yml:6:17: error: cron '*/5 * * * *' asks for up to 2016 "
                            "runs a week") == 0);
}

TEST_CASE("compile: a project in a folder of the repository reads the root's .galley.yml, always") {
  Project p("name: unused\n");
  fs::create_directories(p.dir / ".git");
  fs::create_directories(p.dir / "ml/recipes");
  p.write("ml/galley.yml",
          "name: demo\npipelines:\n  ci:\n    on:\n      schedule:\n        - cron: '*/5 * * * "
          "*'\n    recipes:\n      hello:\n        recipe: echo\n        with: {message: hi}\n");
  p.write("ml/recipes/echo.yml", kEcho);
  // Globs are relative to the folder .galley.yml is in.
  p.write(".galley.yml",
          "lint:\n  paths:\n    ml/.azure-pipelines/*.yml:\n      rules: {cron: off}\n");
  CompileOptions o;
  o.file = (p.dir / "ml/galley.yml").string();
  // The first compile creates ml/.github; the second must read the same settings.
  for (int run = 0; run < 2; ++run) {
    Diagnostics diags;
    auto files = galley::compile(o, p.sources, diags);
    CHECK_MESSAGE(files, rendered(diags));
    fs::create_directories(p.dir / "ml/.github/workflows");
  }
}

TEST_CASE("compile: .galley.yml's stricter settings reach the output check too") {
  const char* recipe = R"(recipe: login
description: Log in.
steps:
  - github: {uses: octo-org/login@v3}
    ado: none
)";
  Project loose(pipeline("      login: {}\n"), {{"login", recipe}});
  CHECK(loose.compile());
  Project strict(pipeline("      login: {}\n"), {{"login", recipe}});
  strict.write(".galley.yml", "lint:\n  pinning: sha\n");
  CHECK_FALSE(strict.compile());
  CHECK(strict.errors() ==
        "recipes/login.yml:4:5: error: 'octo-org/login@v3' is not pinned to a commit SHA "
        "(pinning: sha) [unpinned-uses]\n"
        ".github/workflows/ci.yml:24:15: note: galley lint would report this in the compiled "
        "workflow\n");
}

TEST_CASE("compile: a .galley.yml that does not load is an error at its own text") {
  Project p(pipeline("      hello:\n        recipe: echo\n        with: {message: hi}\n"),
            {{"echo", kEcho}});
  p.write(".galley.yml", "lint:\n  rules:\n    no-such-rule: off\n");
  CHECK_FALSE(p.compile());
  CHECK(p.errors() == ".galley.yml:3:5: error: unknown rule 'no-such-rule' [config]\n");
}

TEST_CASE("compile: a secret name of thirty thousand characters is an error, not a crash") {
  std::string name(30000, 'A');
  Project p(pipeline("      hello:\n        recipe: echo\n        with: {message: hi}\n") +
                "secrets:\n  - " + name + "-\n  - GOOD_1\n  - 1BAD\n",
            {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  std::string errors = p.errors();
  CHECK(errors.find("galley.yml:12:5: error: secret 'AAAA") == 0);
  CHECK(errors.find("galley.yml:14:5: error: secret '1BAD' must be a valid environment variable "
                    "name: letters, digits and '_' [invalid-id]\n") != std::string::npos);
}

TEST_CASE("compile: recipe names that are not plain names never reach the file system") {
  // Long enough for ENAMETOOLONG, a way out of recipes/, an absolute path,
  // a NUL and a byte that is not UTF-8: each is an unknown recipe.
  for (std::string name :
       {std::string(256, 'a'), std::string("../galley"), std::string("/etc/passwd"),
        std::string("\"a\\0b\""), std::string("\"\\xff\""), std::string("recipes/echo")}) {
    Project p(pipeline("      x:\n        recipe: " + name + "\n"), {{"echo", kEcho}});
    CHECK_FALSE(p.compile());
    std::string errors = p.errors();
    CHECK_MESSAGE(errors.rfind("galley.yml:9:17: error: unknown recipe '", 0) == 0, errors);
    CHECK_MESSAGE(errors.find("[io]") == std::string::npos, errors);
  }
}

TEST_CASE("compile: a project recipe that cannot be looked at is an error, not the built-in") {
  Project p(pipeline("      unit-tests: {}\n"));
  // A symlink to itself: stat fails with ELOOP (even for root, unlike
  // permissions).
  std::filesystem::create_symlink("unit-tests.yml", p.dir / "recipes/unit-tests.yml");
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley: error: recipes/unit-tests.yml: cannot read recipe: Too many levels of symbolic "
        "links "
        "[io]\n");
}

TEST_CASE("compile: an if: of 600 && terms compiles in linear time") {
  // Each term's position used to replay the whole scalar: 4,000 terms took
  // 67 s, 600 over a second. Linear, they take a few hundredths of a second.
  // (Many more would exceed the 21,000 characters an expression may have.)
  std::string cond = "inputs.x == 'a'";
  for (int i = 1; i < 600; ++i)
    cond += " && inputs.x == 'a'";
  Project p(
      "name: demo\npipelines:\n  ci:\n    on:\n      manual:\n        inputs:\n          x:\n     "
      "       description: x\n    recipes:\n      hello:\n        recipe: echo\n        with: "
      "{message: hi}\n        if: ${{ " +
          cond + " }}\n",
      {{"echo", kEcho}});
  auto start = std::chrono::steady_clock::now();
  auto files = p.compile();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(files);
  CHECK(seconds < 1.0);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(gh.find("if: ${{ inputs.x == 'a' && inputs.x == 'a' && ") != std::string::npos);
  std::string ado = p.file(*files, ".azure-pipelines/ci.yml");
  CHECK(ado.find("and(succeeded(), and(eq(variables['INPUTS_X'], 'a'), eq(") != std::string::npos);
}

TEST_CASE("compile: a reference where bash evaluates arithmetic is an error naming the check") {
  const char* recipe = R"(recipe: a
description: Arithmetic.
parameters:
  x:
    type: string
    default: a[$(touch /tmp/pwned)]
    description: X.
  n:
    type: number
    default: 3
    description: N.
steps:
  - run: |
      echo $(( ${{ params.x }} + 1 ))
      if [[ ${{ params.x }} -gt 1 ]]; then echo big; fi
      echo $(( ${{ params.n }} + 1 ))
)";
  Project p(pipeline("      a: {}\n"), {{"a", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "recipes/a.yml:14:16: error: '${{ params.x }}' sits where bash evaluates arithmetic, which "
        "runs code in a value such as 'a[$(cmd)]' however it is quoted [reference]\n"
        "      echo $(( ${{ params.x }} + 1 ))\n"
        "               ^~~~~~~~~~~~~~~\n"
        "  hint: check that the environment variable PARAMS_X (galley sets it for this step) is "
        "a number first, e.g. [[ $PARAMS_X =~ ^-?[0-9]+$ ]] || exit 1, and use $PARAMS_X there\n"
        "recipes/a.yml:15:13: error: '${{ params.x }}' sits where bash evaluates arithmetic, which "
        "runs code in a value such as 'a[$(cmd)]' however it is quoted [reference]\n"
        "      if [[ ${{ params.x }} -gt 1 ]]; then echo big; fi\n"
        "            ^~~~~~~~~~~~~~~\n"
        "  hint: check that the environment variable PARAMS_X (galley sets it for this step) is "
        "a number first, e.g. [[ $PARAMS_X =~ ^-?[0-9]+$ ]] || exit 1, and use $PARAMS_X there\n");
}

TEST_CASE("compile: a value from with: that reaches bash arithmetic is reported at with:") {
  const char* recipe = R"(recipe: a
description: Arithmetic.
parameters:
  x:
    type: string
    description: X.
steps:
  - run: |
      echo $(( ${{ params.x }} + 1 ))
)";
  Project p(pipeline("      a:\n        with:\n          x: 'a[$(id)]'\n"), {{"a", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:10:14: error: this value reaches bash arithmetic ('${{ params.x }}' in recipe "
        "'a'), which runs code in a value such as 'a[$(cmd)]' however it is quoted [reference]\n"
        "          x: 'a[$(id)]'\n"
        "             ^~~~~~~~~~\n"
        "  hint: pass a whole number known when compiling; a value known only when the pipeline "
        "runs must be checked as a number by the recipe before it is used there\n"
        "recipes/a.yml:9:16: note: recipe 'a' uses the value here\n"
        "      echo $(( ${{ params.x }} + 1 ))\n"
        "               ^~~~~~~~~~~~~~~\n");
  // A whole number passed there is safe.
  Project q(pipeline("      a:\n        with:\n          x: '12'\n"), {{"a", recipe}});
  CHECK(q.compile());
}

TEST_CASE("compile: a run-time value from with: in bash arithmetic is reported at with:") {
  const char* recipe = R"(recipe: a
description: Arithmetic.
parameters:
  x:
    type: string
    description: X.
steps:
  - run: if [[ ${{ params.x }} -gt 1 ]]; then echo big; fi
)";
  std::string yml =
      "name: demo\npipelines:\n  ci:\n    on:\n      manual:\n        inputs:\n"
      "          n: {type: string}\n    recipes:\n      a:\n        with:\n"
      "          x: ${{ inputs.n }}\n";
  Project p(yml, {{"a", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:11:14: error: this value reaches bash arithmetic ('${{ params.x }}' in recipe "
        "'a'), which runs code in a value such as 'a[$(cmd)]' however it is quoted [reference]\n"
        "recipes/a.yml:8:16: note: recipe 'a' uses the value here\n");
}

TEST_CASE("compile: an integer known at compile time may stand in arithmetic") {
  const char* recipe = R"(recipe: a
description: Arithmetic.
parameters:
  n:
    type: number
    default: 3
    description: N.
steps:
  - run: echo $(( ${{ params.n }} + 1 ))
)";
  Project p(pipeline("      a: {}\n"), {{"a", recipe}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/workflows/ci.yml").find("run: echo $(( \"${PARAMS_N}\" + 1 ))") !=
        std::string::npos);
}

TEST_CASE("compile: a comment does not change how the next line's references are quoted") {
  const char* recipe = R"(recipe: c
description: Comments.
parameters:
  x:
    type: string
    default: a b
    description: X.
steps:
  - run: |
      # don't
      rm ${{ params.x }}
      # say "hi
      rm ${{ params.x }}
      echo ok # ${{ params.x }}
)";
  Project p(pipeline("      c: {}\n"), {{"c", recipe}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/workflows/ci.yml")
            .find("          # don't\n"
                  "          rm \"${PARAMS_X}\"\n"
                  "          # say \"hi\n"
                  "          rm \"${PARAMS_X}\"\n"
                  "          echo ok # ${PARAMS_X}\n") != std::string::npos);
}

namespace {

const char* kShip = R"(recipe: ship
description: Deploy.
jobs:
  deploy:
    environment: prod
    steps:
      - run: echo deploying
)";

std::string release(const std::string& recipes) {
  return "name: demo\nenvironments:\n  prod:\n    approvers: [lead@example.com]\npipelines:\n"
         "  release:\n    recipes:\n" +
         recipes;
}

// The lines of text from the first that starts with `from` up to, not
// including, the next line as little indented.
std::string block(const std::string& text, const std::string& from) {
  size_t at = text.find("\n" + from);
  if (at == std::string::npos) return "";
  size_t indent = from.find_first_not_of(' ');
  size_t end = at + 1 + from.size();
  for (;;) {
    end = text.find('\n', end);
    if (end == std::string::npos || end + 1 >= text.size()) break;
    size_t next = text.find_first_not_of(' ', end + 1);
    if (next - (end + 1) <= indent) break;
    ++end;
  }
  return text.substr(at + 1, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

TEST_CASE("compile: on GitHub an environment's reviewers are asked once, at its approval gate") {
  Project p(release("      approve:\n        recipe: approval-gate\n        with:\n"
                    "          environment: prod\n"
                    "      ship:\n        recipe: ship\n        needs: [approve]\n"
                    "      hotfix:\n        recipe: ship\n"),
            {{"ship", kShip}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/release.yml");
  // The gate asks, without a timeout GitHub would not apply to the wait.
  CHECK(block(gh, "  approve:") ==
        "  approve:\n    name: Approval\n    runs-on: ubuntu-latest\n    environment: prod\n"
        "    steps:\n      - name: Approved for prod\n"
        "        run: echo \"Approved for the prod environment\"\n");
  // The job after it runs on that approval; one that does not wait for the
  // gate still asks for its own.
  CHECK(block(gh, "  ship:").find("environment:") == std::string::npos);
  CHECK(block(gh, "  hotfix:").find("    environment: prod\n") != std::string::npos);
}

TEST_CASE("compile: an approval waits at most the 30 days both targets allow, on Azure as a task") {
  std::string gate =
      "      approve:\n        recipe: approval-gate\n        with:\n"
      "          environment: prod\n          timeout-minutes: ";
  {
    Project p(release(gate + "43200\n"));
    auto files = p.compile();
    REQUIRE(files);
    // GitHub's own 30 days apply; the job's timeout-minutes would not.
    CHECK(block(p.file(*files, ".github/workflows/release.yml"), "  approve:")
              .find("timeout-minutes") == std::string::npos);
    // Azure DevOps: the task's timeout, inside a job an hour longer.
    std::string ado = p.file(*files, ".azure-pipelines/release.yml");
    CHECK(ado.find("        timeoutInMinutes: '43260'\n") != std::string::npos);
    CHECK(ado.find("            timeoutInMinutes: 43200\n") != std::string::npos);
    CHECK(ado.find("              onTimeout: reject\n") != std::string::npos);
  }
  Project p(release(gate + "43201\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:12:28: error: parameter 'timeout-minutes' must be at most 43200, not 43201 "
        "[parameter-range]\n"
        "recipe 'approval-gate' (built in):11:3: note: parameter 'timeout-minutes' is declared "
        "here\n");
}

TEST_CASE(
    "compile: a release pipeline's runs never interleave: concurrency on GitHub, a lock on Azure") {
  Project p(release("      ship:\n        recipe: ship\n"), {{"ship", kShip}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(block(p.file(*files, ".github/workflows/release.yml"), "concurrency:") ==
        "concurrency:\n  group: galley-release\n  cancel-in-progress: false\n");
  CHECK(p.file(*files, ".azure-pipelines/release.yml").find("\nlockBehavior: sequential\n") !=
        std::string::npos);
}

TEST_CASE("compile: a pipeline that deploys nothing is not serialised") {
  Project p(pipeline("      say:\n        recipe: echo\n        with:\n          message: hi\n"),
            {{"echo", kEcho}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/workflows/ci.yml").find("concurrency:") == std::string::npos);
  CHECK(p.file(*files, ".azure-pipelines/ci.yml").find("lockBehavior") == std::string::npos);
}

namespace {

std::string mlPipeline(const std::string& recipes) {
  return "name: demo\npipelines:\n  ml:\n    recipes:\n      train:\n        recipe: train-model\n"
         "        with:\n          model-artifact: clf-model\n" +
         recipes;
}

}  // namespace

TEST_CASE("compile: a download no job publishes is an error at the use, with the name meant") {
  Project p(
      mlPipeline("      evaluate:\n        recipe: evaluate-model\n        needs: [train]\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:9:7: error: 'evaluate' downloads artifact 'model', which no job of pipeline "
        "'ml' publishes [artifact]\n"
        "      evaluate:\n"
        "      ^~~~~~~~\n"
        "  hint: did you mean 'clf-model'?\n"
        "recipe 'evaluate-model' (built in):63:9: note: the download is here\n"
        "      - name: Download model\n"
        "        ^\n");
}

TEST_CASE("compile: a download name galley.yml gives is reported at that name") {
  Project p(
      mlPipeline("      evaluate:\n        recipe: evaluate-model\n        needs: [train]\n"
                 "        with:\n          model-artifact: clf-modle\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:13:27: error: 'evaluate' downloads artifact 'clf-modle', which no job of "
        "pipeline 'ml' publishes [artifact]\n"
        "recipe 'evaluate-model' (built in):63:9: note: the download is here\n");
  CHECK(p.diags.all().front().hint == "did you mean 'clf-model'?");
}

TEST_CASE(
    "compile: a download that does not wait for its publisher is an error with the needs to add") {
  Project p(
      mlPipeline("      evaluate:\n        recipe: evaluate-model\n        needs: [train]\n"
                 "        with:\n          model-artifact: clf-model\n"
                 "      compare:\n        recipe: compare-champion-challenger\n"
                 "        needs: [train]\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:14:7: error: 'compare' downloads artifact 'metrics', which 'evaluate' "
        "publishes, without waiting for it [artifact]\n"
        "      compare:\n"
        "      ^~~~~~~\n"
        "  hint: add needs: [train, evaluate] to 'compare'\n"
        "recipe 'compare-champion-challenger' (built in):70:9: note: the download is here\n"
        "      - name: Download challenger metrics\n"
        "        ^\n"
        "galley.yml:9:7: note: 'evaluate' publishes it\n"
        "      evaluate:\n"
        "      ^~~~~~~~\n");
}

TEST_CASE("compile: a download from a job waited for through others compiles") {
  std::string yml = mlPipeline(
      "      evaluate:\n        recipe: evaluate-model\n        needs: [train]\n"
      "        with:\n          model-artifact: clf-model\n"
      "      gate:\n        recipe: echo\n        needs: [evaluate]\n"
      "        with:\n          message: hi\n"
      "      compare:\n        recipe: compare-champion-challenger\n        needs: [gate]\n");
  yml.replace(0, 11, "name: demo\nagents:\n  github: [self-hosted, linux]\n  ado: {pool: ml}\n");
  Project p(yml, {{"echo", kEcho}});
  CHECK(p.compile());
  CHECK(p.errors() == "");
}

TEST_CASE("compile: what lint rejects in the output is an error at the user's text") {
  Project p(
      "name: demo\npipelines:\n  nightly:\n    on:\n      schedule:\n"
      "        - cron: \"0 3 * * 8\"\n    recipes:\n      say:\n        recipe: echo\n"
      "        with:\n          message: hi\n",
      {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:6:17: error: invalid cron '0 3 * * 8': day of week must be between 0 and 6 "
        "[cron]\n"
        "        - cron: \"0 3 * * 8\"\n"
        "                ^~~~~~~~~~~\n"
        ".github/workflows/nightly.yml:8:13: note: galley lint would report this in the compiled "
        "workflow\n"
        "    - cron: 0 3 * * 8\n"
        "            ^~~~~~~~~\n");
}

TEST_CASE("compile: a runner GitHub no longer offers is an error at the agents") {
  Project p(
      "name: demo\nagents:\n  github: ubuntu-18.04\npipelines:\n  ci:\n    recipes:\n"
      "      say:\n        recipe: echo\n        with:\n          message: hi\n",
      {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:3:11: error: runner 'ubuntu-18.04' is no longer offered by GitHub (removed in "
        "April 2023) [runner-label]\n"
        ".github/workflows/ci.yml:19:14: note: galley lint would report this in the compiled "
        "workflow\n");
}

TEST_CASE("compile: the project's self-hosted labels are listed in .github/actionlint.yaml") {
  Project p(
      "name: demo\nagents:\n  github: [self-hosted, gpu]\npipelines:\n  ci:\n    recipes:\n"
      "      say:\n        recipe: echo\n        with:\n          message: hi\n",
      {{"echo", kEcho}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.errors() == "");
  CHECK(p.file(*files, ".github/actionlint.yaml") == "self-hosted-runner:\n  labels:\n    - gpu\n");
  // Once listed, the file is left alone.
  fs::create_directories(p.dir / ".github");
  p.write(".github/actionlint.yaml", "self-hosted-runner:\n  labels: [gpu]\n");
  files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/actionlint.yaml") == "");
}

// ---- Errors point at the user's text (issue 20) ----

TEST_CASE(
    "compile: a bad value passed through with: is reported there, with a note in the recipe") {
  Project p(
      pipeline("      tests:\n        recipe: unit-tests\n        with:\n          "
               "results-artifact: \"\"\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:11:29: error: the artifact name is empty; it must be an id (letters, digits, "
        "'-', '_') [artifact]\n"
        "          results-artifact: \"\"\n"
        "                            ^~\n"
        "recipe 'unit-tests' (built in):57:19: note: recipe 'unit-tests' uses the value here\n"
        "        artifact: ${{ params.results-artifact }}\n"
        "                  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

TEST_CASE("compile: a whole number from with: out of the recipe's range is reported at with:") {
  const char* recipe =
      "recipe: slow\ndescription: S.\nparameters:\n  minutes:\n    type: number\n"
      "    description: M.\nsteps:\n  - run: sleep 1\n    timeout-minutes: ${{ params.minutes }}\n";
  Project p(pipeline("      slow:\n        with:\n          minutes: 99999\n"), {{"slow", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:10:20: error: timeout-minutes must be between 1 and 43200 [range]\n"
        "recipes/slow.yml:9:22: note: recipe 'slow' uses the value here\n");
}

// ---- Missing values and ranges ----

TEST_CASE("compile: a number above the parameter's maximum is an error at the value") {
  Project p(
      pipeline("      tests:\n        recipe: unit-tests\n        with:\n          "
               "coverage-threshold: 180\n"));
  CHECK_FALSE(p.compile());
  CHECK(
      p.errors(true) ==
      "galley.yml:11:31: error: parameter 'coverage-threshold' must be at most 100, not 180 "
      "[parameter-range]\n"
      "          coverage-threshold: 180\n"
      "                              ^~~\n"
      "recipe 'unit-tests' (built in):12:3: note: parameter 'coverage-threshold' is declared here\n"
      "  coverage-threshold:\n"
      "  ^~~~~~~~~~~~~~~~~~\n");
}

TEST_CASE("compile: a quoted number gets a hint to drop the quotes") {
  Project p(
      pipeline("      tests:\n        recipe: unit-tests\n        with:\n"
               "          coverage-threshold: \"80\"\n"));
  CHECK_FALSE(p.compile());
  CHECK(
      p.errors(true) ==
      "galley.yml:11:31: error: parameter 'coverage-threshold' expects a number, not '80' "
      "[parameter-type]\n"
      "          coverage-threshold: \"80\"\n"
      "                              ^~~~\n"
      "  hint: drop the quotes: in YAML \"80\" is a string and 80 a number\n"
      "recipe 'unit-tests' (built in):12:3: note: parameter 'coverage-threshold' is declared here\n"
      "  coverage-threshold:\n"
      "  ^~~~~~~~~~~~~~~~~~\n");
}

TEST_CASE("compile: backend azureml without a workspace is an error at the use") {
  Project p(
      "name: demo\nenvironments:\n  prod: {}\n"
      "secrets: [AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID, "
      "AZURE_SUBSCRIPTION_ID]\n"
      "pipelines:\n  ci:\n    on:\n      manual:\n    recipes:\n"
      "      deploy:\n        recipe: deploy-online-endpoint\n        with:\n"
      "          environment: prod\n          endpoint-name: e\n          model-name: m\n"
      "          model-version: \"1\"\n          backend: azureml\n"
      "          resource-group: \"\"\n");
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:10:7: error: recipe 'deploy-online-endpoint' needs parameter 'workspace' "
        "(string) when params.backend == 'azureml' [missing-parameter]\n"
        "      deploy:\n"
        "      ^~~~~~\n"
        "recipe 'deploy-online-endpoint' (built in):40:18: note: parameter 'workspace' is required "
        "here\n"
        "    required-if: ${{ params.backend == 'azureml' }}\n"
        "                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "galley.yml:18:27: error: recipe 'deploy-online-endpoint' needs parameter 'resource-group' "
        "(string) when params.backend == 'azureml' [missing-parameter]\n"
        "          resource-group: \"\"\n"
        "                          ^~\n"
        "recipe 'deploy-online-endpoint' (built in):45:18: note: parameter 'resource-group' is "
        "required here\n"
        "    required-if: ${{ params.backend == 'azureml' }}\n"
        "                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

namespace {

const char* kDeploy = R"(recipe: deploy
description: Deploy.
parameters:
  backend:
    type: choice
    options: [local, azureml]
    default: local
    description: Where.
  workspace:
    type: string
    default: ""
    required-if: ${{ params.backend == 'azureml' }}
    description: Workspace.
jobs:
  deploy:
    steps:
      - run: echo deploying to ${{ params.workspace }}
)";

std::string manual(const std::string& with) {
  return "name: demo\npipelines:\n  ci:\n    on:\n      manual:\n        inputs:\n"
         "          backend: {type: choice, options: [local, azureml], default: local}\n"
         "          ws: {type: string, default: \"\"}\n"
         "    recipes:\n      d:\n        recipe: deploy\n        with:\n" +
         with;
}

}  // namespace

TEST_CASE("compile: a required-if that holds only at run time is checked by a first step then") {
  Project p(manual("          backend: ${{ inputs.backend }}\n"), {{"deploy", kDeploy}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.errors() == "");
  CHECK(block(p.file(*files, ".github/workflows/ci.yml"), "    steps:") ==
        "    steps:\n"
        "      - name: Check that parameter 'workspace' is set\n"
        "        if: ${{ fromJSON(github.event_name == 'workflow_dispatch' && "
        "toJSON(inputs.backend) || '\"local\"') == 'azureml' }}\n"
        "        run: |\n"
        "          echo \"galley: recipe 'deploy' needs parameter 'workspace' (string) when "
        "params.backend == 'azureml'\" >&2\n"
        "          exit 1\n"
        "      - name: echo deploying to params.workspace\n"
        "        run: echo deploying to \"${PARAMS_WORKSPACE}\"\n"
        "        env:\n"
        "          PARAMS_WORKSPACE: ''\n");
  std::string ado = p.file(*files, ".azure-pipelines/ci.yml");
  CHECK(ado.find("            displayName: Check that parameter 'workspace' is set\n"
                 "            condition: and(succeeded(), eq(variables['INPUTS_BACKEND'], "
                 "'azureml'))\n") != std::string::npos);
}

TEST_CASE("compile: a required value known only at run time is checked for emptiness then") {
  Project p(manual("          backend: azureml\n          workspace: ${{ inputs.ws }}\n"),
            {{"deploy", kDeploy}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(block(gh, "      - name: Check that parameter 'workspace' is set") ==
        "      - name: Check that parameter 'workspace' is set\n"
        "        run: |\n"
        "          if [ -z \"${PARAMS_WORKSPACE}\" ]; then\n"
        "            echo \"galley: recipe 'deploy' needs parameter 'workspace' (string) when "
        "params.backend == 'azureml'\" >&2\n"
        "            exit 1\n"
        "          fi\n"
        "        env:\n"
        "          PARAMS_WORKSPACE: ${{ fromJSON(github.event_name == 'workflow_dispatch' && "
        "toJSON(inputs.ws) || '\"\"') }}\n");
  CHECK(p.file(*files, ".azure-pipelines/ci.yml")
            .find("              if [ -z \"${PARAMS_WORKSPACE}\" ]; then\n") != std::string::npos);
}

TEST_CASE("compile: a required-if decided when compiling adds no step") {
  // Known false: nothing to check; a value given: nothing either.
  for (std::string with : {"          backend: local\n",
                           "          backend: ${{ inputs.backend }}\n          workspace: w\n"}) {
    Project p(manual(with), {{"deploy", kDeploy}});
    auto files = p.compile();
    REQUIRE(files);
    CHECK_MESSAGE(p.file(*files, ".github/workflows/ci.yml").find("Check that parameter") ==
                      std::string::npos,
                  with);
  }
  // Known true with an empty value: an error now, not a step.
  Project p(manual("          backend: azureml\n"), {{"deploy", kDeploy}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:10:7: error: recipe 'deploy' needs parameter 'workspace' (string) when "
        "params.backend == 'azureml' [missing-parameter]\n"
        "recipes/deploy.yml:12:18: note: parameter 'workspace' is required here\n");
}

TEST_CASE("compile: a step recipe's run-time required-if check runs just before its steps") {
  const char* step = R"(recipe: push
description: Push.
parameters:
  backend:
    type: string
    description: Where.
  registry:
    type: string
    default: ""
    required-if: ${{ params.backend == 'azureml' }}
    description: Registry.
steps:
  - run: echo pushing to ${{ params.registry }}
)";
  const char* job = R"(recipe: deploy
description: Ship.
parameters:
  backend:
    type: string
    description: Where.
steps:
  - run: echo first
  - recipe: push
    with:
      backend: ${{ params.backend }}
)";
  Project p(manual("          backend: ${{ inputs.backend }}\n"),
            {{"push", step}, {"deploy", job}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  size_t first = gh.find("- name: echo first"), check = gh.find("Check that parameter 'registry'"),
         push = gh.find("- name: echo pushing");
  CHECK(first < check);
  CHECK(check < push);
  CHECK(push != std::string::npos);
}

TEST_CASE("compile: a composite recipe's run-time required-if is checked in each stage it makes") {
  const char* composite = R"(recipe: release
description: Release.
parameters:
  backend:
    type: string
    description: Where.
  workspace:
    type: string
    default: ""
    required-if: ${{ params.backend == 'azureml' }}
    description: Workspace.
uses:
  first:
    recipe: say
  second:
    recipe: say
    needs: [first]
)";
  const char* say = "recipe: say\ndescription: Say.\nsteps:\n  - run: echo hi\n";
  Project p(
      "name: demo\npipelines:\n  ci:\n    on:\n      manual:\n        inputs:\n"
      "          backend: {type: string, default: local}\n    recipes:\n      r:\n"
      "        recipe: release\n        with:\n          backend: ${{ inputs.backend }}\n",
      {{"release", composite}, {"say", say}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(block(gh, "  r-first:").find("Check that parameter 'workspace' is set") !=
        std::string::npos);
  CHECK(block(gh, "  r-second:").find("Check that parameter 'workspace' is set") !=
        std::string::npos);
}

TEST_CASE("compile: a number range and required-if are checked where the recipe declares them") {
  const char* recipe =
      "recipe: r\ndescription: R.\nparameters:\n  n:\n    type: string\n    minimum: 1\n"
      "    description: N.\n  m:\n    type: number\n    minimum: 5\n    maximum: 1\n"
      "    description: M.\n  w:\n    type: string\n    required-if: ${{ params.m == 1 }}\n"
      "    description: W.\nsteps:\n  - run: echo\n";
  Project p(pipeline("      r: {}\n"), {{"r", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(
      p.errors() ==
      "recipes/r.yml:6:5: error: 'minimum' only applies to number parameters [unknown-key]\n"
      "recipes/r.yml:11:14: error: the maximum of parameter 'm' is below its minimum [parameter]\n"
      "recipes/r.yml:15:18: error: parameter 'w' has required-if but no default: without one it is "
      "always required [parameter]\n");
}

// ---- Secrets ----

TEST_CASE(
    "compile: every secret a built-in recipe lacks is reported at once, without a wrong "
    "suggestion") {
  Project p(
      "name: demo\nsecrets: [AZURE_CLIENT_ID]\npipelines:\n  ci:\n    on:\n      manual:\n"
      "    recipes:\n      login:\n        recipe: azure-login\n");
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "recipe 'azure-login' (built in):17:20: error: secret 'AZURE_CLIENT_SECRET' is not listed "
        "under 'secrets' in galley.yml [unknown-secret]\n"
        "        --password ${{ secrets.AZURE_CLIENT_SECRET }} \\\n"
        "                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "  hint: add it to 'secrets' in galley.yml; `galley recipes show azure-login` lists every "
        "secret the recipe reads\n"
        "galley.yml:8:7: note: in recipe use 'login'\n"
        "      login:\n"
        "      ^~~~~\n"
        "recipe 'azure-login' (built in):18:18: error: secret 'AZURE_TENANT_ID' is not listed "
        "under 'secrets' in galley.yml [unknown-secret]\n"
        "        --tenant ${{ secrets.AZURE_TENANT_ID }}\n"
        "                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "  hint: add it to 'secrets' in galley.yml; `galley recipes show azure-login` lists every "
        "secret the recipe reads\n"
        "galley.yml:8:7: note: in recipe use 'login'\n"
        "      login:\n"
        "      ^~~~~\n"
        "recipe 'azure-login' (built in):19:37: error: secret 'AZURE_SUBSCRIPTION_ID' is not "
        "listed under 'secrets' in galley.yml [unknown-secret]\n"
        "      az account set --subscription ${{ secrets.AZURE_SUBSCRIPTION_ID }}\n"
        "                                    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "  hint: add it to 'secrets' in galley.yml; `galley recipes show azure-login` lists every "
        "secret the recipe reads\n"
        "galley.yml:8:7: note: in recipe use 'login'\n"
        "      login:\n"
        "      ^~~~~\n");
}

// ---- Every error in a scalar; did-you-mean ----

TEST_CASE("compile: every bad reference of a script is reported, not only the first") {
  const char* recipe =
      "recipe: two\ndescription: T.\nparameters:\n  path:\n    type: string\n"
      "    default: x\n    description: P.\nsteps:\n"
      "  - run: echo ${{ params.pth }} ${{ params.paht }}\n";
  Project p(pipeline("      two: {}\n"), {{"two", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "recipes/two.yml:9:15: error: recipe 'two' has no parameter 'pth' [unknown-parameter]\n"
        "  - run: echo ${{ params.pth }} ${{ params.paht }}\n"
        "              ^~~~~~~~~~~~~~~~~\n"
        "  hint: did you mean 'path'?\n"
        "recipes/two.yml:9:33: error: recipe 'two' has no parameter 'paht' [unknown-parameter]\n"
        "  - run: echo ${{ params.pth }} ${{ params.paht }}\n"
        "                                ^~~~~~~~~~~~~~~~~~\n"
        "  hint: did you mean 'path'?\n");
}

TEST_CASE("compile: every unknown name of a condition is reported, not only the first") {
  const char* recipe =
      "recipe: cond\ndescription: C.\nparameters:\n  mode:\n    type: string\n"
      "    default: x\n    description: M.\nsteps:\n"
      "  - run: echo\n    if: ${{ params.mdoe == 'a' || params.mode2 == 'b' }}\n";
  Project p(pipeline("      cond: {}\n"), {{"cond", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(
      p.errors(true) ==
      "recipes/cond.yml:10:13: error: recipe 'cond' has no parameter 'mdoe' [unknown-parameter]\n"
      "    if: ${{ params.mdoe == 'a' || params.mode2 == 'b' }}\n"
      "            ^~~~~~~~~~~\n"
      "  hint: did you mean 'mode'?\n"
      "recipes/cond.yml:10:35: error: recipe 'cond' has no parameter 'mode2' [unknown-parameter]\n"
      "    if: ${{ params.mdoe == 'a' || params.mode2 == 'b' }}\n"
      "                                  ^~~~~~~~~~~~\n"
      "  hint: did you mean 'mode'?\n");
}

TEST_CASE("compile: a recipe job's unknown need is reported at the name, with a suggestion") {
  const char* recipe =
      "recipe: jobs2\ndescription: J.\njobs:\n  build:\n    steps:\n"
      "      - run: echo\n  test:\n    needs: [build, biuld]\n    steps:\n"
      "      - run: echo\n";
  Project p(pipeline("      jobs2: {}\n"), {{"jobs2", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "recipes/jobs2.yml:8:20: error: job 'biuld' is not in recipe 'jobs2' [unknown-need]\n"
        "    needs: [build, biuld]\n"
        "                   ^~~~~\n"
        "  hint: did you mean 'build'?\n");
}

TEST_CASE("compile: a lint: block in galley.yml points at .galley.yml") {
  Project p(pipeline("      tests:\n        recipe: unit-tests\n") +
            "lint:\n  rules:\n    unpinned-uses: error\n");
  CHECK_FALSE(p.compile());
  CHECK(p.errors(true) ==
        "galley.yml:10:1: error: galley.yml has no 'lint' settings: galley lint reads them from "
        ".galley.yml at the repository root [misplaced-key]\n"
        "lint:\n"
        "^~~~\n"
        "  hint: move this 'lint:' block to .galley.yml (docs/lint.md describes it)\n");
}

TEST_CASE("compile: an empty list from with: for a matrix is reported at with:") {
  const char* recipe =
      "recipe: m\ndescription: M.\nparameters:\n  versions:\n    type: list\n"
      "    description: V.\njobs:\n  test:\n    matrix:\n"
      "      python: ${{ params.versions }}\n    steps:\n      - run: echo\n";
  Project p(pipeline("      m:\n        with:\n          versions: []\n"), {{"m", recipe}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:10:21: error: matrix 'python' needs a list of values [matrix]\n"
        "recipes/m.yml:10:15: note: recipe 'm' uses the value here\n");
}

TEST_CASE("compile: every bad item of a list passed through with: is reported") {
  Project p(
      pipeline("      quality:\n        recipe: code-quality\n        with:\n"
               "          paths: [\"${{ vars.SRC }}\", \"${{ vars.TESTS }}\"]\n"));
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:11:20: error: galley.yml defines no variable 'SRC' [unknown-variable]\n"
        "galley.yml:11:39: error: galley.yml defines no variable 'TESTS' [unknown-variable]\n");
}

TEST_CASE("compile: a use's name: names its GitHub job as it names its Azure stage") {
  const char* two =
      "recipe: two\ndescription: Two jobs.\njobs:\n  first:\n    name: First\n    steps:\n"
      "      - run: echo 1\n  second:\n    name: Second\n    steps:\n      - run: echo 2\n";
  Project p(pipeline("      say:\n        recipe: echo\n        name: My tests\n"
                     "        with: {message: hi}\n"
                     "      both:\n        recipe: two\n        name: Pair\n"
                     "      plain:\n        recipe: echo\n        with: {message: hi}\n"),
            {{"echo", kEcho}, {"two", two}});
  auto files = p.compile();
  REQUIRE(files);
  std::string gh = p.file(*files, ".github/workflows/ci.yml");
  CHECK(gh.find("  say:\n    name: My tests\n") != std::string::npos);
  CHECK(gh.find("  both-first:\n    name: Pair / First\n") != std::string::npos);
  CHECK(gh.find("  both-second:\n    name: Pair / Second\n") != std::string::npos);
  CHECK(gh.find("  plain:\n    name: Say it\n") != std::string::npos);
  CHECK(p.file(*files, ".azure-pipelines/ci.yml").find("displayName: My tests") !=
        std::string::npos);
}

TEST_CASE("compile: a list item that word splitting or globbing would change is an error at it") {
  const char* lst =
      "recipe: lst\ndescription: Args.\nparameters:\n  args:\n    type: list\n"
      "    description: Args.\nsteps:\n  - run: python v.py ${{ params.args }}\n";
  Project p(pipeline("      v:\n        recipe: lst\n        with:\n"
                     "          args: ['--title', 'My model', '*', 'pandas[excel]']\n"),
            {{"lst", lst}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:11:29: error: parameter 'args' has the item 'My model', which holds a "
        "blank: the script gets a list's items as words split at blanks, so it would get "
        "this one as several [parameter-type]\n"
        "recipes/lst.yml:4:3: note: parameter 'args' is declared here\n"
        "galley.yml:11:41: error: parameter 'args' has the item '*', which holds '*': the "
        "script would get the pattern, not the file names it matches (galley turns globbing "
        "off where lists are expanded) [parameter-type]\n"
        "recipes/lst.yml:4:3: note: parameter 'args' is declared here\n");
}

TEST_CASE("compile: a script that expands a list unquoted runs with globbing off") {
  const char* lst =
      "recipe: lst\ndescription: Args.\nparameters:\n  args:\n    type: list\n"
      "    description: Args.\nsteps:\n  - run: python v.py ${{ params.args }}\n";
  Project p(pipeline("      v:\n        recipe: lst\n        with:\n          args: [a, b]\n"),
            {{"lst", lst}});
  auto files = p.compile();
  REQUIRE(files);
  CHECK(p.file(*files, ".github/workflows/ci.yml")
            .find("# shellcheck disable=SC2086  # list parameters split into words on purpose\n"
                  "          set -f  # and their items are not file-name patterns\n"
                  "          python v.py ${PARAMS_ARGS}\n") != std::string::npos);
}

TEST_CASE(
    "compile: what lint finds in the output is reported at the galley.yml text it came from") {
  Project p(
      "name: demo\npipelines:\n  ci:\n    name: \"CI ${{ github.ref }}\"\n    on:\n      manual:\n"
      "        inputs:\n          n: {type: number, default: abc}\n"
      "          c: {type: choice, options: [a, b], default: z}\n"
      "          b: {type: boolean, default: maybe}\n"
      "    recipes:\n      say: {recipe: echo, with: {message: hi}}\n",
      {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:4:11: error: context 'github' is not available here [expression]\n"
        ".github/workflows/ci.yml:4:14: note: galley lint would report this in the compiled "
        "workflow\n"
        "galley.yml:8:38: error: default of number input 'n' is not a number [workflow-inputs]\n"
        ".github/workflows/ci.yml:12:18: note: galley lint would report this in the compiled "
        "workflow\n"
        "galley.yml:9:55: error: default 'z' of input 'c' is not one of its options "
        "[workflow-inputs]\n"
        ".github/workflows/ci.yml:16:18: note: galley lint would report this in the compiled "
        "workflow\n"
        "galley.yml:10:39: error: default of boolean input 'b' must be true or false "
        "[workflow-inputs]\n"
        ".github/workflows/ci.yml:23:18: note: galley lint would report this in the compiled "
        "workflow\n");
}

TEST_CASE("compile: a reference in a variable is an error at it, not copied to every target") {
  Project p("name: demo\nvariables:\n  A: \"${{ secrets.NOPE }}\"\n  B: plain\n" +
                pipeline("      say: {recipe: echo, with: {message: hi}}\n").substr(11),
            {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:3:6: error: variable 'A' holds a '${{': variables are plain values, written "
        "as they are into every target's file [reference]\n");
}

TEST_CASE("compile: schedule branches are an error for GitHub, which runs the default branch") {
  std::string yml =
      "name: demo\nTARGETS\npipelines:\n  ci:\n    on:\n      schedule:\n"
      "        - cron: '0 3 * * *'\n          branches: [release/2.0]\n"
      "    recipes:\n      say: {recipe: echo, with: {message: hi}}\n";
  std::string both = yml, ado = yml;
  both.replace(both.find("TARGETS"), 7, "targets: [github, ado]");
  ado.replace(ado.find("TARGETS"), 7, "targets: [ado]");
  Project p(both, {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() ==
        "galley.yml:8:21: error: GitHub runs a scheduled workflow on the repository's default "
        "branch only, so these branches cannot be honoured there [schedule-branches]\n");
  Project a(ado, {{"echo", kEcho}});
  auto files = a.compile();
  REQUIRE(files);
  CHECK(a.file(*files, ".azure-pipelines/ci.yml").find("      - release/2.0\n") !=
        std::string::npos);
}

TEST_CASE("compile: ids that differ only in case are errors at galley.yml") {
  Project uses(pipeline("      tests: {recipe: echo, with: {message: a}}\n"
                        "      Tests: {recipe: echo, with: {message: b}}\n"),
               {{"echo", kEcho}});
  CHECK_FALSE(uses.compile());
  CHECK(uses.errors() ==
        "galley.yml:9:7: error: 'Tests' differs from the use 'tests' only in case, which GitHub "
        "job ids and Azure DevOps stage names ignore [id-clash]\n"
        "galley.yml:8:7: note: the other use is here\n");
  Project pipelines(
      "name: demo\npipelines:\n  ci:\n    recipes: {say: {recipe: echo, with: {message: a}}}\n"
      "  CI:\n    recipes: {say: {recipe: echo, with: {message: a}}}\n",
      {{"echo", kEcho}});
  CHECK_FALSE(pipelines.compile());
  CHECK(pipelines.errors() ==
        "galley.yml:5:3: error: pipeline 'CI' differs from 'ci' only in case: their generated "
        "files would be one file on a case-insensitive file system (macOS, Windows) [id-clash]\n"
        "galley.yml:3:3: note: 'ci' is here\n");
}

TEST_CASE("compile: a pipeline id too long for a file name is an error at it") {
  std::string id(260, 'p');
  Project p("name: demo\npipelines:\n  " + id +
                ":\n    recipes: {say: {recipe: echo, with: {message: a}}}\n",
            {{"echo", kEcho}});
  CHECK_FALSE(p.compile());
  CHECK(p.errors() == "galley.yml:3:3: error: pipeline id '" + id.substr(0, 80) +
                          "...' is 260 characters long; at most 100, since it names the "
                          "generated files [invalid-id]\n");
}

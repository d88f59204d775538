#include "compiler/yaml_writer.h"

#include <doctest/doctest.h>

#include "compiler/yaml.h"
#include "tests/testing.h"

using namespace galley;
using yaml::Out;

TEST_CASE("the writer quotes only what would not read back as the same string") {
  CHECK(yaml::plainSafe("ubuntu-latest"));
  CHECK(yaml::plainSafe("${{ inputs.x }}"));
  CHECK(yaml::plainSafe("src/**"));
  CHECK_FALSE(yaml::plainSafe("3.11"));
  CHECK_FALSE(yaml::plainSafe("on"));
  CHECK_FALSE(yaml::plainSafe("*.py"));
  CHECK_FALSE(yaml::plainSafe("a: b"));
  CHECK_FALSE(yaml::plainSafe(""));
  CHECK_FALSE(yaml::plainSafe("0 3 * * 1") == false);
}

TEST_CASE("the writer lays out nested mappings, sequences and block scripts") {
  Out doc = Out::map();
  doc.set("name", Out::str("demo"));
  doc.set("on", Out::map()).set("push", Out::map()).set("branches", Out::strings({"main"}));
  Out& steps = doc.set("steps", Out::seq());
  Out step = Out::map();
  step.set("name", Out::str("Test"));
  step.set("run", Out::str("pytest\nflake8 src\n"));
  step.set("timeout", Out::number(5));
  steps.push(step);
  steps.push(Out::str("3.11"));
  CHECK(yaml::write(doc, {"generated"}) ==
        "# generated\n"
        "\n"
        "name: demo\n"
        "\n"
        "on:\n"
        "  push:\n"
        "    branches:\n"
        "      - main\n"
        "\n"
        "steps:\n"
        "  - name: Test\n"
        "    run: |\n"
        "      pytest\n"
        "      flake8 src\n"
        "    timeout: 5\n"
        "  - '3.11'\n");
}

TEST_CASE("written YAML reads back as the same values") {
  Out doc = Out::map();
  const std::vector<std::string> samples = {
      "it's",  "a: b", "#x", "yes", "- x", "0o17", "x\ty", "two\nlines", "no newline\nat end",
      " lead", "3"};
  for (size_t i = 0; i < samples.size(); ++i)
    doc.set("k" + std::to_string(i), Out::str(samples[i]));
  std::string text = yaml::write(doc);
  Sources sources;
  Diagnostics diags;
  auto node = yaml::load(*sources.add("out.yml", text), diags);
  REQUIRE(node);
  for (size_t i = 0; i < samples.size(); ++i) {
    INFO(text);
    CHECK(node->find("k" + std::to_string(i))->value == samples[i]);
  }
}

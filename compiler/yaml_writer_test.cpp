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

TEST_CASE("characters YAML readers refuse raw or take for line breaks are written escaped") {
  const std::vector<std::string> samples = {"x\x7fy",
                                            "\xc2\x80",
                                            "a\xc2\x85z",
                                            "a\xe2\x80\xa8"
                                            "b",
                                            "p\xe2\x80\xa9q",
                                            "\xef\xbf\xbe",
                                            "\xef\xbf\xbf",
                                            "\x1b[2J\x1b]0;x\x07",
                                            "\x01",
                                            "caf\xc3\xa9",
                                            "two\nlines\x7f\n",
                                            "\xc2\x9f"};
  Out doc = Out::map();
  for (size_t i = 0; i < samples.size(); ++i) {
    doc.set("k" + std::to_string(i), Out::str(samples[i]));
    doc.set(samples[i], Out::str("as a key"));
  }
  std::string text = yaml::write(doc);
  CHECK(text.find("k0: \"x\\x7fy\"\n") != std::string::npos);
  CHECK(text.find("k3: \"a\\u2028b\"\n") != std::string::npos);
  CHECK(text.find("k2: \"a\\x85z\"\n") != std::string::npos);
  CHECK(text.find("k9: café\n") != std::string::npos);
  Sources sources;
  Diagnostics diags;
  auto docs = yaml::loadAll(*sources.add("out.yml", text), diags);
  INFO(text);
  CHECK(diags.empty());
  REQUIRE(docs.size() == 1);
  for (size_t i = 0; i < samples.size(); ++i) {
    CHECK(docs[0].find("k" + std::to_string(i))->value == samples[i]);
    CHECK(docs[0].find(samples[i]) != nullptr);
  }
  // No raw DEL, C1 control or line separator is left in the text.
  for (const char* raw : {"\x7f", "\xc2\x80", "\xc2\x85", "\xe2\x80\xa8", "\xef\xbf\xbe", "\x1b"})
    CHECK(text.find(raw) == std::string::npos);
}

TEST_CASE("a header line cannot end its comment and start YAML") {
  Out doc = Out::map();
  doc.set("name", Out::str("x"));
  CHECK(yaml::write(doc, {"from x\non: [workflow_dispatch]\r\n#.yml \x1b[2J"}) ==
        "# from x\\non: [workflow_dispatch]\\r\\n#.yml \\x1b[2J\n\nname: x\n");
}

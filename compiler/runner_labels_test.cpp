#include "compiler/runner_labels.h"

#include <doctest/doctest.h>

using namespace galley;

namespace {

std::string added(const std::string& config, const std::vector<std::string>& labels) {
  std::string err;
  auto out = addRunnerLabels(config, labels, &err);
  return out ? *out : "error: " + err;
}

}  // namespace

TEST_CASE("runner labels: a new actionlint.yaml lists the labels") {
  CHECK(added("", {"gpu", "big-box"}) ==
        "self-hosted-runner:\n  labels:\n    - gpu\n    - big-box\n");
}

TEST_CASE("runner labels: an existing actionlint.yaml keeps its text, comments included") {
  CHECK(added("# ours\nconfig-variables: [A]\n", {"gpu"}) ==
        "# ours\nconfig-variables: [A]\nself-hosted-runner:\n  labels:\n    - gpu\n");
  CHECK(added("config-variables: [A]", {"gpu"}) ==
        "config-variables: [A]\nself-hosted-runner:\n  labels:\n    - gpu\n");
}

TEST_CASE("runner labels: labels join an existing list, block or flow") {
  CHECK(added("self-hosted-runner:\n  labels:\n    - big  # the big one\nx: 1\n", {"gpu"}) ==
        "self-hosted-runner:\n  labels:\n    - big  # the big one\n    - gpu\nx: 1\n");
  CHECK(added("self-hosted-runner:\n  labels: [big]\n", {"gpu"}) ==
        "self-hosted-runner:\n  labels: [big, gpu]\n");
  CHECK(added("self-hosted-runner:\n  labels: []\n", {"gpu"}) ==
        "self-hosted-runner:\n  labels: [gpu]\n");
}

TEST_CASE("runner labels: a self-hosted-runner without labels gets them") {
  CHECK(added("self-hosted-runner:\nx: 1\n", {"gpu"}) ==
        "self-hosted-runner:\n  labels:\n    - gpu\nx: 1\n");
  CHECK(added("self-hosted-runner:\n    other: 1\n", {"gpu"}) ==
        "self-hosted-runner:\n    labels:\n      - gpu\n    other: 1\n");
  CHECK(added("self-hosted-runner:\n  labels:\n", {"gpu"}) ==
        "self-hosted-runner:\n  labels:\n    - gpu\n");
}

TEST_CASE("runner labels: a shape galley cannot edit is left alone, with the reason") {
  CHECK(added("{self-hosted-runner: {labels: [a]}}\n", {"gpu"}) ==
        "error: its top level is not a block mapping");
  CHECK(added("self-hosted-runner:\n  labels: gpu\n", {"gpu"}) ==
        "error: its self-hosted-runner labels is not a list");
  CHECK(added("self-hosted-runner: [\n", {"gpu"}) == "error: it is not valid YAML");
}

TEST_CASE("runner labels: labels listed already, or matched by a glob, are not added again") {
  CHECK(unlistedRunnerLabels("self-hosted-runner:\n  labels: [gpu-*, big]\n",
                             {"gpu-a100", "big", "small"}) == std::vector<std::string>{"small"});
  CHECK(unlistedRunnerLabels("", {"gpu"}) == std::vector<std::string>{"gpu"});
}

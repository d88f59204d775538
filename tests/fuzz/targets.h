// The fuzz targets: one function per entry point that reads untrusted
// text. Each must return normally for every input (a crash, a sanitizer
// report, a hang or unbounded memory is the bug). tests/fuzz/fuzz_main.cpp
// wraps one in a libFuzzer binary (scripts/fuzz.sh); regressions_test.cpp
// replays tests/fuzz/regressions/<target>/ through them in galley_test.
#pragma once

#include <string_view>
#include <vector>

namespace galley::fuzz {

struct Target {
  const char* name;
  void (*run)(std::string_view input);
};

// yaml: the loader. expr: GitHub and Azure expressions, parsed, checked
// and evaluated (the first byte picks the dialect). compile: a galley.yml.
// lint: a workflow or, when the first byte is odd, an action. shell: the
// bash quoting scanner, with references at the bytes marked 0x01. azure:
// Azure template expansion of a pipeline whose NUL-separated pieces after
// the first are the templates t1.yml, t2.yml, ...
const std::vector<Target>& targets();

}  // namespace galley::fuzz

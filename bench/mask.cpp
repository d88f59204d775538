// Masks 200 MB of synthetic step output with 100 registered secrets (10 of
// them multi-line, like PEM keys), line by line as `galley run` does, and
// prints the throughput. Run by bench/mask.sh; not a test.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "runtime/masker.h"

namespace {

std::string token(std::mt19937& rng, size_t n) {
  static const char* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += kChars[rng() % 64];
  return s;
}

// Lines shaped like build, test and package-manager output.
std::string logLine(std::mt19937& rng, size_t i) {
  static const char* kShapes[] = {
      "[INFO] Compiling src/module_%zu/file_%zu.cpp (%zu/4000)",
      "  Downloading https://files.pythonhosted.org/packages/%zu/pkg-%zu.%zu-py3-none-any.whl",
      "2026-12-05T14:%02zu:%02zu.%03zuZ test_suite.py::test_case PASSED",
      "npm WARN deprecated package@%zu.%zu.%zu: this version is no longer supported",
      "commit %zu%zu%zu0f3a9c2b7e1d4f6a8b0c2e4f6a8b0c2e4f6a",
      "Step %zu/%zu : RUN apt-get install -y libssl-dev (%zu kB)",
  };
  char buf[256];
  std::snprintf(buf, sizeof buf, kShapes[i % 6], size_t(rng() % 60), size_t(rng() % 60),
                size_t(rng() % 1000));
  return buf;
}

}  // namespace

int main() {
  std::mt19937 rng(42);
  std::vector<std::string> secrets;
  for (int i = 0; i < 90; ++i)
    secrets.push_back(token(rng, 20 + rng() % 21));
  for (int i = 0; i < 10; ++i) {
    std::string pem = "-----BEGIN KEY-----\n";
    for (int l = 0; l < 4; ++l)
      pem += token(rng, 64) + "\n";
    secrets.push_back(pem + "-----END KEY-----");
  }
  galley::run::Masker masker;
  for (const auto& s : secrets)
    masker.addSecret(s);

  std::vector<std::string> lines;
  size_t bytes = 0;
  for (size_t i = 0; bytes < 200u * 1000 * 1000; ++i) {
    std::string line = logLine(rng, i);
    if (rng() % 100 == 0) line += " token=" + secrets[rng() % 90];
    bytes += line.size() + 1;
    lines.push_back(std::move(line));
  }

  // CPU time as well as wall time: on a shared machine the wall clock
  // measures the neighbours too.
  auto cpuNow = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
  };
  double bestWall = 0, bestCpu = 0;
  size_t maskedLines = 0;
  for (int round = 0; round < 5; ++round) {
    maskedLines = 0;
    auto start = std::chrono::steady_clock::now();
    double cpuStart = cpuNow();
    for (const auto& line : lines)
      if (masker.mask(line).size() != line.size()) ++maskedLines;
    double cpu = cpuNow() - cpuStart;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bestWall = std::max(bestWall, double(bytes) / 1e6 / wall);
    bestCpu = std::max(bestCpu, double(bytes) / 1e6 / cpu);
  }
  std::printf("masked %zu MB in %zu lines (%zu with a secret), %zu secrets, %zu patterns\n",
              bytes / 1000000, lines.size(), maskedLines, secrets.size(), masker.patternCount());
  std::printf("best of 5: %.0f MB/s of CPU time, %.0f MB/s of wall time\n", bestCpu, bestWall);
  return 0;
}

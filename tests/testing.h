// Helpers shared by the unit tests.
#pragma once

#include <pthread.h>

#include <functional>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "compiler/render.h"

namespace galley {
inline doctest::String toString(const Position& p) {
  return (std::to_string(p.line) + ":" + std::to_string(p.column)).c_str();
}
}  // namespace galley

namespace galley::testing {

// Diagnostics as the text renderer prints them without colour: the exact
// output a user sees, for whole-text assertions.
inline std::string rendered(const Diagnostics& ds) {
  std::ostringstream out;
  renderText(out, ds, RenderOptions{false, true});
  return out.str();
}

// Only the first line of each diagnostic ("file:line:col: error: ... [rule]").
inline std::string headlines(const Diagnostics& ds) {
  std::ostringstream out;
  renderText(out, ds, RenderOptions{false, false});
  std::string all = out.str(), result;
  std::istringstream lines(all);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("  hint:", 0) != 0) result += line + "\n";
  return result;
}

// Runs f on a thread with a stack of `bytes`, so that a test of deep input
// fails on recursion that a test thread's 8 MB would hide.
inline void onSmallStack(size_t bytes, const std::function<void()>& f) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, bytes);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attr, run, const_cast<std::function<void()>*>(&f)) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

// Where the shared corpora live (../shared beside the project).
inline std::string sharedDir() {
  return GALLEY_SHARED_DIR;
}

}  // namespace galley::testing

// Helpers shared by the unit tests.
#pragma once

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

// Where the shared corpora live (../shared beside the project).
inline std::string sharedDir() {
  return GALLEY_SHARED_DIR;
}

}  // namespace galley::testing

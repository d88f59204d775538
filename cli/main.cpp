#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) {
  // galley writes through iostreams only (the few C stdio messages are
  // fatal ones before exit), so the streams need no sync with stdio; lint
  // prints thousands of findings.
  std::ios::sync_with_stdio(false);
  return galley::cli::run(argc, argv);
}

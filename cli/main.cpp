#include <exception>
#include <iostream>

#include "cli/app.h"
#include "compiler/render.h"

int main(int argc, char** argv) {
  // galley writes through iostreams only (the few C stdio messages are
  // fatal ones before exit), so the streams need no sync with stdio; lint
  // prints thousands of findings.
  std::ios::sync_with_stdio(false);
  // Each library's exceptions are caught where they arise and become
  // diagnostics; this is the last resort for one that was missed (or
  // bad_alloc), so that it is an error message and exit 2, not an abort.
  try {
    return galley::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "galley: error: internal error: " << galley::printable(e.what()) << '\n';
  } catch (...) {
    std::cout.flush();
    std::cerr << "galley: error: internal error: an unknown exception\n";
  }
  return galley::cli::kExitUsage;
}

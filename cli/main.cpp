#include "cli/app.h"

int main(int argc, char** argv) {
  return galley::cli::run(argc, argv);
}

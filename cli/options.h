// Checks shared by the commands' options.
#pragma once

#include <CLI/CLI.hpp>

namespace galley::cli {

// A count: digits only, at least min. CLI11 alone reads "-1" into an
// unsigned option as a huge number, and takes 0 where a count must be one
// or more.
CLI::Validator count(unsigned long min);

}  // namespace galley::cli

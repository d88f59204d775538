#include "cli/options.h"

#include <algorithm>
#include <string>

namespace galley::cli {

CLI::Validator count(unsigned long min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        bool digits =
            !text.empty() && text.size() <= 18 &&
            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits && std::stoull(text) >= min) return {};
        return "'" + text + "' is not a whole number" +
               (min > 0 ? " of at least " + std::to_string(min) : "");
      },
      "");
}

}  // namespace galley::cli

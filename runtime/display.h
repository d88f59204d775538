// Text for a terminal from text a user's program wrote: no control
// characters reach the terminal, widths are counted in columns.
#pragma once

#include <string>
#include <string_view>

#include "runtime/events.h"

namespace galley::run {

// `text` safe to print: C0 controls and DEL in caret notation (ESC is
// `^[`), C1 controls and bytes that are not UTF-8 as `?`. A tab stays a tab
// unless `tabs` is false (then a space). Newlines are controls too: print
// one line at a time.
std::string printable(std::string_view text, bool tabs = true);

// The columns printable text takes on a terminal (East Asian wide and
// emoji code points count two).
size_t displayWidth(std::string_view text);

// printable text cut to at most `width` columns, ending in `…` when cut.
std::string fitWidth(std::string_view text, size_t width);

// printable text padded with spaces to `width` columns (never cut).
std::string padTo(std::string_view text, size_t width);

// A duration for people: `0.4s`, `59.9s`, `1m 05s`, `2h 03m`.
std::string formatDuration(Clock::duration d);

// SGR colour around text when `on`.
std::string paint(std::string_view text, const char* sgr, bool on);

}  // namespace galley::run

#include "runtime/azure/build_number.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "compiler/ascii.h"
#include "compiler/sha256.h"

namespace galley::run::azure {

namespace {

const char* const kMonths[] = {"January",   "February", "March",    "April",
                               "May",       "June",     "July",     "August",
                               "September", "October",  "November", "December"};
const char* const kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};

std::string padded(long value, size_t width) {
  std::string s = std::to_string(value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// The formatted field for a run of `n` copies of the specifier c.
std::string field(char c, size_t n, const std::tm& t) {
  int hour12 = t.tm_hour % 12 == 0 ? 12 : t.tm_hour % 12;
  switch (c) {
    case 'y':
      return n == 1   ? std::to_string((t.tm_year + 1900) % 100)
             : n == 2 ? padded((t.tm_year + 1900) % 100, 2)
                      : padded(t.tm_year + 1900, n);
    case 'M':
      return n <= 2   ? padded(t.tm_mon + 1, n)
             : n == 3 ? std::string(kMonths[t.tm_mon], 3)
                      : std::string(kMonths[t.tm_mon]);
    case 'd':
      return n <= 2   ? padded(t.tm_mday, n)
             : n == 3 ? std::string(kDays[t.tm_wday], 3)
                      : std::string(kDays[t.tm_wday]);
    case 'H':
      return padded(t.tm_hour, std::min<size_t>(n, 2));
    case 'h':
      return padded(hour12, std::min<size_t>(n, 2));
    case 'm':
      return padded(t.tm_min, std::min<size_t>(n, 2));
    case 's':
      return padded(t.tm_sec, std::min<size_t>(n, 2));
    case 'f':
    case 'F':
      return c == 'f' ? std::string(std::min<size_t>(n, 7), '0') : "";  // no fractions kept
    case 't':
      return std::string(t.tm_hour < 12 ? "AM" : "PM").substr(0, n == 1 ? 1 : 2);
  }
  return std::string(n, c);
}

bool isSpecifier(char c) {
  return std::string_view("yMdHhmsfFt").find(c) != std::string_view::npos;
}

// `$(Rev:r)`, `$(Rev:rr)`, `$(Rev:.r)`: the dot and the width; false when
// spec is not one.
bool revSpec(std::string_view spec, bool* dot, size_t* width) {
  *dot = spec.starts_with('.');
  if (*dot) spec.remove_prefix(1);
  if (spec.empty() || spec.find_first_not_of('r') != std::string_view::npos) return false;
  *width = spec.size();
  return true;
}

// A token's value; false when it is no token (a variable, or nothing).
bool token(std::string_view name, const BuildNumberFacts& f, std::string* out) {
  const std::tm& t = f.time;
  auto is = [&](std::string_view n) { return equalsIgnoreCase(name, n); };
  if (name.size() > 5 && equalsIgnoreCase(name.substr(0, 5), "Date:")) {
    *out = formatDate(name.substr(5), t);
  } else if (is("Year:yy") || is("Year:yyyy")) {
    *out = field('y', name.size() - 5, t);
  } else if (is("DayOfMonth")) {
    *out = std::to_string(t.tm_mday);
  } else if (is("DayOfYear")) {
    *out = std::to_string(t.tm_yday + 1);
  } else if (is("Hours")) {
    *out = std::to_string(t.tm_hour);
  } else if (is("Minutes")) {
    *out = std::to_string(t.tm_min);
  } else if (is("Month")) {
    *out = std::to_string(t.tm_mon + 1);
  } else if (is("Seconds")) {
    *out = std::to_string(t.tm_sec);
  } else if (is("Build.DefinitionName") || is("BuildDefinitionName")) {
    *out = f.definitionName;
  } else if (is("Build.BuildId") || is("BuildId")) {
    *out = f.buildId;
  } else if (is("TeamProject") || is("System.TeamProject")) {
    *out = f.teamProject;
  } else if (is("SourceBranchName") || is("Build.SourceBranchName")) {
    *out = f.sourceBranchName;
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::string formatDate(std::string_view format, const std::tm& t) {
  std::string out;
  for (size_t i = 0; i < format.size();) {
    char c = format[i];
    if (c == '\'' || c == '"') {
      size_t end = format.find(c, i + 1);
      if (end == std::string_view::npos) end = format.size();
      out.append(format.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '\\' && i + 1 < format.size()) {
      out.push_back(format[i + 1]);
      i += 2;
    } else if (isSpecifier(c)) {
      size_t n = 1;
      while (i + n < format.size() && format[i + n] == c)
        ++n;
      out += field(c, n, t);
      i += n;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

std::string buildNumber(std::string_view format, const BuildNumberFacts& facts,
                        const std::function<int(const std::string& key)>& rev) {
  static constexpr char kMarker = '\x01';
  std::string out;
  bool revDot = false;
  size_t revWidth = 0;
  size_t pos = 0;
  while (pos < format.size()) {
    size_t open = format.find("$(", pos);
    size_t close = open == std::string_view::npos ? open : format.find(')', open + 2);
    if (close == std::string_view::npos) break;
    out.append(format.substr(pos, open - pos));
    std::string_view name = format.substr(open + 2, close - open - 2);
    std::string value;
    bool dot = false;
    size_t width = 0;
    if (name.size() > 4 && equalsIgnoreCase(name.substr(0, 4), "Rev:") &&
        revSpec(name.substr(4), &dot, &width) && revWidth == 0) {
      revDot = dot;
      revWidth = width;
      out.push_back(kMarker);
    } else if (token(name, facts, &value)) {
      out += value;
    } else if (const Variables::Entry* e =
                   facts.variables ? facts.variables->find(name) : nullptr) {
      out += e->value;
    } else {
      out.append(format.substr(open, close + 1 - open));
    }
    pos = close + 1;
  }
  out.append(format.substr(std::min(pos, format.size())));
  size_t at = out.find(kMarker);
  if (at == std::string::npos) return out;
  int n = rev(out);
  out.replace(at, 1, (revDot ? "." : "") + padded(n, revWidth));
  return out;
}

int claimRevision(const std::string& dir, const std::string& key) {
  namespace fs = std::filesystem;
  fs::path folder = fs::path(dir) / sha256Hex(key).substr(0, 32);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return 0;
  // The highest claimed so far is where the search starts: each run costs
  // one directory listing, however many runs came before.
  int last = 0;
  for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos &&
        name.size() < 9)
      last = std::max(last, std::stoi(name));
  }
  for (int n = last + 1; n < last + 10000; ++n) {
    std::string file = (folder / std::to_string(n)).string();
    int fd = open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) {
      close(fd);
      return n;
    }
    if (errno != EEXIST) return 0;
  }
  return 0;
}

}  // namespace galley::run::azure

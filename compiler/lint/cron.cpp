#include "compiler/lint/cron.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "compiler/ascii.h"
#include "compiler/expr/scalar_map.h"

namespace galley::lint {

namespace {

struct CronField {
  const char* name;
  int lo, hi;
};

const CronField kCronFields[] = {{"minute", 0, 59},
                                 {"hour", 0, 23},
                                 {"day of month", 1, 31},
                                 {"month", 1, 12},
                                 {"day of week", 0, 6}};

const char* const kMonths[] = {"january",   "february", "march",    "april",
                               "may",       "june",     "july",     "august",
                               "september", "october",  "november", "december"};
const char* const kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                             "thursday", "friday", "saturday"};

// A month's or a weekday's name: its number, or -1. GitHub reads the first
// three letters only; Azure the whole name too.
int cronName(std::string_view s, int field, CronDialect dialect) {
  std::string l = lowerCase(s);
  auto match = [&](const char* name) {
    std::string_view full(name);
    return l == full.substr(0, 3) || (dialect == CronDialect::Azure && l == full);
  };
  if (field == 3)
    for (int i = 0; i < 12; ++i)
      if (match(kMonths[i])) return i + 1;
  if (field == 4)
    for (int i = 0; i < 7; ++i)
      if (match(kDays[i])) return i;
  return -1;
}

bool cronNumber(std::string_view s, int field, CronDialect dialect, int* out) {
  if (s.empty()) return false;
  int named = cronName(s, field, dialect);
  if (named >= 0) {
    *out = named;
    return true;
  }
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || v > 1000) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Parses one field into the set of values it selects; returns "" or an error.
std::string parseCronField(std::string_view f, int field, CronDialect dialect,
                           std::vector<bool>* sel) {
  const CronField& def = kCronFields[field];
  // GitHub's cron reads 7 as Sunday too; Azure's documentation stops at 6.
  int hi = field == 4 && dialect == CronDialect::GitHub ? 7 : def.hi;
  sel->assign(hi + 1, false);
  size_t start = 0;
  while (start <= f.size()) {
    size_t comma = f.find(',', start);
    if (comma == std::string_view::npos) comma = f.size();
    std::string_view part = f.substr(start, comma - start);
    start = comma + 1;
    int step = 1;
    size_t slash = part.find('/');
    if (slash != std::string_view::npos) {
      if (!cronNumber(part.substr(slash + 1), -1, dialect, &step) || step == 0)
        return "invalid step in the " + std::string(def.name) + " field";
      part = part.substr(0, slash);
    }
    int a = def.lo, b = hi;
    if (part != "*") {
      size_t dash = part.find('-');
      if (!cronNumber(part.substr(0, dash), field, dialect, &a))
        return "'" + std::string(part) + "' is not a valid " + def.name;
      b = slash != std::string_view::npos ? hi : a;
      if (dash != std::string_view::npos && !cronNumber(part.substr(dash + 1), field, dialect, &b))
        return "'" + std::string(part) + "' is not a valid " + def.name + " range";
      if (a < def.lo || a > hi || b < def.lo || b > hi)
        return std::string(def.name) + " must be between " + std::to_string(def.lo) + " and " +
               std::to_string(def.hi);
      if (a > b) return "range '" + std::string(part) + "' ends before it starts";
    }
    for (int v = a; v <= b; v += step)
      (*sel)[v] = true;
    if (comma == f.size()) break;
  }
  return {};
}

// A space that is not one to cron (copied from a web page or a word
// processor): its code point and name, and its length in bytes, or 0.
struct OddSpace {
  size_t bytes;
  const char* name;
};
OddSpace oddSpaceAt(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  if (at(i) == 0xC2 && at(i + 1) == 0xA0) return {2, "U+00A0 (NO-BREAK SPACE)"};
  if (at(i) == 0xE2 && at(i + 1) == 0x80) {
    unsigned c = at(i + 2);
    if (c >= 0x80 && c <= 0x8A) return {3, "a Unicode space (U+2000 to U+200A)"};
    if (c == 0x8B) return {3, "U+200B (ZERO WIDTH SPACE)"};
    if (c == 0xAF) return {3, "U+202F (NARROW NO-BREAK SPACE)"};
  }
  if (at(i) == 0xE3 && at(i + 1) == 0x80 && at(i + 2) == 0x80)
    return {3, "U+3000 (IDEOGRAPHIC SPACE)"};
  return {0, nullptr};
}

// The five fields a cron shorthand such as @daily stands for, or "".
std::string fiveFieldsOf(std::string_view shorthand) {
  static const std::pair<const char*, const char*> kShorthands[] = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}};
  for (const auto& [name, five] : kShorthands)
    if (lowerCase(shorthand) == name) return five;
  return {};
}

size_t count(const std::vector<bool>& v) {
  return static_cast<size_t>(std::count(v.begin(), v.end(), true));
}

bool all(const std::vector<bool>& v, int from) {
  return std::all_of(v.begin() + from, v.end(), [](bool b) { return b; });
}

// GitHub: the shortest gap between selected minutes within an hour, and
// across the hour when every hour is selected, bounds the interval.
void checkGitHubInterval(const yaml::Node& cron, const std::vector<std::vector<bool>>& sel,
                         Diagnostics& diags) {
  std::vector<int> minutes;
  for (int m = 0; m < 60; ++m)
    if (sel[0][m]) minutes.push_back(m);
  bool everyHour = all(sel[1], 0);
  int gap = 60 * 24;
  for (size_t i = 1; i < minutes.size(); ++i)
    gap = std::min(gap, minutes[i] - minutes[i - 1]);
  if (minutes.size() == 1 && everyHour) gap = std::min(gap, 60);
  if (!minutes.empty() && everyHour) gap = std::min(gap, minutes.front() + 60 - minutes.back());
  if (gap < 5)
    diags.error(cron.where, "cron",
                "cron '" + cron.value + "' runs every " + std::to_string(gap) +
                    " minute(s); GitHub runs schedules at most once every 5 minutes");
}

// Azure: the most runs one week can hold. A day runs minutes x hours times;
// a week has every day when neither day field narrows it, else at most the
// days they select (either one, as cron reads them when both are set).
void checkAzureWeek(const yaml::Node& cron, const std::vector<std::vector<bool>>& sel,
                    Diagnostics& diags) {
  size_t perDay = count(sel[0]) * count(sel[1]);
  bool anyMonthDay = all(sel[2], 1), anyWeekday = all(sel[4], 0);
  size_t days = 7;
  if (anyMonthDay && !anyWeekday) days = count(sel[4]);
  if (!anyMonthDay && anyWeekday) days = std::min<size_t>(7, count(sel[2]));
  if (!anyMonthDay && !anyWeekday) days = std::min<size_t>(7, count(sel[2]) + count(sel[4]));
  size_t perWeek = perDay * days;
  if (perWeek > 1000)
    diags.error(cron.where, "cron",
                "cron '" + cron.value + "' asks for up to " + std::to_string(perWeek) +
                    " runs a week; Azure Pipelines runs about 1000 scheduled runs of a "
                    "pipeline a week and skips the rest",
                "schedule it less often (every 10 minutes is already 1008 runs a week)");
}

}  // namespace

void checkCron(const yaml::Node& cron, CronDialect dialect, Diagnostics& diags) {
  const char* host = dialect == CronDialect::GitHub ? "GitHub" : "Azure Pipelines";
  for (size_t i = 0; i < cron.value.size(); ++i)
    if (OddSpace odd = oddSpaceAt(cron.value, i); odd.bytes) {
      diags.error(expr::ScalarMap(cron).location(i, odd.bytes), "cron",
                  "cron '" + cron.value + "' separates its fields with " + odd.name +
                      ", which cron does not read as a space",
                  "retype the spaces between the fields as plain spaces");
      return;
    }
  std::vector<std::string> fields;
  std::string cur;
  for (char c : cron.value) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) fields.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) fields.push_back(cur);
  if (fields.size() == 1 && fields[0].starts_with("@")) {
    std::string five = fiveFieldsOf(fields[0]);
    diags.error(cron.where, "cron",
                "cron '" + cron.value + "' is a shorthand " + host +
                    " does not read: write the five fields (minute hour day month weekday)",
                five.empty() ? std::string() : "for " + fields[0] + ", write '" + five + "'");
    return;
  }
  if (fields.size() != 5) {
    diags.error(cron.where, "cron",
                "cron '" + cron.value +
                    "' must have 5 fields (minute hour day month weekday), not " +
                    std::to_string(fields.size()));
    return;
  }
  std::vector<std::vector<bool>> sel(5);
  for (int i = 0; i < 5; ++i) {
    std::string err = parseCronField(fields[i], i, dialect, &sel[i]);
    if (!err.empty()) {
      diags.error(cron.where, "cron", "invalid cron '" + cron.value + "': " + err);
      return;
    }
  }
  if (dialect == CronDialect::GitHub)
    checkGitHubInterval(cron, sel, diags);
  else
    checkAzureWeek(cron, sel, diags);
}

}  // namespace galley::lint

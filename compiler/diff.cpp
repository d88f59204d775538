#include "compiler/diff.h"

#include <sstream>
#include <vector>

namespace galley {

namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

struct Edit {
  char op;  // ' ', '-', '+'
  std::string line;
};

// Longest-common-subsequence edit script. Generated files are small; past a
// size bound the whole file is shown replaced rather than spending quadratic memory.
std::vector<Edit> edits(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<Edit> out;
  if (a.size() * b.size() > 16'000'000) {
    for (const auto& l : a)
      out.push_back({'-', l});
    for (const auto& l : b)
      out.push_back({'+', l});
    return out;
  }
  std::vector<std::vector<uint32_t>> lcs(a.size() + 1, std::vector<uint32_t>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;)
    for (size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out.push_back({' ', a[i]});
      ++i, ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({'-', a[i++]});  // deletions first, as diff(1) prints them
    } else {
      out.push_back({'+', b[j++]});
    }
  }
  return out;
}

}  // namespace

std::string unifiedDiff(const std::string& before, const std::string& after,
                        const std::string& beforeName, const std::string& afterName) {
  if (before == after) return "";
  std::vector<Edit> es = edits(lines(before), lines(after));
  const size_t context = 3;
  std::ostringstream out;
  out << "--- " << beforeName << "\n+++ " << afterName << "\n";
  size_t k = 0;
  while (k < es.size()) {
    while (k < es.size() && es[k].op == ' ')
      ++k;
    if (k == es.size()) break;
    size_t start = k >= context ? k - context : 0;
    size_t end = k;
    // Extend the hunk while changes are closer than twice the context.
    while (end < es.size()) {
      if (es[end].op != ' ') {
        ++end;
        continue;
      }
      size_t run = end;
      while (run < es.size() && es[run].op == ' ')
        ++run;
      if (run == es.size() || run - end > 2 * context) {
        end = std::min(es.size(), end + context);
        break;
      }
      end = run;
    }
    size_t oldStart = 1, newStart = 1;
    for (size_t m = 0; m < start; ++m) {
      if (es[m].op != '+') ++oldStart;
      if (es[m].op != '-') ++newStart;
    }
    size_t oldCount = 0, newCount = 0;
    for (size_t m = start; m < end; ++m) {
      if (es[m].op != '+') ++oldCount;
      if (es[m].op != '-') ++newCount;
    }
    out << "@@ -" << (oldCount ? oldStart : oldStart - 1) << ',' << oldCount << " +"
        << (newCount ? newStart : newStart - 1) << ',' << newCount << " @@\n";
    for (size_t m = start; m < end; ++m)
      out << es[m].op << es[m].line << '\n';
    k = end;
  }
  return out.str();
}

}  // namespace galley

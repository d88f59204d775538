// Bash scripts of an Azure pipeline for shellcheck.
#include "compiler/ascii.h"
#include "compiler/lint/azure/checks.h"

namespace galley::lint::azure {

namespace {

bool macroChar(char c) {
  return isAsciiAlnum(c) || c == '_' || c == '.' || c == '-';
}

// The script with each ${{ }}, $[ ] and $(Name.With.Dots) macro replaced,
// width for width (newlines kept), by 1s: Azure substitutes them before
// bash runs, so shellcheck must not read them as command substitutions. A
// $(word) without dots that names no variable of the file is left as it is:
// Azure leaves an undefined macro as written, and bash then runs it as a
// command.
// In a template every $(word) is taken for a macro: the variables are its
// callers'.
std::string placeholders(const std::string& text, const std::set<std::string>& variables,
                         bool everyMacro) {
  std::string out = text;
  auto fill = [&](size_t b, size_t e) {
    for (size_t i = b; i < e && i < out.size(); ++i)
      if (out[i] != '\n') out[i] = '1';
  };
  for (size_t at = 0; (at = text.find("${{", at)) != std::string::npos;) {
    size_t close = text.find("}}", at);
    if (close == std::string::npos) break;
    fill(at, close + 2);
    at = close + 2;
  }
  for (size_t at = 0; (at = text.find("$[", at)) != std::string::npos;) {
    size_t close = text.find(']', at);
    if (close == std::string::npos) break;
    fill(at, close + 1);
    at = close + 1;
  }
  for (size_t at = 0; (at = text.find("$(", at)) != std::string::npos; at += 2) {
    size_t e = at + 2;
    bool dot = false;
    for (; e < text.size() && macroChar(text[e]); ++e)
      dot = dot || text[e] == '.';
    if (e >= text.size() || text[e] != ')' || e == at + 2) continue;
    if (dot || everyMacro || variables.count(lowerCase(text.substr(at + 2, e - at - 2))))
      fill(at, e + 1);
  }
  return out;
}

}  // namespace

void collectShellScripts(const Pipeline& p, std::vector<Script>& out) {
  for (const auto& s : p.stages)
    for (const auto& j : s.jobs)
      for (const auto& st : j.steps) {
        if (!st.shell || !st.script || !st.script->isScalar() || st.script->value.empty()) continue;
        // Azure writes the script to a file and runs `bash FILE`: no -e, so
        // a failing command in the middle does not stop it (research/runner.md
        // §5.6, Tasks/BashV3 and CmdLineV2).
        out.push_back({*st.script,
                       "#!/bin/bash\n" + placeholders(st.script->value, p.variables, p.isTemplate),
                       1});
      }
}

}  // namespace galley::lint::azure

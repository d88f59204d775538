// The Azure counterparts of the GitHub security audits.
#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <set>

#include "compiler/ascii.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/lint/azure/checks.h"

namespace galley::lint::azure {

namespace {

// Predefined variables whose value whoever pushes a branch or opens a pull
// request chooses (learn.microsoft.com, "Predefined variables"; the
// security guidance on "Inputs and variables").
const std::vector<std::string>& userControlled() {
  static const std::vector<std::string> names = {
      "Build.SourceBranch",
      "Build.SourceBranchName",
      "Build.SourceVersionMessage",
      "Build.RequestedFor",
      "Build.RequestedForEmail",
      "Build.SourceVersionAuthor",
      "System.PullRequest.SourceBranch",
      "System.PullRequest.TargetBranch",
      "System.PullRequest.SourceRepositoryURI",
      "System.PullRequest.PullRequestTitle",
  };
  return names;
}

// The user-controlled variable a macro or ${{ variables... }} at `at`
// names, or "".
std::string userVariableAt(std::string_view v, size_t at, size_t* length) {
  for (const auto& name : userControlled()) {
    if (v.size() - at < name.size() || !equalsIgnoreCase(v.substr(at, name.size()), name)) continue;
    size_t end = at + name.size();
    if (end < v.size() && (isAsciiAlnum(v[end]) || v[end] == '_')) continue;  // ...BranchName
    *length = name.size();
    return name;
  }
  return "";
}

std::string envName(std::string_view variable) {
  std::string out;
  for (char c : variable)
    out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void checkInjection(const Step& s, Diagnostics& diags) {
  const std::string& v = s.script->value;
  std::unique_ptr<expr::ScalarMap> map;
  for (size_t i = 0; i + 2 < v.size(); ++i) {
    size_t start = std::string::npos, len = 0;
    std::string name;
    if (v.compare(i, 2, "$(") == 0) {
      name = userVariableAt(v, i + 2, &len);
      if (!name.empty() && i + 2 + len < v.size() && v[i + 2 + len] == ')') start = i;
      len += 3;
    } else if (v.compare(i, 3, "${{") == 0) {
      size_t close = v.find("}}", i);
      if (close == std::string::npos) break;
      for (size_t k = i + 3; k < close && name.empty(); ++k) {
        name = userVariableAt(v, k, &len);
        if (!name.empty() && k > 0 && (isAsciiAlnum(v[k - 1]) || v[k - 1] == '_')) name.clear();
      }
      if (!name.empty()) {
        start = i;
        len = close + 2 - i;
      }
    }
    if (start == std::string::npos || name.empty()) continue;
    if (!map) map = std::make_unique<expr::ScalarMap>(*s.script);
    diags.error(map->location(start, len), "variable-injection",
                name +
                    " is chosen by whoever pushes the branch or opens the pull request, and "
                    "is pasted into the script's text here: a crafted value runs as code",
                "read it from the environment instead: \"$" + envName(name) +
                    "\" in bash, $env:" + envName(name) + " in PowerShell");
    i = start + len - 1;
  }
}

// A name that reads as a secret: password, token, secret, key...
bool secretName(std::string_view name) {
  std::string l = lowerCase(name);
  for (const char* w : {"password", "passwd", "secret", "token", "apikey", "api_key", "pat",
                        "credential", "connectionstring", "accesskey", "privatekey"})
    if (l.find(w) != std::string::npos) {
      if (std::string_view(w) == "pat" && l != "pat" && !l.ends_with("_pat") &&
          !l.starts_with("pat_"))
        continue;
      return true;
    }
  return false;
}

// echo / printf / Write-Host of $(secret) or of a variable a step marked
// issecret=true: the log shows it (Azure masks what it knows is secret,
// but not a value built from it or one it was never told about).
void checkEcho(const Step& s, const std::set<std::string>& secrets, Diagnostics& diags) {
  const std::string& v = s.script->value;
  std::unique_ptr<expr::ScalarMap> map;
  size_t lineStart = 0;
  while (lineStart < v.size()) {
    size_t lineEnd = v.find('\n', lineStart);
    if (lineEnd == std::string::npos) lineEnd = v.size();
    std::string_view line = std::string_view(v).substr(lineStart, lineEnd - lineStart);
    std::string_view t = line.substr(std::min(line.find_first_not_of(" \t"), line.size()));
    std::string lower = lowerCase(t.substr(0, 12));
    bool prints = lower.starts_with("echo ") || lower.starts_with("printf ") ||
                  lower.starts_with("write-host ") || lower.starts_with("write-output ");
    if (prints && t.find("##vso[") == std::string_view::npos) {
      for (size_t at = 0; (at = line.find("$(", at)) != std::string_view::npos; at += 2) {
        size_t close = line.find(')', at);
        if (close == std::string_view::npos) break;
        std::string name(line.substr(at + 2, close - at - 2));
        if (!secretName(name) && !secrets.count(lowerCase(name))) continue;
        if (!map) map = std::make_unique<expr::ScalarMap>(*s.script);
        diags.error(map->location(lineStart + at, close + 1 - at), "secret-echo",
                    "the script prints $(" + name + "), which holds a secret, to the log");
      }
    }
    lineStart = lineEnd + 1;
  }
}

void checkCheckout(const Step& s, Diagnostics& diags) {
  const yaml::Node* persist = s.node->find("persistCredentials");
  if (!persist || !persist->isScalar() || !equalsIgnoreCase(persist->value, "true")) return;
  diags.warning(persist->where, "persist-credentials",
                "persistCredentials: true leaves the job's access token in .git/config, where "
                "every later step (and anything that uploads the workspace) can read it",
                "remove it unless a later step must push; then give that step the token alone");
}

// A pool is self-hosted when it names a pool (not the Microsoft-hosted
// 'Azure Pipelines') and no vmImage.
bool selfHosted(const yaml::Node* pool) {
  if (!pool) return false;
  if (pool->isScalar())
    return !pool->value.empty() && !equalsIgnoreCase(pool->value, "Azure Pipelines") &&
           pool->value.find("${{") == std::string::npos;
  if (!pool->isMapping() || pool->find("vmImage")) return false;
  const yaml::Node* name = pool->find("name");
  return name && name->isScalar() && !equalsIgnoreCase(name->value, "Azure Pipelines") &&
         name->value.find("$") == std::string::npos;
}

// pr: present and not `none`: pull requests (from forks too) build.
const yaml::Node* prTrigger(const yaml::Node& root) {
  const yaml::Entry* pr = root.entry("pr");
  if (!pr) return nullptr;
  if (pr->value.isScalar() && equalsIgnoreCase(pr->value.value, "none")) return nullptr;
  return &pr->key;
}

void checkSelfHosted(const yaml::Node& root, const Pipeline& p, Diagnostics& diags) {
  const yaml::Node* pr = prTrigger(root);
  if (!pr) return;
  std::set<const yaml::Node*> seen;
  auto report = [&](const yaml::Node* pool) {
    if (!selfHosted(pool) || !seen.insert(pool).second) return;
    diags
        .warning(pool->where, "self-hosted-pr",
                 "pull requests build on this self-hosted pool: code from a pull request runs "
                 "on your machines, and can stay there for the next job")
        .notes.push_back({pr->where, "pull requests trigger the pipeline here"});
  };
  report(p.pool);
  for (const auto& s : p.stages) {
    if (s.node) report(s.node->find("pool"));
    for (const auto& j : s.jobs)
      report(j.pool);
  }
}

// resources.repositories used for templates (`x.yml@alias`, extends)
// should be pinned: a branch can change under the pipeline.
void checkTemplateRepos(const yaml::Node& root, Diagnostics& diags) {
  const yaml::Node* res = root.find("resources");
  const yaml::Node* repos = res && res->isMapping() ? res->find("repositories") : nullptr;
  if (!repos || !repos->isSequence()) return;
  // The aliases templates name.
  std::set<std::string> used;
  std::function<void(const yaml::Node&)> scan = [&](const yaml::Node& n) {
    for (const auto& e : n.entries) {
      if (e.key.value == "template" && e.value.isScalar()) {
        size_t at = e.value.value.rfind('@');
        if (at != std::string::npos) used.insert(lowerCase(e.value.value.substr(at + 1)));
      }
      scan(e.value);
    }
    for (const auto& i : n.items)
      scan(i);
  };
  scan(root);
  for (const auto& r : repos->items) {
    if (!r.isMapping()) continue;
    const yaml::Node* alias = r.find("repository");
    if (!alias || !alias->isScalar() || !used.count(lowerCase(alias->value))) continue;
    const yaml::Node* ref = r.find("ref");
    std::string v = ref && ref->isScalar() ? ref->value : "";
    if (v.find("$") != std::string::npos) continue;
    bool sha = v.size() == 40 && std::all_of(v.begin(), v.end(), [](char c) {
                 return std::isxdigit(static_cast<unsigned char>(c));
               });
    if (sha || v.starts_with("refs/tags/")) continue;
    std::string what = v.empty() ? "its default branch" : "the branch '" + v + "'";
    diags.warning(ref ? ref->where : alias->where, "unpinned-template",
                  "templates come from repository '" + alias->value + "' at " + what +
                      ": whoever can push there changes what this pipeline runs",
                  "pin it with ref: refs/tags/<tag> or a commit SHA");
  }
}

}  // namespace

void checkSecurity(const yaml::Node& root, const Pipeline& p, Diagnostics& diags) {
  std::set<std::string> secrets;
  for (const auto& s : p.stages)
    for (const auto& j : s.jobs)
      for (const auto& st : j.steps)
        for (const auto& v : st.sets)
          if (v.isSecret) secrets.insert(lowerCase(v.name));
  for (const auto& s : p.stages)
    for (const auto& j : s.jobs)
      for (const auto& st : j.steps) {
        if (st.kind == "checkout") checkCheckout(st, diags);
        if (!st.script || !st.script->isScalar()) continue;
        checkInjection(st, diags);
        checkEcho(st, secrets, diags);
      }
  checkSelfHosted(root, p, diags);
  checkTemplateRepos(root, diags);
}

}  // namespace galley::lint::azure

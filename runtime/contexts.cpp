#include "runtime/contexts.h"

#include <pwd.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "compiler/ascii.h"
#include "compiler/process.h"
#include "runtime/files.h"
#include "runtime/git_head.h"

namespace galley::run {

namespace {

std::string git(const std::string& root, std::vector<std::string> args) {
  std::vector<std::string> argv = {"git", "-C", root};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out;
  proc::Result r;
  if (!proc::capture(argv, &out, false, std::chrono::seconds(10), &r) || r.exitCode != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

expr::Value s(const std::string& v) {
  return expr::Value::string(v);
}

std::string osUser() {
  if (const char* a = getenv("GALLEY_ACTOR"); a && *a) return a;
  if (struct passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return "galley";
}

}  // namespace

GitFacts gitFacts(const std::string& repoRoot) {
  GitFacts g;
  GitHead head;
  std::string branch, url;
  if (readGitHead(repoRoot, &head)) {
    g.sha = head.sha;
    branch = head.branch;
    url = head.originUrl;
  } else {
    g.sha = git(repoRoot, {"rev-parse", "HEAD"});
    branch = git(repoRoot, {"symbolic-ref", "--quiet", "--short", "HEAD"});
    url = git(repoRoot, {"config", "--get", "remote.origin.url"});
  }
  if (!branch.empty()) {
    g.ref = "refs/heads/" + branch;
    g.refName = branch;
  } else {
    std::string tag = git(repoRoot, {"describe", "--tags", "--exact-match", "HEAD"});
    if (!tag.empty()) {
      g.ref = "refs/tags/" + tag;
      g.refName = tag;
      g.refType = "tag";
    }
  }
  // git@github.com:owner/name.git, https://host/owner/name(.git)
  if (!url.empty()) {
    if (url.ends_with(".git")) url.resize(url.size() - 4);
    size_t slash = url.find_last_of('/');
    size_t before =
        slash == std::string::npos ? std::string::npos : url.find_last_of("/:", slash - 1);
    if (slash != std::string::npos && before != std::string::npos)
      g.repository = url.substr(before + 1);
  }
  if (g.repository.empty())
    g.repository =
        "local/" + std::filesystem::absolute(repoRoot).lexically_normal().filename().string();
  g.owner = g.repository.substr(0, g.repository.find('/'));
  return g;
}

expr::Value githubContext(const RunFacts& f, const GitFacts& g) {
  expr::Object o;
  o.add("action", s(""));
  o.add("actor", s(f.actor.empty() ? osUser() : f.actor));
  o.add("triggering_actor", s(f.actor.empty() ? osUser() : f.actor));
  o.add("api_url", s("https://api.github.com"));
  o.add("base_ref", s(""));
  o.add("head_ref", s(""));
  o.add("event", f.payload.isNull() ? expr::Value::object({}) : f.payload);
  o.add("event_name", s(f.event));
  o.add("event_path", s(f.eventPath));
  o.add("graphql_url", s("https://api.github.com/graphql"));
  o.add("job", s(""));
  o.add("ref", s(g.ref));
  o.add("ref_name", s(g.refName));
  o.add("ref_protected", expr::Value::boolean(false));
  o.add("ref_type", s(g.refType));
  o.add("repository", s(g.repository));
  o.add("repository_owner", s(g.owner));
  o.add("retention_days", s("90"));
  o.add("run_attempt", s("1"));
  o.add("run_id", s(f.runId));
  o.add("run_number", s(f.runId));
  o.add("secret_source", s("None"));
  o.add("server_url", s("https://github.com"));
  o.add("sha", s(g.sha));
  o.add("token", s(""));
  o.add("workflow", s(f.workflowName));
  o.add("workflow_ref", s(g.repository + "/" + f.workflowFile + "@" + g.ref));
  o.add("workflow_sha", s(g.sha));
  o.add("workspace", s(f.repoRoot));
  return expr::Value::object(std::move(o));
}

bool readDotenv(const std::string& path, std::vector<std::pair<std::string, std::string>>* out,
                std::string* err) {
  std::string text;
  if (!readWholeFile(path, &text, err)) return false;
  size_t i = 0, line = 1;
  auto fail = [&](const std::string& why) {
    *err = path + ":" + std::to_string(line) + ": " + why;
    return false;
  };
  while (i < text.size()) {
    size_t eol = text.find('\n', i);
    if (eol == std::string::npos) eol = text.size();
    std::string_view l(text.data() + i, eol - i);
    size_t a = l.find_first_not_of(" \t\r");
    if (a == std::string_view::npos || l[a] == '#') {
      i = eol + 1;
      ++line;
      continue;
    }
    l = l.substr(a);
    if (l.starts_with("export ")) l = l.substr(7);
    size_t eq = l.find('=');
    if (eq == std::string_view::npos) return fail("expected KEY=VALUE");
    std::string key(l.substr(0, eq));
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
      key.pop_back();
    if (key.empty()) return fail("a name is missing before '='");
    size_t v = static_cast<size_t>(l.data() - text.data()) + eq + 1;
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t'))
      ++v;
    std::string value;
    if (v < text.size() && (text[v] == '"' || text[v] == '\'')) {
      char q = text[v++];
      size_t startLine = line;
      while (v < text.size() && text[v] != q) {
        if (text[v] == '\n') ++line;
        if (q == '"' && text[v] == '\\' && v + 1 < text.size()) {
          char c = text[++v];
          value += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        } else {
          value += text[v];
        }
        ++v;
      }
      if (v >= text.size()) {
        line = startLine;
        return fail(std::string("unclosed ") + q + " quote");
      }
      eol = text.find('\n', v);
      if (eol == std::string::npos) eol = text.size();
    } else {
      value.assign(text, v, eol - v);
      size_t hash = value.find(" #");
      if (hash != std::string::npos) value.resize(hash);
      while (!value.empty() &&
             (value.back() == ' ' || value.back() == '\r' || value.back() == '\t'))
        value.pop_back();
    }
    out->emplace_back(key, value);
    i = eol + 1;
    ++line;
  }
  return true;
}

bool inputsContext(const std::vector<wf::Input>& declared,
                   const std::vector<std::pair<std::string, std::string>>& given, expr::Value* out,
                   std::string* err) {
  expr::Object o;
  for (const auto& [k, v] : given) {
    bool known = false;
    for (const auto& in : declared)
      known |= equalsIgnoreCase(in.name, k);
    if (!known) {
      std::vector<std::string> names;
      for (const auto& in : declared)
        names.push_back(in.name);
      *err = "--input '" + k + "': the workflow declares no such input";
      std::string hint = didYouMean(k, names);
      if (!hint.empty()) *err += " (" + hint + ")";
      return false;
    }
  }
  for (const auto& in : declared) {
    const std::string* value = nullptr;
    for (const auto& [k, v] : given)
      if (equalsIgnoreCase(in.name, k)) value = &v;
    std::string text;
    if (value) {
      text = *value;
    } else if (in.defaultValue && in.defaultValue->isScalar()) {
      text = in.defaultValue->value;
    } else if (in.required) {
      *err = "input '" + in.name + "' is required: pass --input " + in.name + "=VALUE";
      return false;
    }
    if (in.type == "choice" && value && !in.options.empty()) {
      bool ok = false;
      for (const auto& opt : in.options)
        ok |= opt == text;
      if (!ok) {
        *err = "input '" + in.name + "' must be one of " + quoteList(in.options);
        return false;
      }
    }
    if (in.type == "boolean") {
      if (!text.empty() && text != "true" && text != "false") {
        *err = "input '" + in.name + "' is a boolean: true or false, not '" + text + "'";
        return false;
      }
      o.add(in.name, expr::Value::boolean(text == "true"));
    } else if (in.type == "number") {
      double n = expr::parseNumber(text);
      if (!text.empty() && std::isnan(n)) {
        *err = "input '" + in.name + "' is a number, not '" + text + "'";
        return false;
      }
      o.add(in.name, expr::Value::number(n));
    } else {
      o.add(in.name, expr::Value::string(text));
    }
  }
  *out = expr::Value::object(std::move(o));
  return true;
}

}  // namespace galley::run

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "compiler/expr/scalar_map.h"
#include "compiler/lint/checks.h"
#include "compiler/lint/data.h"
#include "compiler/lint/expr_text.h"

namespace galley::lint {

namespace {

const std::vector<std::string>& untrustedPaths() {
  static const std::vector<std::string> paths =
      embeddedData("lint.json")["untrustedInputs"]["paths"].strings();
  return paths;
}

const std::string* untrusted(std::string_view path) {
  // Every pattern names its context (github.event...): most paths (steps.x,
  // matrix.os) share none and need no pattern tried.
  static const std::vector<std::string> contexts = [] {
    std::vector<std::string> out;
    for (const auto& p : untrustedPaths()) {
      std::string first = p.substr(0, p.find('.'));
      if (std::find(out.begin(), out.end(), first) == out.end()) out.push_back(first);
    }
    return out;
  }();
  std::string_view first = path.substr(0, path.find('.'));
  if (std::find(contexts.begin(), contexts.end(), "*") == contexts.end() &&
      std::find(contexts.begin(), contexts.end(), first) == contexts.end())
    return nullptr;
  // A path a pattern matches starts with the pattern's text before its first '*'.
  static const std::vector<std::string_view> literalPrefixes = [] {
    std::vector<std::string_view> out;
    for (const auto& p : untrustedPaths())
      out.push_back(std::string_view(p).substr(0, p.find('*')));
    return out;
  }();
  const auto& patterns = untrustedPaths();
  for (size_t i = 0; i < patterns.size(); ++i) {
    const std::string& p = patterns[i];
    if (path.substr(0, literalPrefixes[i].size()) != literalPrefixes[i]) continue;
    if (pathMatches(p, path) &&
        std::count(path.begin(), path.end(), '.') >= std::count(p.begin(), p.end(), '.'))
      return &p;
  }
  return nullptr;
}

// The untrusted paths a `*` filter reads: github.event.*.body reads
// github.event.issue.body, github.event.comment.body, ... Each segment of
// the path is the pattern's, or a `*` on either side.
std::vector<std::string> filteredUntrusted(std::string_view path) {
  std::vector<std::string> out;
  if (path.find(".*") == std::string_view::npos) return out;
  auto split = [](std::string_view s) {
    std::vector<std::string_view> parts;
    for (size_t b = 0;;) {
      size_t e = s.find('.', b);
      parts.push_back(s.substr(b, e == std::string_view::npos ? e : e - b));
      if (e == std::string_view::npos) return parts;
      b = e + 1;
    }
  };
  std::vector<std::string_view> q = split(path);
  for (const auto& p : untrustedPaths()) {
    std::vector<std::string_view> ps = split(p);
    if (ps.size() != q.size()) continue;
    bool match = true;
    for (size_t i = 0; i < ps.size() && match; ++i)
      match = ps[i] == q[i] || (ps[i] == "*" && q[i] != "[]") || q[i] == "*";
    if (match) out.push_back(p);
  }
  return out;
}

// A path for messages: a computed index as [...].
std::string shown(std::string path) {
  for (size_t i; (i = path.find(".[]")) != std::string::npos;)
    path.replace(i, 3, "[...]");
  return path;
}

// The first untrusted path an expression-bearing scalar reads, or "".
std::string firstUntrusted(const yaml::Node* n) {
  if (!n || !n->isScalar()) return {};
  for (const auto& span : expressionsIn(n->value))
    for (const auto& cp : contextPaths(span.inner))
      if (untrusted(cp.path)) return cp.path;
  return {};
}

std::string anyUntrusted(const yaml::Node* n) {
  if (!n) return {};
  if (n->isScalar()) return firstUntrusted(n);
  for (const auto& i : n->items)
    if (auto s = anyUntrusted(&i); !s.empty()) return s;
  for (const auto& e : n->entries)
    if (auto s = anyUntrusted(&e.value); !s.empty()) return s;
  return {};
}

std::set<std::string, std::less<>> triggersOf(const yaml::Node& root) {
  std::set<std::string, std::less<>> out;
  const yaml::Node* on = root.find("on");
  if (!on) return out;
  if (on->isScalar()) out.insert(on->value);
  for (const auto& i : on->items)
    out.insert(i.value);
  for (const auto& e : on->entries)
    out.insert(e.key.value);
  return out;
}

// Whether text holds word (lower case) in any case.
bool containsIgnoreCase(std::string_view text, std::string_view word) {
  if (word.empty()) return true;
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (asciiLower(text[i]) != word[0]) continue;
    size_t k = 1;
    while (k < word.size() && asciiLower(text[i + k]) == word[k])
      ++k;
    if (k == word.size()) return true;
  }
  return false;
}

// Whether text may hold a token the credential pattern looks for, found with
// memchr before findToken runs. Each candidate is tested byte
// by byte: a scalar of shell script has many '_' and few tokens.
bool mayHoldToken(std::string_view text) {
  size_t n = text.size();
  for (size_t i = text.find('A'); i != std::string_view::npos; i = text.find('A', i + 1))
    if (i + 4 <= n && text[i + 1] == 'K' && text[i + 2] == 'I' && text[i + 3] == 'A') return true;
  for (size_t i = text.find('_'); i != std::string_view::npos; i = text.find('_', i + 1)) {
    // ghp_, gho_, github_pat_
    if (i >= 3 && text[i - 3] == 'g' && text[i - 2] == 'h' &&
        (text[i - 1] == 'p' || text[i - 1] == 'o'))
      return true;
    if (i >= 6 && text[i - 1] == 'b' && text.substr(i - 6, 11) == "github_pat_") return true;
  }
  return text.find("xox") != std::string_view::npos;
}

// The length of the run of bytes at text[from...] that `in` accepts.
template <class Pred>
size_t runOf(std::string_view text, size_t from, Pred in) {
  size_t i = from;
  while (i < text.size() && in(text[i]))
    ++i;
  return i - from;
}

// The first token-shaped string in text, as GitHub, AWS and Slack shape
// their credentials: ghp_ or gho_ and 36 letters or digits (GitHub personal
// and OAuth tokens); github_pat_ and 40 or more letters, digits or '_'
// (fine-grained tokens); AKIA and 16 capitals or digits (AWS access key IDs);
// xoxb-, xoxp- or xoxa- and 10 or more letters, digits or '-' (Slack). A
// hand-written scan: std::regex spent more instructions compiling this
// pattern once than the whole corpus spends matching it.
struct Token {
  size_t offset, length;
  bool awsKeyId;  // AKIA...: an identifier, not a secret by itself
};
std::optional<Token> findToken(std::string_view text) {
  auto alnum = [](char c) { return isAsciiAlnum(c); };
  auto word = [](char c) { return isAsciiAlnum(c) || c == '_'; };
  auto upperOrDigit = [](char c) { return (c >= 'A' && c <= 'Z') || isAsciiDigit(c); };
  auto slack = [](char c) { return isAsciiAlnum(c) || c == '-'; };
  for (size_t i = 0; i < text.size(); ++i) {
    std::string_view at = text.substr(i);
    if (at.starts_with("ghp_") || at.starts_with("gho_")) {
      if (runOf(text, i + 4, alnum) >= 36) return Token{i, 40, false};
    } else if (at.starts_with("github_pat_")) {
      if (size_t n = runOf(text, i + 11, word); n >= 40) return Token{i, 11 + n, false};
    } else if (at.starts_with("AKIA")) {
      if (runOf(text, i + 4, upperOrDigit) >= 16) return Token{i, 20, true};
    } else if (at.starts_with("xox") && at.size() >= 5 &&
               (at[3] == 'b' || at[3] == 'p' || at[3] == 'a') && at[4] == '-') {
      if (size_t n = runOf(text, i + 5, slack); n >= 10) return Token{i, 5 + n, false};
    }
  }
  return std::nullopt;
}

class SecurityChecker {
 public:
  SecurityChecker(const yaml::Node& root, CheckContext& cx)
      : root_(root),
        cx_(cx),
        triggers_(triggersOf(root)),
        privileged_(triggers_.count("pull_request_target") || triggers_.count("workflow_run")),
        textHasExpression_(hasExpression(cx.file.text())),
        textMayHoldToken_(mayHoldToken(cx.file.text())) {}

  void run() {
    taintEnv(root_.find("env"), workflowEnv_);
    checkPermissions(root_.find("permissions"));
    const yaml::Node* jobs = root_.find("jobs");
    if (jobs && jobs->isMapping())
      for (const auto& e : jobs->entries)
        if (e.value.isMapping()) checkJob(e.key, e.value);
    // A composite action's steps run in the calling job, with its token.
    if (const yaml::Node* runs = root_.find("runs"); runs && runs->isMapping())
      checkSteps(*runs, workflowEnv_);
    scanScalars(root_, 0);
  }

 private:
  Diagnostics& diags() { return cx_.diags; }

  using Taint = std::map<std::string, std::string>;  // env name (lower) -> untrusted path

  void taintEnv(const yaml::Node* env, Taint& into) {
    if (!env || !env->isMapping()) return;
    for (const auto& e : env->entries)
      if (auto p = firstUntrusted(&e.value); !p.empty()) into[lowerCase(e.key.value)] = p;
  }

  void checkPermissions(const yaml::Node* p) {
    if (p && p->isScalar() && p->value == "write-all")
      diags().warning(p->where, "excessive-permissions",
                      "'write-all' gives the token every write permission",
                      "grant only the scopes the jobs need, e.g. contents: read");
  }

  void checkJob(const yaml::Node& key, const yaml::Node& job) {
    checkPermissions(job.find("permissions"));
    if (!root_.find("permissions") && !job.find("permissions") && !job.find("uses"))
      diags().report(Severity::Note, key.where, "missing-permissions",
                     "job '" + key.value +
                         "' sets no permissions, so its token gets the repository default "
                         "(often write access)",
                     "add a permissions: block to the workflow or job");
    if (const yaml::Node* s = job.find("secrets"); s && s->isScalar() && s->value == "inherit")
      diags().warning(s->where, "secrets-inherit",
                      "'secrets: inherit' passes every secret of the repository to the called "
                      "workflow",
                      "pass only the secrets it needs");
    checkSelfHosted(job);
    checkCredentials(job.find("container"));
    if (const yaml::Node* s = job.find("services"); s && s->isMapping())
      for (const auto& e : s->entries)
        checkCredentials(&e.value);
    if (const yaml::Node* u = job.find("uses"); u && u->isScalar()) checkPinning(*u);

    Taint env = workflowEnv_;
    taintEnv(job.find("env"), env);
    checkSteps(job, env);
  }

  // The steps of a job, or of a composite action's runs:, under env.
  void checkSteps(const yaml::Node& owner, const Taint& env) {
    std::map<std::string, std::string> taintedSteps;  // step id -> untrusted path
    for (const yaml::Node* step : stepsOf(owner)) {
      StepKeys keys(*step);
      // Most steps set no env: they see the job's as it is, uncopied.
      std::optional<Taint> own;
      if (keys.env) taintEnv(keys.env, own.emplace(env));
      const Taint& stepEnv = own ? *own : env;
      if (keys.run && keys.run->isScalar()) checkScript(*keys.run, stepEnv, taintedSteps);
      if (keys.usesAction("actions/github-script") && keys.with && keys.with->isMapping())
        if (const yaml::Node* script = keys.with->find("script"); script && script->isScalar())
          checkScript(*script, stepEnv, taintedSteps);
      if (keys.uses && keys.uses->isScalar()) checkPinning(*keys.uses);
      checkCheckout(keys);
      checkWithCredentials(keys);
      if (keys.id && keys.id->isScalar()) {
        std::string p = anyUntrusted(keys.with);
        if (p.empty()) p = anyUntrusted(keys.run);
        if (!p.empty()) taintedSteps[lowerCase(keys.id->value)] = p;
      }
    }
  }

  void checkScript(const yaml::Node& script, const Taint& env,
                   const std::map<std::string, std::string>& taintedSteps) {
    std::optional<expr::ScalarMap> pos;
    auto at = [&](size_t off, size_t len) {
      if (!pos) pos.emplace(script);
      return pos->location(off, len);
    };
    for (const auto& span : expressionsIn(script.value)) {
      size_t base = span.begin + 3;
      for (const auto& cp : contextPaths(span.inner)) {
        std::string why;
        std::vector<std::string> filtered;
        if (untrusted(cp.path)) {
          why = "'" + shown(cp.path) + "' is controlled by whoever triggers the workflow";
        } else if (filtered = filteredUntrusted(cp.path); !filtered.empty()) {
          why = "the filter '" + cp.path + "' reads ";
          for (size_t i = 0; i < filtered.size(); ++i)
            why += (i ? ", '" : "'") + filtered[i] + "'";
          why += ", controlled by whoever triggers the workflow";
        } else if (cp.path.rfind("env.", 0) == 0) {
          auto it = env.find(cp.path.substr(4));
          if (it != env.end()) why = "'" + cp.path + "' holds '" + it->second + "'";
        } else if (cp.path.rfind("steps.", 0) == 0 &&
                   cp.path.find(".outputs") != std::string::npos) {
          std::string id = cp.path.substr(6, cp.path.find('.', 6) - 6);
          auto it = taintedSteps.find(id);
          if (it != taintedSteps.end())
            why = "'" + cp.path + "' comes from a step that reads '" + it->second + "'";
        }
        if (why.empty()) continue;
        diags().error(
            at(base + cp.offset, cp.path.size()), "template-injection",
            "untrusted data is expanded into a script: " + why,
            "bind it in env: (NAME: ${{ ... }}) and read \"$NAME\" in the script instead of "
            "expanding ${{ }}");
      }
    }
    checkGithubEnv(script, env, at);
  }

  template <typename At>
  void checkGithubEnv(const yaml::Node& script, const Taint& env, At at) {
    const std::string& s = script.value;
    // Most scripts write neither file: one search settles them.
    size_t lineStart = s.find("GITHUB_");
    if (lineStart == std::string::npos) return;
    lineStart = s.rfind('\n', lineStart) + 1;  // npos + 1 is 0: the first line
    while (lineStart < s.size()) {
      size_t lineEnd = s.find('\n', lineStart);
      if (lineEnd == std::string::npos) lineEnd = s.size();
      std::string_view line(s.data() + lineStart, lineEnd - lineStart);
      size_t hit = line.find("GITHUB_ENV");
      if (hit == std::string_view::npos) hit = line.find("GITHUB_PATH");
      if (hit != std::string_view::npos && line.find(">>") != std::string_view::npos) {
        std::string why = untrustedInLine(line, env);
        if (!why.empty())
          diags().error(at(lineStart + hit, line.substr(hit, 11) == "GITHUB_PATH" ? 11 : 10),
                        "github-env",
                        "untrusted data (" + why + ") is written to " +
                            std::string(line.substr(hit, line[hit + 7] == 'P' ? 11 : 10)) +
                            ", which can set variables like LD_PRELOAD or BASH_ENV for later steps",
                        "validate the value before writing it, or pass it through step outputs");
      }
      lineStart = lineEnd + 1;
    }
  }

  static std::string untrustedInLine(std::string_view line, const Taint& env) {
    for (const auto& span : expressionsIn(line))
      for (const auto& cp : contextPaths(span.inner))
        if (untrusted(cp.path)) return cp.path;
    for (const auto& [name, path] : env) {
      for (size_t i = line.find('$'); i != std::string_view::npos; i = line.find('$', i + 1)) {
        size_t b = i + 1 + (i + 1 < line.size() && line[i + 1] == '{');
        std::string word;
        while (b < line.size() && (isAsciiAlnum(line[b]) || line[b] == '_'))
          word += line[b++];
        if (lowerCase(word) == name) return path;
      }
    }
    return {};
  }

  void checkCheckout(const StepKeys& step) {
    if (!privileged_) return;
    static const std::vector<std::string> heads = {
        "github.event.pull_request.head.sha",
        "github.event.pull_request.head.ref",
        "github.head_ref",
        "github.event.workflow_run.head_sha",
        "github.event.workflow_run.head_branch",
        "github.event.pull_request.head.repo.full_name",
        "github.event.workflow_run.head_repository.full_name"};
    auto readsHead = [&](const yaml::Node* n) {
      if (!n || !n->isScalar()) return false;
      if (n->value.find("refs/pull/") != std::string::npos) return true;
      for (const auto& span : expressionsIn(n->value))
        for (const auto& cp : contextPaths(span.inner))
          if (std::find(heads.begin(), heads.end(), cp.path) != heads.end()) return true;
      return false;
    };
    if (step.usesAction("actions/checkout")) {
      const yaml::Node* with = step.with;
      if (!with || !with->isMapping()) return;
      for (const char* k : {"ref", "repository"})
        if (const yaml::Node* v = with->find(k); readsHead(v)) {
          diags().error(v->where, "dangerous-trigger",
                        "this workflow runs with the base repository's secrets and write token "
                        "(pull_request_target / workflow_run) but checks out the pull request's "
                        "code, which can then run with them",
                        "use the pull_request trigger, or never build or run the checked-out code");
          return;
        }
    }
    if (const yaml::Node* run = step.run; run && run->isScalar()) {
      const std::string& s = run->value;
      size_t hit = s.find("gh pr checkout");
      if (hit == std::string::npos && readsHead(run) &&
          (s.find("git checkout") != std::string::npos || s.find("git fetch") != std::string::npos))
        hit = s.find("git ");
      if (hit != std::string::npos)
        diags().error(expr::ScalarMap(*run).location(hit, 14), "dangerous-trigger",
                      "this privileged workflow (pull_request_target / workflow_run) fetches the "
                      "pull request's code");
    }
  }

  void checkSelfHosted(const yaml::Node& job) {
    static const std::vector<std::string> publicTriggers =
        embeddedData("lint.json")["prTriggers"]["public"].strings();
    std::string trigger;
    for (const auto& t : publicTriggers)
      if (triggers_.count(t)) trigger = t;
    if (trigger.empty()) return;
    const yaml::Node* r = job.find("runs-on");
    if (r && r->isMapping()) r = r->find("labels");
    if (!r) return;
    std::vector<const yaml::Node*> labels;
    if (r->isScalar()) labels.push_back(r);
    for (const auto& i : r->items)
      labels.push_back(&i);
    for (const yaml::Node* l : labels)
      if (l->isScalar() && lowerCase(l->value) == "self-hosted")
        diags().warning(l->where, "self-hosted-runner",
                        "a self-hosted runner runs code from pull requests (" + trigger +
                            "); a fork can persist on the machine",
                        "use GitHub-hosted runners for pull request triggers, or ephemeral "
                        "self-hosted runners");
  }

  void checkCredentials(const yaml::Node* container) {
    if (!container || !container->isMapping()) return;
    const yaml::Node* creds = container->find("credentials");
    if (!creds || !creds->isMapping()) return;
    const yaml::Node* pw = creds->find("password");
    if (pw && pw->isScalar() && !pw->value.empty() && !hasExpression(pw->value))
      diags().error(pw->where, "hardcoded-credentials",
                    "the container registry password is written in the workflow",
                    "use a secret: password: ${{ secrets.REGISTRY_PASSWORD }}");
  }

  void checkWithCredentials(const StepKeys& step) {
    static const std::vector<std::string> names =
        embeddedData("lint.json")["popularActionsWithSecrets"]["inputs"].strings();
    const yaml::Node* with = step.with;
    if (!with || !with->isMapping()) return;
    for (const auto& e : with->entries) {
      if (std::none_of(names.begin(), names.end(),
                       [&](const std::string& n) { return equalsIgnoreCase(n, e.key.value); }))
        continue;
      const yaml::Node& v = e.value;
      if (!v.isScalar() || v.value.size() < 8 || hasExpression(v.value) || !v.isPlain()) {
        if (!(v.isScalar() && v.value.size() >= 8 && !hasExpression(v.value))) continue;
      }
      if (v.value.find(' ') != std::string::npos) continue;  // prose, not a secret
      diags().error(v.where, "hardcoded-credentials",
                    "input '" + e.key.value + "' holds a literal credential",
                    "use a secret: ${{ secrets.NAME }}");
    }
  }

  void checkPinning(const yaml::Node& uses) {
    const std::string& u = uses.value;
    const Config& config = cx_.options.config;
    if (config.pinning == Pinning::Off || hasExpression(u) || u.rfind("./", 0) == 0) return;
    if (u.rfind("docker://", 0) == 0) {
      if (config.pinning == Pinning::Sha && u.find("@sha256:") == std::string::npos)
        diags().warning(uses.where, "unpinned-uses",
                        "docker image '" + u.substr(9) + "' is not pinned by digest",
                        "pin it: docker://image@sha256:...");
      return;
    }
    size_t at = u.find('@');
    if (at == std::string::npos) return;  // action-ref reports the missing ref
    std::string_view ref = std::string_view(u).substr(at + 1);
    bool sha = isCommitSha(ref);
    static constexpr std::string_view branches[] = {"main", "master", "develop",
                                                    "dev",  "trunk",  "head"};
    auto isBranch = [&] {
      return std::any_of(std::begin(branches), std::end(branches),
                         [&](std::string_view b) { return equalsIgnoreCase(ref, b); });
    };
    if (!sha && isBranch()) {
      diags().warning(uses.where, "unpinned-uses",
                      "'" + u + "' follows the branch '" + std::string(ref) +
                          "': whoever pushes to it changes what this workflow runs",
                      "pin a release tag or a commit SHA");
      return;
    }
    if (config.pinning != Pinning::Sha || sha) return;
    std::string owner = lowerCase(u.substr(0, u.find('/')));
    const auto& trusted = config.trustedOwners;
    if (std::find(trusted.begin(), trusted.end(), owner) != trusted.end()) return;
    diags().warning(uses.where, "unpinned-uses",
                    "'" + u + "' is not pinned to a commit SHA (pinning: sha)",
                    "pin the full 40-character commit SHA, with the tag in a comment");
  }

  // toJSON(secrets) and token-shaped literals, anywhere.
  void scanScalars(const yaml::Node& n, int depth) {
    if (n.isScalar()) {
      scanScalar(n);
      return;
    }
    for (const auto& i : n.items)
      scanScalars(i, depth + 1);
    for (const auto& e : n.entries)
      scanScalars(e.value, depth + 1);
  }

  void scanScalar(const yaml::Node& n) {
    if (n.value.size() < 16) return;  // neither toJSON(secrets) nor a token fits
    // Only escapes in double quotes make a scalar's value differ from its
    // text by more than spaces and quotes: the others need no search when
    // the whole file's text has no ${{ or no token prefix.
    bool escaped = n.style == yaml::Style::DoubleQuoted;
    if ((textHasExpression_ || escaped) && hasExpression(n.value)) scanExpressions(n);
    if (!(textMayHoldToken_ || escaped) || !mayHoldToken(n.value)) return;
    auto token = findToken(n.value);
    if (!token) return;
    Location at = expr::ScalarMap(n).location(token->offset, token->length);
    if (token->awsKeyId)
      diags().warning(at, "hardcoded-credentials",
                      "this is an AWS access key ID: an identifier, not a secret by itself, that "
                      "pairs with a secret access key",
                      "keep both in secrets (or the ID in vars); rotate the pair if the secret "
                      "access key is written anywhere too");
    else
      diags().error(at, "hardcoded-credentials",
                    "this looks like a credential written in the workflow",
                    "revoke it and use a secret instead");
  }

  void scanExpressions(const yaml::Node& n) {
    for (const auto& span : expressionsIn(n.value)) {
      // toJSON(secrets) has a '(': most expressions have none.
      if (span.inner.find('(') == std::string_view::npos ||
          !containsIgnoreCase(span.inner, "secrets"))
        continue;
      std::string inner;
      for (char c : span.inner)
        if (!std::isspace(static_cast<unsigned char>(c))) inner += asciiLower(c);
      if (inner.find("tojson(secrets)") != std::string::npos)
        diags().warning(expr::ScalarMap(n).location(span.begin, span.end - span.begin),
                        "secrets-to-json",
                        "toJSON(secrets) puts every secret of the repository into one value",
                        "refer to the secrets you need by name");
    }
  }

  const yaml::Node& root_;
  CheckContext& cx_;
  std::set<std::string, std::less<>> triggers_;  // found by name without a temporary string
  bool privileged_;  // runs with the base repository's secrets for others' code
  bool textHasExpression_, textMayHoldToken_;  // in the file's text, anywhere
  Taint workflowEnv_;
};

}  // namespace

void checkSecurity(const yaml::Node& root, CheckContext& cx) {
  if (!root.isMapping()) return;
  SecurityChecker(root, cx).run();
  checkArtifacts(root, cx);
}

}  // namespace galley::lint

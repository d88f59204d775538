#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "compiler/expr/evaluator.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/lint/checks.h"
#include "compiler/lint/cron.h"
#include "compiler/lint/data.h"
#include "compiler/lint/expr_text.h"
#include "compiler/lint/glob.h"
#include "compiler/lint/schema.h"

namespace galley::lint {

StepKeys::StepKeys(const yaml::Node& step) {
  for (const auto& e : step.entries) {
    // The first of a duplicated key, as Node::find gives it.
    auto keep = [&](const yaml::Node*& slot) {
      if (!slot) slot = &e.value;
    };
    std::string_view k = e.key.value;
    if (k.empty()) continue;
    switch (k[0]) {  // one comparison for most keys
      case 'i':
        if (k == "id") keep(id);
        if (k == "if") keep(ifCond);
        break;
      case 'e':
        if (k == "env") keep(env);
        break;
      case 'u':
        if (k == "uses") keep(uses);
        break;
      case 'r':
        if (k == "run") keep(run);
        break;
      case 'w':
        if (k == "with") keep(with);
        break;
      case 's':
        if (k == "shell") keep(shell);
        break;
      case 't':
        if (k == "timeout-minutes") keep(timeout);
        break;
      default:
        break;
    }
  }
}

bool StepKeys::usesAction(std::string_view action) const {
  if (!uses || !uses->isScalar()) return false;
  std::string_view v = uses->value;
  if (v.size() < action.size() || (v.size() > action.size() && v[action.size()] != '@'))
    return false;
  return equalsIgnoreCase(v.substr(0, action.size()), action);
}

StepRange stepsOf(const yaml::Node& job) {
  const yaml::Node* steps = job.find("steps");
  return StepRange(steps && steps->isSequence() ? &steps->items : nullptr);
}

const SourceFile* localActionFile(Repo* repo, std::string_view uses) {
  if (!repo || uses.substr(0, 2) != "./") return nullptr;
  std::string dir(uses.substr(2));
  while (!dir.empty() && dir.back() == '/')
    dir.pop_back();
  std::string prefix = dir.empty() ? "" : dir + "/";
  const SourceFile* f = repo->read(prefix + "action.yml");
  return f ? f : repo->read(prefix + "action.yaml");
}

std::string actionSpec(std::string_view uses) {
  size_t at = uses.find('@');
  if (at == std::string_view::npos) return "";
  std::string spec(uses);
  std::transform(spec.begin(), spec.begin() + at, spec.begin(), asciiLower);
  return spec;
}

bool isCommitSha(std::string_view ref) {
  return ref.size() == 40 && std::all_of(ref.begin(), ref.end(), [](char c) {
           return isAsciiDigit(c) || (asciiLower(c) >= 'a' && asciiLower(c) <= 'f');
         });
}

std::string pinnedTag(const yaml::Node& uses) {
  const std::string& u = uses.value;
  size_t at = u.find('@');
  if (at == std::string::npos || !isCommitSha(std::string_view(u).substr(at + 1)) ||
      !uses.where.known() || uses.where.end.line != uses.where.begin.line)
    return "";
  // The rest of the line after the scalar: spaces, then `#`.
  std::string_view line = uses.where.file->line(uses.where.end.line);
  size_t i = uses.where.end.column ? uses.where.end.column - 1 : line.size();
  if (i >= line.size() || (line[i] != ' ' && line[i] != '\t')) return "";
  i = line.find_first_not_of(" \t", i);
  if (i == std::string_view::npos || line[i] != '#') return "";
  std::string_view rest = line.substr(i + 1);
  rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  for (std::string_view prefix : {"tag=", "pin@"})
    if (rest.starts_with(prefix)) rest.remove_prefix(prefix.size());
  std::string_view tag = rest.substr(0, rest.find_first_of(" \t"));
  // v4, v4.2.2, 4.2.2: a version, not prose.
  std::string_view digits = tag.starts_with('v') ? tag.substr(1) : tag;
  if (digits.empty() || !isAsciiDigit(digits[0])) return "";
  for (char c : digits)
    if (!isAsciiAlnum(c) && c != '.' && c != '-') return "";
  return tag.starts_with('v') ? std::string(tag) : "v" + std::string(tag);
}

std::string actionSpecOf(const yaml::Node& uses) {
  std::string spec = actionSpec(uses.value);
  std::string tag = pinnedTag(uses);
  if (!tag.empty()) spec.replace(spec.find('@') + 1, std::string::npos, tag);
  return spec;
}

std::string_view majorSpec(std::string_view spec) {
  size_t at = spec.find('@');
  size_t dot = at == std::string_view::npos ? at : spec.find('.', at);
  if (dot == std::string_view::npos || spec[at + 1] != 'v') return spec;
  return spec.substr(0, dot);
}

namespace {

// GitHub: "must start with a letter or _ and contain only alphanumeric
// characters, -, or _".
bool validId(std::string_view id) {
  if (id.empty() || !(isAsciiAlpha(id[0]) || id[0] == '_')) return false;
  for (char c : id)
    if (!(isAsciiAlnum(c) || c == '_' || c == '-')) return false;
  return true;
}

std::vector<const yaml::Node*> scalarsOf(const yaml::Node* n) {
  std::vector<const yaml::Node*> out;
  if (!n) return out;
  if (n->isScalar()) out.push_back(n);
  if (n->isSequence())
    for (const auto& i : n->items)
      if (i.isScalar()) out.push_back(&i);
  return out;
}

class WorkflowChecker {
 public:
  WorkflowChecker(const yaml::Node& root, CheckContext& cx) : root_(root), cx_(cx) {}

  void run() {
    checkKeys(root_, "", 0);
    const yaml::Node* jobs = root_.find("jobs");
    checkEvents();
    checkEnv(root_.find("env"));
    checkDefaults(root_.find("defaults"));
    if (!jobs || !jobs->isMapping()) return;
    // Job ids ignore case: a job is known by the first entry of its id.
    CaselessIndex jobIndex;
    std::vector<size_t> firstOf(jobs->entries.size());
    for (size_t i = 0; i < firstOf.size(); ++i)
      firstOf[i] = jobIndex.add(jobs->entries[i].key.value, i);
    checkJobIds(*jobs, firstOf);
    checkNeeds(*jobs, jobIndex, firstOf);
    for (const auto& e : jobs->entries)
      if (e.value.isMapping()) checkJob(e.key, e.value);
  }

  // A composite action's steps get the checks a job's steps get.
  void runComposite() {
    checkKeys(root_, "", 0);
    const yaml::Node* runs = root_.find("runs");
    if (runs && runs->isMapping()) checkSteps(*runs);
  }

 private:
  Diagnostics& diags() { return cx_.diags; }

  // Keys GitHub compares ignoring case (job ids, inputs, env, with, matrix),
  // and YAML merge keys, which GitHub does not support.
  void checkKeys(const yaml::Node& n, std::string_view parent, int depth) {
    static constexpr std::string_view caseless[] = {"env",  "inputs", "secrets",  "outputs",
                                                    "with", "matrix", "services", "jobs"};
    if (depth > 64) return;
    if (n.isMapping()) {
      bool ignoresCase = n.entries.size() > 1 && std::find(std::begin(caseless), std::end(caseless),
                                                           parent) != std::end(caseless);
      // Built only where keys ignore case: most mappings never need one.
      std::optional<CaselessIndex> seen;
      if (ignoresCase) seen.emplace();
      for (size_t i = 0; i < n.entries.size(); ++i) {
        const yaml::Node& key = n.entries[i].key;
        if (key.isPlain() && std::string_view(key.value) == "<<")
          diags().error(key.where, "unknown-key",
                        "GitHub Actions does not support YAML merge keys '<<'");
        // Against the first earlier key of the same name in another case.
        if (size_t j = seen ? seen->add(key.value, i) : i; j != i) {
          const yaml::Node& first = n.entries[j].key;
          if (first.value != key.value) {
            Diagnostic& d = diags().error(
                key.where, "duplicate-key",
                "key '" + key.value + "' duplicates '" + first.value + "': these keys ignore case");
            d.notes.push_back({first.where, "'" + first.value + "' is defined here"});
          }
        }
        // Scalars hold no keys: most values are never visited.
        const yaml::Node& v = n.entries[i].value;
        if (v.isMapping() || v.isSequence()) checkKeys(v, key.value, depth + 1);
      }
    }
    for (const auto& i : n.items)
      if (i.isMapping() || i.isSequence()) checkKeys(i, "", depth + 1);
  }

  // --- jobs ---------------------------------------------------------------

  // firstOf[i]: the first entry whose id is entry i's, ignoring case.
  void checkJobIds(const yaml::Node& jobs, const std::vector<size_t>& firstOf) {
    for (size_t i = 0; i < jobs.entries.size(); ++i) {
      const yaml::Node& key = jobs.entries[i].key;
      if (!validId(key.value) && !key.value.empty())
        diags().error(key.where, "invalid-id",
                      "invalid job id '" + key.value +
                          "': ids start with a letter or '_' and hold only letters, digits, '-' "
                          "and '_'");
      const yaml::Node& first = jobs.entries[firstOf[i]].key;
      if (first.value != key.value) {
        Diagnostic& d = diags().error(key.where, "duplicate-id",
                                      "job id '" + key.value + "' duplicates '" + first.value +
                                          "': job ids are case-insensitive");
        d.notes.push_back({first.where, "'" + first.value + "' is defined here"});
      }
    }
  }

  // needs: edges join the first entries of the jobs' ids (firstOf, by
  // jobIndex).
  void checkNeeds(const yaml::Node& jobs, const CaselessIndex& jobIndex,
                  const std::vector<size_t>& firstOf) {
    const std::vector<yaml::Entry>& entries = jobs.entries;
    std::vector<std::vector<size_t>> edges(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      const yaml::Entry& e = entries[i];
      if (!e.value.isMapping()) continue;
      CaselessIndex seen;  // a hash past a few names: a job may need hundreds
      size_t count = 0;
      for (const yaml::Node* n : scalarsOf(e.value.find("needs"))) {
        if (n->value.empty() || hasExpression(n->value)) continue;
        if (seen.add(n->value, count) != count) {
          diags().error(n->where, "job-needs", "job '" + n->value + "' is listed twice in needs");
          continue;
        }
        ++count;
        size_t to = jobIndex.find(n->value);
        if (to == CaselessIndex::npos) {
          std::vector<std::string> ids;
          for (const auto& j : entries)
            ids.push_back(j.key.value);
          // At the job, as actionlint reports it; the note points at the name.
          Diagnostic& d = diags().error(
              e.key.where, "job-needs",
              "job '" + e.key.value + "' needs '" + n->value + "', which is not a job",
              didYouMean(n->value, ids));
          d.notes.push_back({n->where, "'" + n->value + "' is named here"});
          continue;
        }
        edges[firstOf[i]].push_back(to);
      }
    }
    findCycle(entries, edges, firstOf);
  }

  // Iterative DFS (user-shaped depth); reports the first cycle as a path.
  void findCycle(const std::vector<yaml::Entry>& entries,
                 const std::vector<std::vector<size_t>>& edges,
                 const std::vector<size_t>& firstOf) {
    enum State : uint8_t { New, OnStack, Done };
    std::vector<State> state(entries.size());      // value-initialised: all New
    std::vector<std::pair<size_t, size_t>> stack;  // job, next edge to follow
    for (size_t start : firstOf) {
      if (state[start] != New) continue;
      stack = {{start, 0}};
      state[start] = OnStack;
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next >= edges[node].size()) {
          state[node] = Done;
          stack.pop_back();
          continue;
        }
        size_t to = edges[node][next++];
        if (state[to] == OnStack) {
          reportCycle(entries, stack, to);
          return;
        }
        if (state[to] == New) {
          state[to] = OnStack;
          stack.push_back({to, 0});
        }
      }
    }
  }

  void reportCycle(const std::vector<yaml::Entry>& entries,
                   const std::vector<std::pair<size_t, size_t>>& stack, size_t to) {
    size_t from = 0;
    while (stack[from].first != to)
      ++from;
    std::string path;
    for (size_t i = from; i < stack.size(); ++i)
      path += entries[stack[i].first].key.value + " -> ";
    path += entries[to].key.value;
    diags().error(entries[to].key.where, "job-needs",
                  "jobs depend on each other in a cycle: " + path);
  }

  void checkJob(const yaml::Node& key, const yaml::Node& job) {
    checkEnv(job.find("env"));
    checkDefaults(job.find("defaults"));
    checkIf(job.find("if"), "job");
    if (const yaml::Node* snap = job.find("snapshot"); snap && snap->isMapping()) {
      checkIf(snap->find("if"), "snapshot");
      if (const yaml::Node* v = snap->find("version"); v && v->isScalar()) checkPattern(*v, false);
    }
    checkTimeout(job.find("timeout-minutes"));
    checkRunsOn(job);
    checkMatrix(job.find("strategy"));
    if (const yaml::Entry* c = job.entry("container")) checkContainer(c->value, &c->key);
    if (const yaml::Node* s = job.find("services"); s && s->isMapping())
      for (const auto& e : s->entries)
        checkContainer(e.value, &e.key);
    if (const yaml::Entry* env = job.entry("environment");
        env && env->value.isMapping() && !env->value.find("name"))
      diags().error(env->key.where, "missing-key", "'environment' needs a 'name'");
    if (const yaml::Node* uses = job.find("uses"); uses && uses->isScalar()) {
      checkWorkflowCall(key, job, *uses);
      return;
    }
    const yaml::Node* steps = job.find("steps");
    if ((!steps || steps->isNull()) && job.find("runs-on"))
      diags().error(key.where, "missing-key", "job '" + key.value + "' has no 'steps'");
    checkSteps(job);
  }

  void checkContainer(const yaml::Node& c, const yaml::Node* key) {
    // `container: null` says "no container"; an omitted value, '' or {} is a slip.
    bool empty = (c.isNull() && c.value.empty()) || (c.isScalar() && c.value.empty()) ||
                 (c.isMapping() && c.entries.empty());
    if (empty && key)
      diags().error(c.where, "empty-value",
                    "'" + key->value + "' is empty: name an image, or remove the key");
    if (!c.isMapping()) return;
    checkEnv(c.find("env"));
    if (!c.find("image") && key)
      diags().error(key->where, "missing-key", "'" + key->value + "' needs an 'image'");
    const yaml::Entry* creds = c.entry("credentials");
    const yaml::Node* cv = creds ? &creds->value : nullptr;
    if (cv && (cv->isNull() || (cv->isScalar() && !hasExpression(cv->value)) ||
               (cv->isMapping() && (!cv->find("username") || !cv->find("password")))))
      diags().error(creds->key.where, "missing-key",
                    "container credentials need both 'username' and 'password'");
  }

  void checkTimeout(const yaml::Node* t) {
    if (!t || !t->isScalar()) return;
    std::optional<double> v = t->asNumber();
    if (v && *v <= 0)
      diags().error(t->where, "timeout",
                    "timeout-minutes must be greater than zero, not " + t->value);
  }

  void checkDefaults(const yaml::Node* d) {
    if (!d || !d->isMapping()) return;
    const yaml::Node* run = d->find("run");
    if (run && run->isMapping()) checkShell(run->find("shell"));
  }

  void checkShell(const yaml::Node* s, const std::string& os = "") {
    if (!s || !s->isScalar() || hasExpression(s->value)) return;
    std::string v = lowerCase(s->value);
    if (os == "posix" && (v == "powershell" || v == "cmd"))
      diags().error(s->where, "shell-name",
                    "shell '" + s->value + "' exists only on Windows runners; use pwsh or bash");
    if (os == "windows" && v == "sh")
      diags().error(s->where, "shell-name",
                    "shell 'sh' does not exist on Windows runners; use bash or pwsh");
    static const std::vector<std::string> shells =
        embeddedData("lint.json")["shells"]["names"].strings();
    if (std::find(shells.begin(), shells.end(), lowerCase(s->value)) != shells.end()) return;
    if (s->value.find("{0}") != std::string::npos) return;  // a custom shell command
    diags().error(s->where, "shell-name",
                  "unknown shell '" + s->value +
                      "': use bash, pwsh, python, sh, cmd, powershell, or a command with {0}",
                  didYouMean(s->value, shells));
  }

  void checkEnv(const yaml::Node* env) {
    if (!env || !env->isMapping()) return;
    for (const auto& e : env->entries) {
      const std::string& k = e.key.value;
      if (hasExpression(k)) continue;
      bool bad = k.empty() || std::isdigit(static_cast<unsigned char>(k[0]));
      for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
          bad = true;
      if (bad)
        diags().error(e.key.where, "env-var-name",
                      "environment variable name '" + k +
                          "' is invalid: use letters, digits and '_', not starting with a digit");
    }
  }

  // --- runs-on ------------------------------------------------------------

  // runs-on's labels, where `${{ matrix.NAME }}` stands for each value of
  // that axis: each value is checked with the literal labels beside it.
  void checkRunsOn(const yaml::Node& job) {
    const yaml::Entry* entry = job.entry("runs-on");
    if (!entry) return;
    const yaml::Node* r = &entry->value;
    if (r->isNull()) {
      diags().error(r->where, "runner-label", "runs-on names no runner label");
      return;
    }
    if (r->isMapping()) r = r->find("labels");
    std::vector<const yaml::Node*> literal, fromMatrix;
    for (const yaml::Node* l : scalarsOf(r)) {
      std::optional<std::vector<const yaml::Node*>> values = matrixValues(job, *l);
      if (values) {
        fromMatrix.insert(fromMatrix.end(), values->begin(), values->end());
      } else {
        literal.push_back(l);
      }
    }
    const yaml::Node* firstHosted = checkLabels(literal, nullptr);
    for (const yaml::Node* v : fromMatrix)
      checkLabels(scalarsOf(v), firstHosted);
  }

  // The values axis NAME takes when label is exactly `${{ matrix.NAME }}`.
  std::optional<std::vector<const yaml::Node*>> matrixValues(const yaml::Node& job,
                                                             const yaml::Node& label) {
    std::vector<ExprSpan> spans = findExpressions(label.value);
    if (spans.size() != 1 || spans[0].begin != 0 || spans[0].end != label.value.size())
      return std::nullopt;
    std::vector<ContextPath> paths = contextPaths(spans[0].inner);
    if (paths.size() != 1 || paths[0].path.rfind("matrix.", 0) != 0) return std::nullopt;
    std::string axis = paths[0].path.substr(7);
    std::vector<const yaml::Node*> out;
    const yaml::Node* strategy = job.find("strategy");
    const yaml::Node* m = strategy && strategy->isMapping() ? strategy->find("matrix") : nullptr;
    if (!m || !m->isMapping()) return out;
    for (const auto& e : m->entries) {
      if (lowerCase(e.key.value) == axis && e.value.isSequence())
        for (const auto& v : e.value.items)
          out.push_back(&v);
      if (e.key.value == "include" && e.value.isSequence())
        for (const auto& row : e.value.items)
          if (row.isMapping())
            for (const auto& cell : row.entries)
              if (lowerCase(cell.key.value) == axis) out.push_back(&cell.value);
    }
    return out;
  }

  // The operating system a label selects: "linux", "windows", "macos" or "".
  static std::string osOf(const std::string& label) {
    for (const char* os : {"windows", "macos", "linux"})
      if (label.rfind(os, 0) == 0) return os;
    return label.rfind("ubuntu", 0) == 0 ? "linux" : "";
  }

  // Checks labels one job asks for at once; `hosted` is a GitHub-hosted label
  // already asked for. Returns the first GitHub-hosted label seen.
  const yaml::Node* checkLabels(const std::vector<const yaml::Node*>& labels,
                                const yaml::Node* hosted) {
    static const DataNode& data = embeddedData("lint.json")["runnerLabels"];
    static const std::vector<std::string> hostedLabels = data["githubHosted"].strings();
    static const std::vector<std::string> self = data["selfHosted"].strings();
    static const std::vector<std::string> all = [] {
      std::vector<std::string> out = hostedLabels;
      out.insert(out.end(), self.begin(), self.end());
      return out;
    }();
    for (const yaml::Node* l : labels) {
      if (l->value.empty()) {
        diags().error(l->where, "runner-label", "runner label is empty");
        continue;
      }
      if (hasExpression(l->value)) continue;
      std::string v = lowerCase(l->value);
      bool isHosted = std::find(hostedLabels.begin(), hostedLabels.end(), v) != hostedLabels.end();
      bool isSelf = std::find(self.begin(), self.end(), v) != self.end();
      if (hosted && (isHosted || isSelf)) {
        // Labels of one operating system may narrow each other (ubuntu-latest
        // and ubuntu-24.04); labels of two cannot both hold.
        std::string os = osOf(v), hostedOs = osOf(lowerCase(hosted->value));
        bool conflict = !os.empty() && !hostedOs.empty() && os != hostedOs;
        if (conflict) {
          Diagnostic& d =
              diags().error(l->where, "runner-label",
                            "label '" + l->value + "' conflicts with '" + hosted->value +
                                "': a job runs on one machine; use a matrix to run on several");
          d.notes.push_back({hosted->where, "'" + hosted->value + "' is here"});
        }
      }
      if (isHosted) {
        if (!hosted) hosted = l;
        continue;
      }
      if (const DataNode* why = data["removed"].find(v)) {
        diags().error(l->where, "runner-label",
                      "runner '" + l->value + "' is no longer offered by GitHub (" +
                          std::string(why->text()) + ")");
        continue;
      }
      if (isSelf || configLabel(v)) continue;
      diags().error(l->where, "runner-label",
                    "unknown runner label '" + l->value +
                        "'; list custom self-hosted labels under lint.runner-labels in .galley.yml",
                    didYouMean(l->value, all));
    }
    return hosted;
  }

  bool configLabel(const std::string& v) {
    for (const auto& g : cx_.options.config.runnerLabels)
      if (globMatch(lowerCase(g), v)) return true;
    if (cx_.actionlint)
      for (const auto& g : cx_.actionlint->runnerLabels)
        if (globMatch(lowerCase(g), v)) return true;
    return false;
  }

  // --- matrix -------------------------------------------------------------

  void checkMatrix(const yaml::Node* strategy) {
    if (!strategy || !strategy->isMapping()) return;
    if (const yaml::Node* mp = strategy->find("max-parallel");
        mp && mp->asNumber() && *mp->asNumber() <= 0)
      diags().error(mp->where, "timeout",
                    "max-parallel must be greater than zero, not " + mp->value);
    if (const yaml::Node* mp = strategy->find("max-parallel");
        mp && mp->asNumber() && *mp->asNumber() != static_cast<long long>(*mp->asNumber()))
      diags().error(mp->where, "type-mismatch",
                    "max-parallel must be a whole number, not " + mp->value);
    const yaml::Node* m = strategy->find("matrix");
    if (!m || !m->isMapping()) return;
    for (const auto& e : m->entries)
      if (e.value.isSequence() && e.key.value != "include" && e.key.value != "exclude")
        checkDuplicateValues(e.key.value, e.value);
    const yaml::Node* exclude = m->find("exclude");
    if (!exclude || !exclude->isSequence()) return;
    // Every value an axis can take: its own list and what include adds.
    std::map<std::string, AxisValues> axes;
    for (const auto& e : m->entries) {
      if (e.key.value == "include" || e.key.value == "exclude") continue;
      AxisValues& values = axes[e.key.value];
      if (e.value.isSequence()) {
        for (const auto& v : e.value.items)
          values.add(v);
      } else {
        values.add(e.value);  // an expression: matches anything
      }
    }
    if (const yaml::Node* include = m->find("include"); include && include->isSequence())
      for (const auto& row : include->items)
        if (row.isMapping())
          for (const auto& cell : row.entries)
            axes[cell.key.value].add(cell.value);
    std::optional<bool> matrixHasExpression;  // asked once, for the first unknown axis
    for (const auto& row : exclude->items) {
      if (!row.isMapping()) continue;
      for (const auto& cell : row.entries) {
        auto it = axes.find(cell.key.value);
        if (hasExpression(cell.key.value)) continue;
        if (it == axes.end()) {
          if (!matrixHasExpression) matrixHasExpression = anyExpression(*m);
          if (*matrixHasExpression) continue;
          std::vector<std::string> names;
          for (const auto& [k, v] : axes)
            names.push_back(k);
          diags().error(cell.key.where, "matrix",
                        "exclude names '" + cell.key.value + "', which is not a matrix axis",
                        didYouMean(cell.key.value, names));
          continue;
        }
        if (anyExpression(cell.value)) continue;
        if (!it->second.matches(cell.value))
          diags().error(
              cell.value.where, "matrix",
              "exclude value for '" + cell.key.value + "' matches none of the axis's values");
      }
    }
  }

  static bool anyExpression(const yaml::Node& n) {
    if (n.isScalar()) return hasExpression(n.value);
    for (const auto& i : n.items)
      if (anyExpression(i)) return true;
    for (const auto& e : n.entries)
      if (hasExpression(e.key.value) || anyExpression(e.value)) return true;
    return false;
  }

  // The values one matrix axis takes, as exclude rows are matched against
  // them: scalars by hash, so that thousands of exclude rows against
  // thousands of values cost no more than reading them (a 2 MB matrix took
  // 25 s when each row scanned every value).
  struct AxisValues {
    std::vector<const yaml::Node*> all;
    std::unordered_set<std::string_view> scalars, nulls;  // by spelling
    bool anyExpression = false;  // one value is computed: anything may match

    void add(const yaml::Node& v) {
      all.push_back(&v);
      if (v.isScalar()) scalars.insert(v.value);
      if (v.isNull()) nulls.insert(v.value);
      anyExpression = anyExpression || WorkflowChecker::anyExpression(v);
    }
    bool matches(const yaml::Node& part) const {
      if (anyExpression) return true;
      if (part.isScalar()) return scalars.count(part.value) > 0;
      if (part.isNull()) return nulls.count(part.value) > 0;
      return std::any_of(all.begin(), all.end(),
                         [&](const yaml::Node* v) { return subsetOf(part, *v); });
    }
  };

  // An exclude value matches an axis value when every key it names is equal.
  static bool subsetOf(const yaml::Node& part, const yaml::Node& whole) {
    if (part.isScalar() || part.isNull())
      return whole.value == part.value && whole.kind == part.kind;
    if (part.isMapping() && whole.isMapping()) {
      for (const auto& e : part.entries) {
        const yaml::Node* w = whole.find(e.key.value);
        if (!w || !subsetOf(e.value, *w)) return false;
      }
      return true;
    }
    if (part.isSequence() && whole.isSequence() && part.items.size() == whole.items.size()) {
      for (size_t i = 0; i < part.items.size(); ++i)
        if (!subsetOf(part.items[i], whole.items[i])) return false;
      return true;
    }
    return false;
  }

  void checkDuplicateValues(const std::string& axis, const yaml::Node& values) {
    std::unordered_set<std::string_view> seen;
    for (const yaml::Node& v : values.items)
      if (v.isScalar() && !seen.insert(v.value).second)
        diags().error(v.where, "matrix",
                      "value '" + v.value + "' is duplicated in matrix axis '" + axis + "'");
  }

  // --- conditions ---------------------------------------------------------

  // what: the job, step or snapshot the condition guards.
  void checkIf(const yaml::Node* cond, std::string_view what) {
    if (!cond || !cond->isScalar()) return;
    std::string_view v = cond->value;
    auto trim = [](std::string_view s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
      return s;
    };
    std::string_view t = trim(v);
    std::vector<ExprSpan> spans = findExpressions(v);
    if (!spans.empty()) {
      bool whole = spans.size() == 1 && t.substr(0, 3) == "${{" && t.size() >= 2 &&
                   t.substr(t.size() - 2) == "}}";
      // Quoted and block scalars keep their surrounding spaces and newlines,
      // which make the value a non-empty string too.
      if (!whole || v != t) {
        diags().error(cond->where, "if-always-true",
                      "this condition is always true: text outside a single ${{ }} makes it a "
                      "non-empty string",
                      "write the condition without ${{ }}, or as exactly one ${{ }}");
        return;
      }
      t = spans.front().inner;
    } else {
      t = v;
    }
    // Untrimmed, as the expression checks parse it: the parse cache then
    // already holds its tree.
    std::optional<bool> constant = constantCondition(t);
    // A deliberate `if: false` switches the job off: removing the key
    // would switch it on.
    std::string w(what);
    if (constant && *constant)
      diags().warning(cond->where, "constant-if",
                      "the condition is always true; remove the if: key");
    else if (constant)
      diags().warning(cond->where, "constant-if",
                      "the condition is always false: this " + w + " never runs",
                      "delete the " + w +
                          " if it is no longer needed (removing only the if: "
                          "would make it run)");
  }

  // The value of a condition that reads no context and calls no status
  // function or hashFiles, folded with compiler/expr's evaluator.
  static std::optional<bool> constantCondition(std::string_view text) {
    expr::ParseOptions options;
    options.permissive = true;
    expr::ExprError err;
    const expr::Expression* tree = expr::parseCached(text, options, &err);
    if (!tree || !tree->root) return std::nullopt;
    const expr::Expression& parsed = *tree;
    for (const auto& n : parsed.nodes) {
      if (n.kind == expr::NodeKind::Context) return std::nullopt;
      if (n.kind == expr::NodeKind::Call) {
        const expr::FunctionSpec* f = expr::findFunction(expr::githubFunctions(), n.name);
        if (!f || f->status || f->name == "hashFiles") return std::nullopt;
      }
    }
    expr::EvalHost host;
    expr::EvalResult r = expr::evaluate(parsed, expr::Value::object({}), host);
    if (!r.ok) return std::nullopt;
    return expr::truthy(r.value);
  }

  // --- steps --------------------------------------------------------------

  // "windows", "posix" or "" (unknown: expressions, self-hosted labels).
  static std::string runnerOs(const yaml::Node& job) {
    const yaml::Node* r = job.find("runs-on");
    if (r && r->isMapping()) r = r->find("labels");
    std::vector<const yaml::Node*> labels = scalarsOf(r);
    for (const yaml::Node* l : labels) {
      std::string v = lowerCase(l->value);
      if (hasExpression(v)) return "";
      if (v.rfind("windows", 0) == 0) return "windows";
      if (v.rfind("ubuntu", 0) == 0 || v.rfind("macos", 0) == 0 || v == "linux") return "posix";
    }
    return "";
  }

  void checkSteps(const yaml::Node& job) {
    std::string os = runnerOs(job);
    std::vector<const yaml::Node*> ids;  // step ids, the first of each name
    CaselessIndex idIndex;
    for (const yaml::Node* step : stepsOf(job)) {
      StepKeys keys(*step);
      if (const yaml::Node* id = keys.id;
          id && id->isScalar() && !id->value.empty() && !hasExpression(id->value)) {
        if (!validId(id->value))
          diags().error(id->where, "invalid-id",
                        "invalid step id '" + id->value +
                            "': ids start with a letter or '_' and hold only letters, digits, "
                            "'-' and '_'");
        if (size_t j = idIndex.add(id->value, ids.size()); j < ids.size()) {
          Diagnostic& d = diags().error(id->where, "duplicate-id",
                                        "step id '" + id->value + "' is already used in this job");
          d.notes.push_back({ids[j]->where, "'" + ids[j]->value + "' is defined here"});
        } else {
          ids.push_back(id);
        }
      }
      checkIf(keys.ifCond, "step");
      checkEnv(keys.env);
      checkTimeout(keys.timeout);
      checkShell(keys.shell, os);
      if (keys.run && keys.run->isScalar()) checkDeprecated(*keys.run);
      if (keys.uses && keys.uses->isScalar()) checkStepUses(*step, *keys.uses);
    }
  }

  void checkDeprecated(const yaml::Node& run) {
    static const DataNode& cmds = embeddedData("lint.json")["deprecatedCommands"]["commands"];
    const std::string& s = run.value;
    size_t i = 0;
    std::optional<expr::ScalarMap> pos;
    while ((i = s.find("::", i)) != std::string::npos) {
      size_t nameEnd = i + 2;
      while (nameEnd < s.size() &&
             (std::isalpha(static_cast<unsigned char>(s[nameEnd])) || s[nameEnd] == '-'))
        ++nameEnd;
      std::string name = s.substr(i + 2, nameEnd - i - 2);
      const DataNode* instead = cmds.find(name);
      if (instead && nameEnd < s.size() && (s[nameEnd] == ' ' || s[nameEnd] == ':')) {
        if (!pos) pos.emplace(run);
        diags().error(pos->location(i, nameEnd - i), "deprecated-command",
                      "workflow command '" + name + "' " + std::string((*instead)["status"].text()),
                      std::string((*instead)["instead"].text()));
      }
      i = nameEnd;
    }
  }

  // --- uses: --------------------------------------------------------------

  void checkStepUses(const yaml::Node& step, const yaml::Node& uses) {
    const std::string& u = uses.value;
    if (u.empty() || hasExpression(u)) return;
    if (u.rfind("docker://", 0) == 0) {
      std::string image = u.substr(9);
      size_t colon = image.rfind(':');
      bool emptyTag = colon != std::string::npos && colon + 1 == image.size() &&
                      image.find('/', colon) == std::string::npos;
      if (image.empty()) {
        diags().error(uses.where, "action-ref", "docker:// needs an image name");
      } else if (emptyTag) {
        diags().error(uses.where, "action-ref",
                      "the tag of Docker image '" + image + "' is empty: write '" + image +
                          "TAG' or drop the ':'");
      }
      return;
    }
    if (u.rfind("./", 0) == 0 || u == ".") {
      checkLocalAction(step, uses);
      return;
    }
    size_t at = u.find('@');
    std::string_view repoPath = std::string_view(u).substr(0, at);
    size_t slash = repoPath.find('/');
    if (at == std::string::npos || at + 1 == u.size()) {
      diags().error(uses.where, "action-ref",
                    "action '" + u +
                        "' has no ref: write {owner}/{repo}@{ref} or "
                        "{owner}/{repo}/{path}@{ref}");
      return;
    }
    if (slash == std::string::npos || slash == 0 || slash + 1 == repoPath.size()) {
      diags().error(uses.where, "action-ref",
                    "action '" + u +
                        "' has no owner: write {owner}/{repo}@{ref} or "
                        "{owner}/{repo}/{path}@{ref}");
      return;
    }
    checkPopularAction(step, uses);
  }

  // popular_actions.json and actions.json's node20 table indexed once:
  // outdated versions, and inputs per version.
  struct PopularActions {
    std::unordered_set<std::string, StringHash, std::equal_to<>> outdated;
    // A major built for Node.js 20, and the first major built for 24.
    std::unordered_map<std::string, std::string_view, StringHash, std::equal_to<>> node20;
    std::unordered_map<std::string, ActionInputs, StringHash, std::equal_to<>> inputs;
  };

  static const PopularActions& popularActions() {
    static const PopularActions index = [] {
      const DataNode& data = embeddedData("popular_actions.json");
      PopularActions p;
      for (const auto& spec : data["outdated"].list())
        p.outdated.emplace(spec.text());
      for (const DataMember& m : embeddedData("actions.json")["node20"]["actions"].object())
        p.node20.emplace(std::string(m.key()), m.value.text());
      for (const DataMember& m : data["actions"].object()) {
        const DataNode& a = m.value;
        // Known for its outputs only: it takes inputs it does not declare.
        const DataNode* inputs = a.find("inputs");
        if (!inputs) continue;
        ActionInputs& in = p.inputs[std::string(m.key())];
        for (const auto& i : inputs->list()) {
          std::string_view s = i.text();
          bool req = !s.empty() && s[0] == '!';
          in.inputs.push_back({std::string(req ? s.substr(1) : s), req});
        }
        if (const DataNode* deprecated = a.find("deprecated"))
          for (const DataMember& d : deprecated->object())
            in.deprecated.push_back({std::string(d.key()), oneSentence(d.value.text())});
      }
      return p;
    }();
    return index;
  }

  // An action's deprecation message as the end of one of ours: on one
  // line, without its closing period.
  static std::string oneSentence(std::string_view text) {
    std::string out;
    for (char c : text)
      if (c == '\n' || c == '\r') {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    while (!out.empty() && (out.back() == '.' || out.back() == ' '))
      out.pop_back();
    return out;
  }

  void checkPopularAction(const yaml::Node& step, const yaml::Node& uses) {
    const PopularActions& popular = popularActions();
    // A SHA pin stands for the tag its comment names, and says so.
    std::string tag = pinnedTag(uses);
    std::string spec = actionSpecOf(uses);
    if (spec.empty()) return;
    std::string_view major = majorSpec(spec);
    // v3.8.1 runs what v3 does.
    if (popular.outdated.count(spec) || popular.outdated.count(major))
      diags().error(uses.where, "outdated-action",
                    shownUses(uses, tag) +
                        " runs on a Node.js version GitHub no longer runs; update its version");
    if (auto n = popular.node20.find(major); n != popular.node20.end()) {
      std::string_view name = major.substr(0, major.rfind('@'));
      diags().warning(uses.where, "node20-action",
                      shownUses(uses, tag) +
                          " is built for Node.js 20, which GitHub removed from its runners on "
                          "2026-09-16: they run it on Node.js 24",
                      "update to " + std::string(name) + "@" + std::string(n->second) +
                          ", its first version built for Node.js 24");
    }
    auto it = popular.inputs.find(spec);  // octokit/request-action@v2.x is its own
    if (it == popular.inputs.end()) it = popular.inputs.find(major);
    if (it == popular.inputs.end()) return;
    checkWith(step, uses, it->second, tag);
  }

  // The action as messages name it: quoted, and with the tag a SHA pin's
  // comment names. Built only for a message: most uses have none.
  static std::string shownUses(const yaml::Node& uses, std::string_view tag) {
    std::string shown = "'" + uses.value + "'";
    if (!tag.empty()) shown += " (" + std::string(tag) + " by its comment)";
    return shown;
  }

  // Input names compare without case, as the runner matches them.
  // tag: what pinnedTag read for uses.
  void checkWith(const yaml::Node& step, const yaml::Node& uses, const ActionInputs& in,
                 std::string_view tag) {
    const yaml::Node* with = step.find("with");
    auto same = [](std::string_view a, std::string_view b) { return equalsIgnoreCase(a, b); };
    if (with && with->isMapping()) {
      for (const auto& e : with->entries) {
        const std::string& k = e.key.value;
        auto dep = std::find_if(in.deprecated.begin(), in.deprecated.end(),
                                [&](const auto& d) { return same(d.first, k); });
        if (dep != in.deprecated.end()) {
          diags().warning(
              e.key.where, "action-input",
              "input '" + k + "' of " + shownUses(uses, tag) + " is deprecated: " + dep->second);
          continue;
        }
        if (std::any_of(in.inputs.begin(), in.inputs.end(),
                        [&](const auto& i) { return same(i.first, k); }))
          continue;
        std::vector<std::string> names;
        for (const auto& [n, r] : in.inputs)
          names.push_back(n);
        diags().error(e.key.where, "action-input",
                      shownUses(uses, tag) + " has no input '" + k + "'", didYouMean(k, names));
      }
    }
    if (with && !with->isMapping() && !with->isNull()) return;
    for (const auto& input : in.inputs) {
      const auto& [n, req] = input;
      if (!req) continue;
      bool given =
          with && std::any_of(with->entries.begin(), with->entries.end(),
                              [&](const auto& e) { return same(e.key.value, input.first); });
      if (!given)
        diags().error(uses.where, "action-input",
                      shownUses(uses, tag) + " requires the input '" + n + "'");
    }
  }

  void checkLocalAction(const yaml::Node& step, const yaml::Node& uses) {
    if (!cx_.repo) return;
    const SourceFile* f = localActionFile(cx_.repo, uses.value);
    if (!f) {
      // Not an error: an earlier step may check the action out, or it may be
      // a Dockerfile-only action.
      return;
    }
    Diagnostics scratch;
    std::optional<yaml::Node> meta = yaml::load(*f, scratch);
    if (meta && meta->isMapping()) {
      CheckContext actionCx{*f, cx_.repo, cx_.options, scratch};
      Schema::action().validate(*meta, "action-root-strict", "action", scratch);
      checkActionMetadata(*meta, actionCx);
    } else if (meta) {
      scratch.error(meta->where, "action-metadata", "action metadata must be a mapping");
    }
    // The action's own problems once per workflow, at its first use.
    if (reportedActions_.insert(f).second) reportActionProblems(uses, *f, scratch);
    if (!meta || !meta->isMapping()) return;
    ActionInputs in;
    if (const yaml::Node* inputs = meta->find("inputs"); inputs && inputs->isMapping()) {
      for (const auto& e : inputs->entries) {
        bool req = false;
        if (e.value.isMapping()) {
          const yaml::Node* r = e.value.find("required");
          // YAML 1.1 booleans are common in action.yml; the runner reads them too.
          req = r && r->isScalar() && (r->asBool() == true || lowerCase(r->value) == "yes") &&
                !e.value.find("default");
          // A required input must be passed, deprecated or not: no warning.
          if (const yaml::Node* dep = e.value.find("deprecationMessage"); dep && !req)
            in.deprecated.push_back({e.key.value, dep->value});
        }
        in.inputs.push_back({e.key.value, req});
      }
    }
    checkWith(step, uses, in, "");
  }

  // The action's own problems, shown where the workflow uses it (the action
  // may live in a directory nobody lints directly), each with its place.
  void reportActionProblems(const yaml::Node& uses, const SourceFile& f, Diagnostics& found) {
    std::vector<const Diagnostic*> errors;
    for (const auto& d : found.all())
      if (d.severity == Severity::Error) errors.push_back(&d);
    if (errors.empty()) return;
    Diagnostic& d = diags().error(
        uses.where, "local-action",
        "local action '" + uses.value + "' has invalid metadata in " + f.path() + ": " +
            errors.front()->message +
            (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more)" : ""));
    for (const Diagnostic* e : errors)
      d.notes.push_back({e->where, e->message});
  }

  // --- reusable workflows -------------------------------------------------

  void checkWorkflowCall(const yaml::Node& key, const yaml::Node& job, const yaml::Node& uses) {
    const std::string& u = uses.value;
    if (u.empty() || hasExpression(u)) return;
    if (u.rfind("./", 0) == 0) {
      if (u.find('@') != std::string::npos) {
        diags().error(uses.where, "workflow-call",
                      "a local reusable workflow takes no @ref: '" + u + "'");
        return;
      }
      checkLocalWorkflow(job, uses);
      return;
    }
    size_t at = u.find('@');
    std::string path = u.substr(0, at);
    size_t s1 = path.find('/');
    size_t s2 = s1 == std::string::npos ? s1 : path.find('/', s1 + 1);
    if (at == std::string::npos || at + 1 == u.size() || s1 == 0 || s2 == std::string::npos) {
      diags().error(
          uses.where, "workflow-call",
          "reusable workflow '" + u + "' must be {owner}/{repo}/{path}@{ref} or ./{path}");
    }
    (void)key;
  }

  void checkLocalWorkflow(const yaml::Node& job, const yaml::Node& uses) {
    if (!cx_.repo) return;
    const SourceFile* f = cx_.repo->read(uses.value.substr(2));
    if (!f) {
      diags().error(uses.where, "workflow-call",
                    "reusable workflow '" + uses.value + "' does not exist");
      return;
    }
    Diagnostics scratch;
    std::optional<yaml::Node> wf = yaml::load(*f, scratch);
    if (!wf || !wf->isMapping()) {
      Diagnostic& d =
          diags().error(uses.where, "workflow-call",
                        "reusable workflow '" + uses.value + "' cannot be read" +
                            (scratch.empty() ? "" : ": " + scratch.all().front().message));
      if (!scratch.empty()) d.notes.push_back({scratch.all().front().where, "here"});
      return;
    }
    const yaml::Node* on = wf->find("on");
    const yaml::Node* call = nullptr;
    bool hasCall = false;
    if (on && on->isMapping()) {
      call = on->find("workflow_call");
      hasCall = on->entry("workflow_call") != nullptr;
    } else if (on) {
      for (const yaml::Node* s : scalarsOf(on))
        if (s->value == "workflow_call") hasCall = true;
    }
    if (!hasCall) {
      diags().error(
          uses.where, "workflow-call",
          "'" + uses.value + "' is not a reusable workflow: it has no workflow_call trigger");
      return;
    }
    if (call && call->isMapping())
      for (const char* section : {"inputs", "outputs", "secrets"}) {
        const yaml::Node* n = call->find(section);
        if (!n || n->isNull() || n->isMapping()) continue;
        Diagnostic& d = diags().error(
            uses.where, "workflow-call",
            "reusable workflow '" + uses.value + "' cannot be read: its workflow_call '" + section +
                "' must be a mapping, not a " + (n->isScalar() ? "string" : kindName(n->kind)));
        d.notes.push_back({n->where, std::string("'") + section + "' is here"});
        return;
      }
    checkCallArgs(job, uses, call ? call->find("inputs") : nullptr, job.find("with"), "input");
    checkCallInputTypes(uses, call ? call->find("inputs") : nullptr, job.find("with"));
    const yaml::Node* secrets = job.find("secrets");
    if (secrets && secrets->isScalar() && secrets->value == "inherit") return;
    checkCallArgs(job, uses, call ? call->find("secrets") : nullptr, secrets, "secret");
  }

  // with: values against the types the reusable workflow declares for its
  // inputs. Any value reads as a boolean; a number input takes only
  // numbers, a string input strings and numbers (actionlint's rules).
  void checkCallInputTypes(const yaml::Node& uses, const yaml::Node* decl, const yaml::Node* with) {
    if (!decl || !decl->isMapping() || !with || !with->isMapping()) return;
    for (const auto& e : with->entries) {
      const yaml::Node* input = nullptr;
      std::string name;
      for (const auto& d : decl->entries)
        if (lowerCase(d.key.value) == lowerCase(e.key.value)) input = &d.value, name = d.key.value;
      const yaml::Node* t = input && input->isMapping() ? input->find("type") : nullptr;
      if (!t || !t->isScalar() || (t->value != "string" && t->value != "number")) continue;
      // `key:` with nothing passes an empty string, `key: null` null; an
      // anchor (`key: &a`) leaves a null too, so the text after the key tells.
      bool empty = e.value.isNull() && nothingAfter(e.key);
      expr::TypePtr given = empty ? expr::types::string() : withValueType(e.value);
      expr::TypeKind k = given->kind;
      bool ok = k == expr::TypeKind::Any || k == expr::TypeKind::Number ||
                (t->value == "string" && k == expr::TypeKind::String);
      if (ok) continue;
      diags().error(e.value.where, "expression",
                    "input '" + name + "' of reusable workflow '" + uses.value + "' is a " +
                        t->value + ", but this value is " + expr::types::toString(*given));
    }
  }

  // Whether a mapping key is followed by its colon and nothing else on the
  // line (a value written on the next line is a block, not null).
  static bool nothingAfter(const yaml::Node& key) {
    if (!key.where.file) return false;
    std::string_view text = key.where.file->text();
    size_t i = text.find(':', key.offset);
    if (i == std::string_view::npos) return false;
    i = text.find_first_not_of(" \t", i + 1);
    return i == std::string_view::npos || text[i] == '\n' || text[i] == '\r' || text[i] == '#';
  }

  // The type of a with: value as GitHub passes it: a YAML null, bool or
  // number written plainly, the type of one whole ${{ }}, else a string.
  static expr::TypePtr withValueType(const yaml::Node& v) {
    namespace types = expr::types;
    if (v.isNull()) return types::null();
    if (!v.isScalar()) return types::any();
    std::string_view s = v.value;
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    if (b != std::string_view::npos && s.substr(b, 3) == "${{" && s.substr(e - 1, 2) == "}}" &&
        s.find("${{", b + 3) == std::string_view::npos) {
      static const std::vector<std::string> contexts = {"github", "env",      "vars",  "secrets",
                                                        "inputs", "matrix",   "steps", "needs",
                                                        "runner", "strategy", "job"};
      static const expr::Scope scope = [] {
        expr::Scope sc;
        sc.contexts = contexts;
        return sc;
      }();
      return expr::typeOf(s.substr(b + 3, e - 1 - (b + 3)), scope);
    }
    if (v.isPlain() && v.asBool()) return types::boolean();
    if (v.isPlain() && v.asNumber()) return types::number();
    return types::string();
  }

  void checkCallArgs(const yaml::Node& job, const yaml::Node& uses, const yaml::Node* decl,
                     const yaml::Node* given, const std::string& what) {
    std::vector<std::string> names;
    if (decl && decl->isMapping())
      for (const auto& e : decl->entries)
        names.push_back(e.key.value);
    std::set<std::string> passed;
    if (given && given->isMapping()) {
      for (const auto& e : given->entries) {
        passed.insert(lowerCase(e.key.value));
        bool known = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
          return lowerCase(n) == lowerCase(e.key.value);
        });
        if (!known)
          diags().error(e.key.where, "workflow-call",
                        "reusable workflow '" + uses.value + "' declares no " + what + " '" +
                            e.key.value + "'",
                        didYouMean(e.key.value, names));
      }
    }
    if (!decl || !decl->isMapping()) return;
    for (const auto& e : decl->entries) {
      if (!e.value.isMapping()) continue;
      const yaml::Node* r = e.value.find("required");
      if (!r || r->asBool() != true || e.value.find("default")) continue;
      if (!passed.count(lowerCase(e.key.value)))
        diags().error(uses.where, "workflow-call",
                      "reusable workflow '" + uses.value + "' requires the " + what + " '" +
                          e.key.value + "'");
    }
    (void)job;
  }

  // --- events -------------------------------------------------------------

  void checkEvents() {
    const yaml::Node* on = root_.find("on");
    if (on && !on->isMapping())
      for (const yaml::Node* n : scalarsOf(on))
        if (n->value == "schedule")
          diags().error(n->where, "events",
                        "'schedule' needs its cron times: on: { schedule: [ { cron: '...' } ] }");
    if (!on || !on->isMapping()) return;
    for (const auto& ev : on->entries) {
      const std::string& name = ev.key.value;
      if (name == "schedule") checkSchedule(ev.value);
      if (name == "workflow_dispatch" && ev.value.isMapping())
        checkDispatchInputs(ev.key, ev.value.find("inputs"));
      if (name == "workflow_call" && ev.value.isMapping()) checkCallInputs(ev.value.find("inputs"));
      if (!ev.value.isMapping()) continue;
      checkExclusive(ev, "branches", "branches-ignore");
      checkExclusive(ev, "tags", "tags-ignore");
      checkExclusive(ev, "paths", "paths-ignore");
      for (const char* f : {"branches", "branches-ignore", "tags", "tags-ignore"})
        for (const yaml::Node* p : scalarsOf(ev.value.find(f)))
          checkPattern(*p, true);
      for (const char* f : {"paths", "paths-ignore", "names", "versions"})
        for (const yaml::Node* p : scalarsOf(ev.value.find(f)))
          checkPattern(*p, false);
    }
  }

  void checkExclusive(const yaml::Entry& ev, const char* a, const char* b) {
    const yaml::Entry* ea = ev.value.entry(a);
    const yaml::Entry* eb = ev.value.entry(b);
    if (!ea || !eb) return;
    const yaml::Entry* later = ea->key.where.begin > eb->key.where.begin ? ea : eb;
    diags().error(
        later->key.where, "events",
        std::string("'") + a + "' and '" + b + "' cannot both filter '" + ev.key.value + "'",
        std::string("negate patterns with '!' in '") + a + "' instead");
  }

  void checkPattern(const yaml::Node& p, bool isRef) {
    if (p.value.empty() || hasExpression(p.value)) return;
    std::vector<GlobProblem> problems = globProblems(p.value, isRef);
    if (problems.empty()) return;
    std::optional<expr::ScalarMap> map;
    if (!p.isBlockScalar()) map.emplace(p);
    for (const GlobProblem& g : problems)
      diags().error(map ? map->location(g.column, 1) : p.where, "glob",
                    "invalid filter pattern: " + g.message,
                    "see docs.github.com/actions/writing-workflows/"
                    "workflow-syntax-for-github-actions#filter-pattern-cheat-sheet");
  }

  void checkCallInputs(const yaml::Node* inputs) {
    if (!inputs || !inputs->isMapping()) return;
    for (const auto& e : inputs->entries) {
      if (!e.value.isMapping()) continue;
      const yaml::Node* type = e.value.find("type");
      const yaml::Node* def = e.value.find("default");
      const yaml::Node* req = e.value.find("required");
      if (!def || !def->isScalar() || hasExpression(def->value)) continue;
      if (req && req->asBool() == true)
        diags().error(def->where, "workflow-inputs",
                      "input '" + e.key.value + "' is required, so its default is never used");
      std::string t = type && type->isScalar() ? type->value : "";
      if (t == "number" && !def->asNumber())
        diags().error(def->where, "workflow-inputs",
                      "default of number input '" + e.key.value + "' is not a number");
      if (t == "boolean" && !def->asBool())
        diags().error(def->where, "workflow-inputs",
                      "default of boolean input '" + e.key.value + "' must be true or false");
    }
  }

  void checkDispatchInputs(const yaml::Node& event, const yaml::Node* inputs) {
    if (!inputs || !inputs->isMapping()) return;
    if (inputs->entries.size() > 25)
      diags().error(event.where, "workflow-inputs",
                    "workflow_dispatch takes at most 25 inputs, not " +
                        std::to_string(inputs->entries.size()));
    for (const auto& e : inputs->entries) {
      if (!e.value.isMapping()) continue;
      const yaml::Node* type = e.value.find("type");
      std::string t = type && type->isScalar() ? type->value : "string";
      const yaml::Node* options = e.value.find("options");
      const yaml::Node* def = e.value.find("default");
      if (t == "choice" && (!options || !options->isSequence() || options->items.empty())) {
        if (!options || options->isNull() || options->isSequence())
          diags().error(e.key.where, "workflow-inputs",
                        "choice input '" + e.key.value + "' has no options");
      }
      if (t != "choice" && options)
        diags().error(e.key.where, "workflow-inputs",
                      "input '" + e.key.value + "' has options but its type is not choice");
      if (t == "choice" && options && options->isSequence()) {
        std::set<std::string> seen;
        for (const auto& o : options->items)
          if (!seen.insert(o.value).second)
            diags().error(o.where, "workflow-inputs",
                          "option '" + o.value + "' is duplicated in input '" + e.key.value + "'");
        if (def && def->isScalar() && !hasExpression(def->value) && !seen.count(def->value))
          diags().error(def->where, "workflow-inputs",
                        "default '" + def->value + "' of input '" + e.key.value +
                            "' is not one of its options");
      }
      if (!def || !def->isScalar() || hasExpression(def->value)) continue;
      if (t == "boolean" && def->value != "true" && def->value != "false")
        diags().error(def->where, "workflow-inputs",
                      "default of boolean input '" + e.key.value + "' must be true or false");
      if (t == "number" && !def->asNumber())
        diags().error(def->where, "workflow-inputs",
                      "default of number input '" + e.key.value + "' is not a number");
    }
  }

  // --- cron ---------------------------------------------------------------

  void checkSchedule(const yaml::Node& s) {
    if (!s.isSequence()) return;
    for (const auto& item : s.items) {
      if (!item.isMapping()) continue;
      const yaml::Node* cron = item.find("cron");
      if (cron && cron->isScalar()) lint::checkCron(*cron, CronDialect::GitHub, diags());
      if (const yaml::Node* tz = item.find("timezone"); tz && tz->isScalar()) checkTimezone(*tz);
    }
  }

  // GitHub reads `timezone:` as an IANA time zone name. "UTC" is one (a link
  // to Etc/UTC in the database), so it is accepted; "Local" is not.
  void checkTimezone(const yaml::Node& tz) {
    if (tz.value.empty() || hasExpression(tz.value)) return;
    static const std::set<std::string> names = [] {
      std::set<std::string> s;
      for (const auto& n : embeddedData("timezones.json")["names"].list())
        s.emplace(n.text());
      return s;
    }();
    if (names.count(tz.value)) return;
    std::vector<std::string> all(names.begin(), names.end());
    diags().error(tz.where, "events",
                  "unknown time zone '" + tz.value +
                      "': use an IANA time zone name such as 'America/New_York' or 'Etc/UTC'",
                  didYouMean(tz.value, all));
  }

  const yaml::Node& root_;
  CheckContext& cx_;
  std::set<const SourceFile*> reportedActions_;
};

}  // namespace

void checkWorkflow(const yaml::Node& root, CheckContext& cx) {
  if (!root.isMapping()) return;
  WorkflowChecker(root, cx).run();
}

void checkActionSteps(const yaml::Node& root, CheckContext& cx) {
  if (!root.isMapping()) return;
  WorkflowChecker(root, cx).runComposite();
}

}  // namespace galley::lint

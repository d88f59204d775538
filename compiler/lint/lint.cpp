#include "compiler/lint/lint.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "compiler/ascii.h"
#include "compiler/azure/expand.h"
#include "compiler/expr/parser.h"
#include "compiler/lint/azure/lint.h"
#include "compiler/lint/checks.h"
#include "compiler/lint/data.h"
#include "compiler/lint/glob.h"
#include "compiler/lint/rules.h"
#include "compiler/lint/schema.h"
#include "compiler/lint/scripts.h"

namespace galley::lint {

namespace fs = std::filesystem;

const SourceFile* DiskRepo::read(const std::string& relPath) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(relPath);
  if (it != cache_.end()) return it->second;
  std::string full = shownPrefix_ + relPath;
  std::error_code ec;
  const SourceFile* f = nullptr;
  if (fs::is_regular_file(full, ec)) {
    std::string err;
    f = sources_.read(full, &err);
  }
  cache_[relPath] = f;
  return f;
}

DiskRepo::DiskRepo(std::string root, Sources& sources) : root_(std::move(root)), sources_(sources) {
  std::error_code ec;
  cwd_ = fs::current_path(ec).generic_string();
  rootPrefix_ = fs::absolute(root_, ec).lexically_normal().generic_string();
  if (rootPrefix_.empty() || rootPrefix_.back() != '/') rootPrefix_ += '/';
  // Files read from a repository under the working directory are named
  // from there, as the files on the command line are.
  std::string cwdPrefix = cwd_.empty() || cwd_.back() == '/' ? cwd_ : cwd_ + "/";
  shownPrefix_ =
      rootPrefix_.rfind(cwdPrefix, 0) == 0 ? rootPrefix_.substr(cwdPrefix.size()) : rootPrefix_;
}

std::string DiskRepo::relativePath(const SourceFile& file) {
  const std::string& p = file.path();
  std::string s = p.rfind('/', 0) == 0 ? p : cwd_ + "/" + p;
  // Most paths are already plain; only those with '.', '..' or '//' parts
  // need std::filesystem's normalising.
  if (s.find("/.") != std::string::npos || s.find("//") != std::string::npos)
    s = fs::path(s).lexically_normal().generic_string();
  if (s.size() <= rootPrefix_.size() || s.compare(0, rootPrefix_.size(), rootPrefix_) != 0)
    return "";
  return s.substr(rootPrefix_.size());
}

const SourceFile* MemoryRepo::add(const std::string& relPath, std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  return files_[relPath] = sources_.add(relPath, std::move(text));
}

std::string MemoryRepo::relativePath(const SourceFile& file) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [path, f] : files_)
    if (f == &file) return path;
  return "";
}

const SourceFile* MemoryRepo::read(const std::string& relPath) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(relPath);
  return it == files_.end() ? nullptr : it->second;
}

const SourceFile* actionlintConfig(const SourceFile& workflow, Repo* repo) {
  std::string rel = repo ? repo->relativePath(workflow) : "";
  size_t slash = rel.rfind('/');
  if (slash == std::string::npos) return nullptr;
  std::string dir = rel.substr(0, slash);
  size_t up = dir.rfind('/');
  if (dir.substr(up == std::string::npos ? 0 : up + 1) != "workflows") return nullptr;
  std::string base = up == std::string::npos ? "" : dir.substr(0, up + 1);
  for (const char* name : {"actionlint.yaml", "actionlint.yml"})
    if (const SourceFile* f = repo->read(base + name)) return f;
  return nullptr;
}

bool knownRunnerLabel(std::string_view label) {
  static const std::vector<std::string> known = [] {
    const DataNode& data = embeddedData("lint.json")["runnerLabels"];
    std::vector<std::string> out = data["githubHosted"].strings();
    for (auto& l : data["selfHosted"].strings())
      out.push_back(std::move(l));
    return out;
  }();
  std::string lower = lowerCase(label);
  return std::find(known.begin(), known.end(), lower) != known.end();
}

FileKind kindOf(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (base == "action.yml" || base == "action.yaml") return FileKind::Action;
  return azure::isAzurePath(path) ? FileKind::Azure : FileKind::Workflow;
}

namespace {

// `# galley-ignore: rule-a, rule-b` (or `all`) on a line silences those rules
// on that line and the next.
bool ignoredInline(const Diagnostic& d) {
  if (!d.where.known()) return false;
  for (uint32_t l : {d.where.begin.line, d.where.begin.line - 1}) {
    if (l == 0) continue;
    std::string_view line = d.where.file->line(l);
    size_t at = line.find("galley-ignore:");
    if (at == std::string_view::npos || line.rfind('#', at) == std::string_view::npos) continue;
    std::string_view rest = line.substr(at + 14);
    size_t i = 0;
    while (i < rest.size()) {
      while (i < rest.size() && (rest[i] == ' ' || rest[i] == ',' || rest[i] == '\t'))
        ++i;
      size_t b = i;
      while (i < rest.size() && rest[i] != ' ' && rest[i] != ',' && rest[i] != '\t')
        ++i;
      std::string_view word = rest.substr(b, i - b);
      if (word == d.rule || word == "all") return true;
    }
  }
  return false;
}

void filterInto(Diagnostics& found, const Config& config, std::string_view path, Diagnostics& out) {
  found.sort();
  if (out.empty()) out.reserve(found.all().size());
  // found is one file's, in position order: a repeat sits among the findings
  // kept at the same position, from firstHere on.
  size_t firstHere = out.all().size();
  for (auto& d : found.all()) {
    const RuleInfo* info = findRule(d.rule);
    Severity fallback = info ? info->severity : d.severity;
    if (info && info->milderCases && d.severity > info->severity) fallback = d.severity;
    // Loader and shellcheck severities come with the finding; rules' from the table.
    std::string_view rule = d.rule;
    if (rule == "shellcheck" || rule == "pyflakes" || d.severity == Severity::Note)
      fallback = d.severity;
    std::optional<Severity> s = config.severityOf(d.rule, fallback, path);
    if (!s || ignoredInline(d)) continue;
    const auto& kept = out.all();
    if (firstHere < kept.size() && kept[firstHere].where.begin != d.where.begin)
      firstHere = kept.size();
    bool repeat = false;
    for (size_t i = firstHere; i < kept.size() && !repeat; ++i)
      repeat = kept[i].rule == d.rule && kept[i].message == d.message;
    if (repeat) continue;
    out.report(*s, d.where, std::move(d.rule), std::move(d.message), std::move(d.hint)).notes =
        std::move(d.notes);
  }
}

// The configuration variables to check vars.NAME against: .galley.yml's,
// else those of the repository's actionlint configuration.
std::optional<std::vector<std::string>> configVariables(const LintOptions& options,
                                                        const ActionlintConfig* actionlint) {
  if (options.config.configVariables) return options.config.configVariables;
  if (actionlint) return actionlint->configVariables;
  return std::nullopt;
}

// A note where the repository's actionlint.yaml sets ignore patterns for
// this workflow's path: actionlint would hide findings that galley reports.
void noteActionlintIgnores(const SourceFile& workflow, Repo* repo,
                           const std::vector<ActionlintConfig::Ignores>& ignores,
                           Diagnostics& found) {
  if (ignores.empty()) return;
  // actionlint's globs are relative to the directory that holds .github/:
  // from there, a workflow's path is its last three parts
  // (.github/workflows/ci.yml).
  std::string rel = repo->relativePath(workflow);
  std::string_view path = rel;
  for (size_t i = rel.size(), slashes = 0; i-- > 0;)
    if (rel[i] == '/' && ++slashes == 3) {
      path = path.substr(i + 1);
      break;
    }
  for (const auto& i : ignores) {
    if (!actionlintGlobMatch(i.glob, path)) continue;
    found.report(Severity::Note, i.where, "actionlint-paths",
                 "the ignore patterns actionlint.yaml sets for '" + i.glob +
                     "' are not applied to " + workflow.path() +
                     ": they are regular expressions over actionlint's messages, which "
                     "galley's do not share",
                 "set rules for these paths under lint: paths: in .galley.yml");
    return;
  }
}

bool hasLoadErrors(const Diagnostics& d) {
  for (const auto& x : d.all())
    if (x.severity == Severity::Error && x.rule != "duplicate-key" && x.rule != "yaml-anchor")
      return true;
  return false;
}

// Checks a file's scripts in batches of options.batchScripts, shellcheck
// and pyflakes (separate processes) side by side; their findings join
// found.
void checkScriptsNow(const FileScripts& scripts, const LintOptions& options, Diagnostics& found) {
  auto run = [&options](ScriptLinter linter, const std::vector<Script>& all, Diagnostics& into) {
    size_t step = std::max<size_t>(1, options.batchScripts);
    for (size_t b = 0; b < all.size(); b += step) {
      std::vector<const Script*> batch;
      for (size_t i = b; i < std::min(all.size(), b + step); ++i)
        batch.push_back(&all[i]);
      std::vector<Diagnostics> each(batch.size());
      lintScripts(linter, batch, options, each);
      for (auto& d : each)
        into.append(std::move(d));
    }
  };
  const auto& python = scripts[size_t(ScriptLinter::Pyflakes)];
  Diagnostics pythonFound;
  std::thread pyflakes;
  if (!python.empty())
    pyflakes = std::thread([&] { run(ScriptLinter::Pyflakes, python, pythonFound); });
  run(ScriptLinter::Shellcheck, scripts[size_t(ScriptLinter::Shellcheck)], found);
  if (pyflakes.joinable()) pyflakes.join();
  found.append(std::move(pythonFound));
}

// Lints file up to its scripts: found gets the findings, not yet filtered;
// scripts the run: scripts the script linters are to check.
void lintUnfiltered(const SourceFile& file, FileKind kind, Repo* repo, const LintOptions& options,
                    Diagnostics& found, FileScripts& scripts) {
  std::vector<yaml::Anchor> anchors;
  std::vector<yaml::Node> docs = yaml::loadAll(file, found, {}, &anchors);
  if (options.parseOnly) return;
  yaml::Node empty;
  empty.where = {&file, {1, 1}, {1, 1}};
  const yaml::Node& root = docs.empty() ? empty : docs.front();
  // A file outside .github/workflows that reads as Azure Pipelines is one.
  if (options.forcedKind)
    kind = *options.forcedKind;
  else if (kind == FileKind::Workflow &&
           file.path().find(".github/workflows/") == std::string::npos && docs.size() == 1 &&
           azure::looksLikeAzure(root))
    kind = FileKind::Azure;
  // Azure does not read anchors at all; GitHub does, and an unused one is
  // a leftover.
  if (kind == FileKind::Azure)
    galley::azure::reportAnchors(anchors, found);
  else
    for (const auto& a : anchors)
      if (!a.used)
        found.warning(a.where, "unused-anchor",
                      "anchor '&" + a.name + "' is defined but no alias refers to it",
                      "remove it, or refer to it with '*" + a.name + "'");
  if (hasLoadErrors(found)) return;
  if (docs.size() > 1) {
    found.error(docs[1].where, "yaml-syntax",
                "expected one YAML document, found " + std::to_string(docs.size()));
    return;
  }
  if (kind == FileKind::Azure) {
    azure::lintAzure(root, options, found, scripts[size_t(ScriptLinter::Shellcheck)]);
    return;
  }
  // The repository's actionlint.yaml, read once for every use below.
  std::optional<ActionlintConfig> actionlint;
  if (const SourceFile* f = actionlintConfig(file, repo)) actionlint = readActionlintConfig(*f);
  CheckContext cx{file, repo, options, found, actionlint ? &*actionlint : nullptr};
  if (actionlint && kind == FileKind::Workflow)
    noteActionlintIgnores(file, repo, actionlint->pathIgnores, found);
  JobScopes jobs(root, repo, configVariables(options, cx.actionlint), kind);
  ScalarVisitor visit = [&cx, &jobs](const yaml::Node& n, const SchemaDefinition* def,
                                     bool expression) {
    checkExpressions(n, def, expression, jobs, cx);
  };
  if (root.isNull()) {
    found.error(
        root.where, "missing-key",
        kind == FileKind::Action ? "the action metadata is empty" : "the workflow is empty");
  } else if (kind == FileKind::Action) {
    Schema::action().validate(root, "action-root-strict", "action", found, visit);
    checkActionMetadata(root, cx);
    checkActionSteps(root, cx);
    checkSecurity(root, cx);
    collectScripts(root, options, scripts, found);
  } else {
    Schema::workflow().validate(root, "workflow-root-strict", "workflow", found, visit);
    checkWorkflow(root, cx);
    checkSecurity(root, cx);
    collectScripts(root, options, scripts, found);
  }
}

}  // namespace

void lintFile(const SourceFile& file, FileKind kind, Repo* repo, const LintOptions& options,
              Diagnostics& diags) {
  // The findings before filtering, in storage each thread keeps from file
  // to file: most files have a few, and a fresh vector of them per file
  // costs more allocating than the findings do.
  thread_local Diagnostics found;
  found.clear();
  FileScripts scripts;
  lintUnfiltered(file, kind, repo, options, found, scripts);
  expr::clearParseCache();
  if (options.parseOnly) return;
  checkScriptsNow(scripts, options, found);
  filterInto(found, options.config, file.path(), diags);
}

std::string repoRootOf(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec).parent_path();
  fs::path start = p;
  while (!p.empty()) {
    if (fs::exists(p / ".github", ec) || fs::exists(p / ".git", ec)) return p.string();
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return start.string();
}

namespace {

// Every candidate below root, symlinks followed.
std::vector<std::string> discoverAll(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  // A repository root, or its workflows folder itself.
  fs::path dir = fs::path(root).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  bool isWorkflows = dir.filename() == "workflows" && dir.parent_path().filename() == ".github";
  fs::path wf = isWorkflows ? fs::path(root) : fs::path(root) / ".github" / "workflows";
  if (fs::is_directory(wf, ec))
    // increment(ec), not a range-for: the loop's operator++ throws.
    for (fs::directory_iterator e(wf, ec), end; !ec && e != end; e.increment(ec)) {
      std::string ext = e->path().extension().string();
      if (e->is_regular_file(ec) && (ext == ".yml" || ext == ".yaml"))
        out.push_back(e->path().string());
    }
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (it->is_directory(ec) && (name == ".git" || name == "node_modules")) {
      it.disable_recursion_pending();
      continue;
    }
    if ((name == "action.yml" || name == "action.yaml") && it->is_regular_file(ec))
      out.push_back(it->path().string());
    // Azure Pipelines files: by name, or in a .azure-pipelines folder.
    else if (azure::isAzurePath(it->path().generic_string()) && it->is_regular_file(ec))
      out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Whether path, with every symlink resolved, lies inside the folder `inside`
// (already resolved).
bool resolvesInside(const fs::path& path, const fs::path& inside, fs::path* target) {
  std::error_code ec;
  *target = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto [end, unused] = std::mismatch(inside.begin(), inside.end(), target->begin(), target->end());
  (void)unused;
  return end == inside.end();
}

}  // namespace

std::vector<std::string> discoverFiles(const std::string& root, std::vector<std::string>* skipped) {
  std::vector<std::string> found = discoverAll(root);
  // A repository root, or its workflows folder itself: the repository is
  // the folder above .github then.
  fs::path dir = fs::path(root).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  bool isWorkflows = dir.filename() == "workflows" && dir.parent_path().filename() == ".github";
  std::error_code ec;
  fs::path repo = fs::weakly_canonical(isWorkflows ? dir.parent_path().parent_path() : dir, ec);
  std::vector<std::string> out;
  for (auto& f : found) {
    fs::path target;
    if (!ec && resolvesInside(f, repo, &target)) {
      out.push_back(std::move(f));
    } else if (skipped) {
      skipped->push_back(f + " -> " + target.string());
    }
  }
  return out;
}

namespace {

unsigned threadCount(unsigned threads, size_t files) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return std::min<unsigned>(threads, std::max<size_t>(1, files));
}

// The indexes of paths in the order results are given: by path.
std::vector<size_t> pathOrder(const std::vector<std::string>& paths) {
  std::vector<size_t> order(paths.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return paths[a] < paths[b]; });
  return order;
}

// The scripts of files linted so far that wait for their linter, and the
// files that wait for their scripts. Threads lint files and add their
// scripts; a thread takes a batch once a linter has batchScripts waiting
// (or kBatchBytes), and when no file is left to lint, what remains is
// shared out among the threads. A file's findings are finished (filtered)
// by the thread that checks its last script.
class ScriptQueue {
 public:
  // Scripts of one batch hold at most this many bytes (past the first):
  // the batch's time budget is for a batch of ordinary size.
  static constexpr size_t kBatchBytes = 256 * 1024;

  struct Batch {
    ScriptLinter linter = ScriptLinter::Shellcheck;
    std::vector<std::pair<size_t, const Script*>> scripts;  // file rank, script
  };

  ScriptQueue(size_t files, const LintOptions& options, unsigned threads)
      : pending_(files), options_(options), threads_(threads) {}

  // Keeps file `rank`'s findings until its scripts are checked. False when
  // it has none: the caller finishes it.
  bool add(size_t rank, Diagnostics& found, FileScripts&& scripts) {
    size_t count = 0;
    for (const auto& s : scripts)
      count += s.size();
    if (count == 0) return false;
    auto p = std::make_unique<Pending>();
    p->found = std::move(found);
    p->scripts = std::move(scripts);
    p->left = count;
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t l = 0; l < kScriptLinters; ++l)
      for (const Script& script : p->scripts[l]) {
        waiting_[l].push_back({rank, &script});
        bytes_[l] += script.text.size();
      }
    pending_[rank] = std::move(p);
    return true;
  }

  // A batch to check: a full one, or when drain (no file left to lint) a
  // share of what waits. Empty when there is none.
  Batch take(bool drain) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t l = 0; l < kScriptLinters; ++l) {
      auto& q = waiting_[l];
      size_t most = std::max<size_t>(1, options_.batchScripts);
      bool full = q.size() >= most || bytes_[l] >= kBatchBytes;
      if (q.empty() || (!full && !drain)) continue;
      if (!full) most = std::max<size_t>(1, (q.size() + threads_ - 1) / threads_);
      Batch b;
      b.linter = ScriptLinter(l);
      size_t bytes = 0;
      while (!q.empty() && b.scripts.size() < most && (b.scripts.empty() || bytes < kBatchBytes)) {
        bytes += q.front().second->text.size();
        b.scripts.push_back(q.front());
        q.pop_front();
      }
      bytes_[l] -= bytes;
      return b;
    }
    return {};
  }

  // Checks a batch; each file whose last script it held is filtered into
  // `finished` and handed to done(rank, finished).
  void check(const Batch& b, const std::function<void(size_t, Diagnostics&)>& done) {
    std::vector<const Script*> scripts;
    for (const auto& [rank, s] : b.scripts)
      scripts.push_back(s);
    std::vector<Diagnostics> found(scripts.size());
    lintScripts(b.linter, scripts, options_, found);
    for (size_t i = 0; i < scripts.size(); ++i) {
      size_t rank = b.scripts[i].first;
      Pending& p = *pending_[rank];
      bool last;
      {
        std::lock_guard<std::mutex> lock(p.mu);
        p.found.append(std::move(found[i]));
        last = --p.left == 0;
      }
      if (!last) continue;
      std::unique_ptr<Pending> mine;
      {
        std::lock_guard<std::mutex> lock(mu_);
        mine = std::move(pending_[rank]);
      }
      done(rank, mine->found);
    }
  }

 private:
  struct Pending {
    std::mutex mu;
    Diagnostics found;  // unfiltered
    FileScripts scripts;
    size_t left = 0;  // scripts not yet checked
  };
  std::vector<std::unique_ptr<Pending>> pending_;  // by rank
  const LintOptions& options_;
  unsigned threads_;
  std::mutex mu_;
  std::array<std::deque<std::pair<size_t, const Script*>>, kScriptLinters> waiting_;
  std::array<size_t, kScriptLinters> bytes_{};
};

// Lints paths on `threads` threads, in path order. After each file,
// done(k, t, found) runs on thread t with the findings (filtered, in
// position order) of the k-th file in path order, which it may take; a file
// that cannot be read has one finding that says so. Files come to done out
// of order: those with scripts when their scripts are checked.
using FileDone = std::function<void(size_t rank, unsigned thread, Diagnostics& found)>;
void lintEach(const std::vector<std::string>& paths, Sources& sources, const LintOptions& options,
              unsigned threads, const FileDone& done) {
  std::vector<size_t> order = pathOrder(paths);
  std::mutex repoMu;
  std::map<std::string, std::unique_ptr<DiskRepo>> repos;
  // Files of one directory share a repository: look its root up once.
  std::map<std::string, DiskRepo*, std::less<>> byDirectory;
  auto repoFor = [&](const std::string& path) {
    size_t slash = path.find_last_of('/');
    std::string_view dir = std::string_view(path).substr(0, slash == std::string::npos ? 0 : slash);
    {
      std::lock_guard<std::mutex> lock(repoMu);
      auto it = byDirectory.find(dir);
      if (it != byDirectory.end()) return it->second;
    }
    std::string root = repoRootOf(path);
    std::lock_guard<std::mutex> lock(repoMu);
    auto& r = repos[root];
    if (!r) r = std::make_unique<DiskRepo>(root, sources);
    byDirectory.emplace(std::string(dir), r.get());
    return r.get();
  };
  ScriptQueue queue(order.size(), options, threads);
  std::atomic<size_t> next{0};
  auto work = [&](unsigned t) {
    Diagnostics found, filtered;
    auto finish = [&](size_t k, Diagnostics& raw) {
      filtered.clear();
      filterInto(raw, options.config, paths[order[k]], filtered);
      done(k, t, filtered);
    };
    for (size_t k; (k = next++) < order.size();) {
      const std::string& path = paths[order[k]];
      found.clear();
      FileScripts scripts;
      if (!options.config.ignores(path)) {
        std::string err;
        if (const SourceFile* f = sources.read(path, &err)) {
          lintUnfiltered(*f, kindOf(path), repoFor(path), options, found, scripts);
          expr::clearParseCache();
        } else {
          found.error({}, "io", err);
        }
      }
      if (options.parseOnly) {
        found.clear();
        done(k, t, found);
        continue;
      }
      if (!queue.add(k, found, std::move(scripts))) finish(k, found);
      while (true) {
        ScriptQueue::Batch b = queue.take(false);
        if (b.scripts.empty()) break;
        queue.check(b, finish);
      }
    }
    while (true) {
      ScriptQueue::Batch b = queue.take(true);
      if (b.scripts.empty()) break;
      queue.check(b, finish);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool)
    th.join();
}

}  // namespace

Diagnostics lintPaths(const std::vector<std::string>& paths, Sources& sources,
                      const LintOptions& options, unsigned threads) {
  threads = threadCount(threads, paths.size());
  // One sink per thread; each file's findings are a run in its thread's
  // sink. The result is those runs in path order: no sort of every finding
  // at the end.
  struct Run {
    unsigned thread = 0;
    size_t begin = 0, count = 0;
  };
  std::vector<Run> runs(paths.size());
  std::vector<Diagnostics> sinks(threads);
  lintEach(paths, sources, options, threads, [&](size_t k, unsigned t, Diagnostics& found) {
    runs[k] = {t, sinks[t].all().size(), found.all().size()};
    sinks[t].append(std::move(found));
  });
  Diagnostics all;
  size_t total = 0;
  for (const auto& sink : sinks)
    total += sink.all().size();
  all.reserve(total);
  for (const Run& run : runs) {
    auto& from = sinks[run.thread].all();
    for (size_t i = run.begin; i < run.begin + run.count; ++i)
      all.add(std::move(from[i]));
  }
  return all;
}

bool failsRun(const Diagnostics& found) {
  return std::any_of(found.all().begin(), found.all().end(),
                     [](const Diagnostic& d) { return d.severity != Severity::Note; });
}

bool lintPathsStreamed(const std::vector<std::string>& paths, Sources& sources,
                       const LintOptions& options, unsigned threads, const FileRenderer& render,
                       const TextSink& write) {
  threads = threadCount(threads, paths.size());
  // Each file's findings are rendered on its thread and dropped: kept, the
  // findings of thousands of files would sit among the next files' YAML in
  // the heap and slow every allocation and free after them (a tenth of the
  // run on the realworld corpus). The text is written as soon as the files
  // before it in path order are; the threads take files in that order, so
  // few wait.
  std::vector<std::string> scratch(threads), waiting(paths.size());
  std::vector<char> finished(paths.size(), 0);
  size_t written = 0;
  std::mutex outMu;
  std::atomic<bool> failed{false};
  lintEach(paths, sources, options, threads, [&](size_t k, unsigned t, Diagnostics& found) {
    std::string& text = scratch[t];
    text.clear();
    render(found, text);
    if (failsRun(found)) failed = true;
    std::lock_guard<std::mutex> lock(outMu);
    if (k != written) {
      waiting[k] = text;
      finished[k] = 1;
      return;
    }
    write(text);
    for (++written; written < finished.size() && finished[written]; ++written) {
      write(waiting[written]);
      std::string().swap(waiting[written]);
    }
  });
  return failed;
}

}  // namespace galley::lint

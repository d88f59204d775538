#include "runtime/actions.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/ascii.h"
#include "compiler/expr/template.h"
#include "compiler/lint/glob.h"
#include "compiler/sha256.h"
#include "compiler/yaml.h"
#include "runtime/evaluate.h"
#include "runtime/files.h"
#include "runtime/shell.h"

namespace galley::run {

namespace fs = std::filesystem;

ActionKind actionKind(std::string_view uses, std::string* variant) {
  if (uses.starts_with("./") || uses == ".") return ActionKind::Local;
  if (uses.starts_with("docker://")) return ActionKind::Docker;
  std::string name = lowerCase(uses.substr(0, uses.find('@')));
  if (variant) variant->clear();
  if (name == "actions/checkout") return ActionKind::Checkout;
  if (name == "actions/setup-python") return ActionKind::SetupPython;
  if (name == "actions/setup-node") return ActionKind::SetupNode;
  if (name == "actions/upload-artifact") return ActionKind::UploadArtifact;
  if (name == "actions/download-artifact") return ActionKind::DownloadArtifact;
  if (name == "actions/cache" || name == "actions/cache/restore" || name == "actions/cache/save") {
    if (variant && name.size() > 13) *variant = name.substr(14);
    return ActionKind::Cache;
  }
  return ActionKind::Remote;
}

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

const std::string* input(const ActionCall& call, std::string_view name) {
  for (const auto& [k, v] : call.with)
    if (equalsIgnoreCase(k, name)) return &v;
  return nullptr;
}

std::string inputOr(const ActionCall& call, std::string_view name, std::string fallback) {
  const std::string* v = input(call, name);
  return v && !v->empty() ? *v : fallback;
}

// Runs argv as part of the step, its output in the step's log.
Result runTool(ActionContext& ctx, const ActionCall& call, std::vector<std::string> argv,
               const std::string& cwd, const std::string& what) {
  proc::Spec spec;
  spec.argv = std::move(argv);
  spec.cwd = cwd;
  StepFiles files = ctx.job.files();
  spec.env = ctx.job.env(call.stepEnv, files, {});
  return ctx.job.execute(spec, ctx.info, call.timeout, ctx.record, call.stepId, what);
}

// ---- actions/checkout ----------------------------------------------------

Result checkout(const ActionCall& call, ActionContext& ctx) {
  const HostOptions& o = ctx.job.options();
  if (const std::string* repo = input(call, "repository"))
    if (!repo->empty()) {
      ctx.job.error("actions/checkout of another repository ('" + *repo +
                        "') cannot run offline; clone it in an earlier step",
                    call.where, call.stepId);
      return Result::Failure;
    }
  if (o.inPlace) {
    ctx.job.log(ctx.info,
                "The workspace is the repository itself (--workdir .): nothing to check out.");
    return Result::Success;
  }
  std::string dest = ctx.job.workspace();
  if (const std::string* p = input(call, "path"); p && !p->empty())
    dest = (fs::path(dest) / *p).string();
  std::error_code ec;
  if (fs::exists(dest, ec) && !fs::is_empty(dest, ec)) fs::remove_all(dest, ec);
  fs::create_directories(fs::path(dest).parent_path(), ec);
  std::string ref = inputOr(call, "ref", "");
  std::string sha;
  const expr::Value& github = ctx.job.jobRun().contexts.at("github");
  if (github.kind() == expr::Kind::Object)
    if (const expr::Value* s = github.asObject().find("sha")) sha = asText(*s);
  std::string target = !ref.empty() ? ref : !sha.empty() ? sha : "HEAD";
  ctx.job.log(ctx.info, "Checking out " + target + " of " + o.repoRoot + " (its committed tree)");
  // The repository galley runs for may be a folder of a larger git
  // repository (an example inside a monorepo): then that folder's tree is
  // what GitHub would check out at the root of its own repository.
  std::string top, prefix;
  proc::Result pr;
  proc::capture({"git", "-C", o.repoRoot, "rev-parse", "--show-toplevel", "--show-prefix"}, &top,
                false, std::chrono::seconds(10), &pr);
  if (pr.exitCode != 0 || top.empty()) {
    ctx.job.error(o.repoRoot +
                      " is not in a git repository: actions/checkout copies the committed "
                      "tree at HEAD (run with --workdir . to use the folder as it is)",
                  call.where, call.stepId);
    return Result::Failure;
  }
  std::string commit;
  proc::capture({"git", "-C", o.repoRoot, "rev-parse", "--verify", "--quiet", target + "^{commit}"},
                &commit, false, std::chrono::seconds(10), &pr);
  if (pr.exitCode != 0 || commit.empty()) {
    ctx.job.error(target == "HEAD"
                      ? o.repoRoot +
                            " has no commit yet: actions/checkout copies the committed tree at "
                            "HEAD (commit first, or run with --workdir . to use the folder as it "
                            "is)"
                      : "'" + target + "' names no commit of " + o.repoRoot,
                  call.where, call.stepId);
    return Result::Failure;
  }
  size_t nl = top.find('\n');
  prefix = nl == std::string::npos ? "" : top.substr(nl + 1);
  top = top.substr(0, nl);
  while (!prefix.empty() && (prefix.back() == '\n' || prefix.back() == '/'))
    prefix.pop_back();
  if (prefix.empty()) {
    // A local clone shares the repository's objects: fast, and a real git
    // repository for steps that run git, holding only what is committed.
    Result r = runTool(ctx, call, {"git", "clone", "--quiet", "--no-checkout", top, dest}, "",
                       "actions/checkout");
    if (r != Result::Success) return r;
    return runTool(
        ctx, call,
        {"git", "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", target}, dest,
        "actions/checkout");
  }
  fs::create_directories(dest, ec);
  return runTool(
      ctx, call,
      {"bash", "-c",
       "set -o pipefail; git -C \"$1\" archive --format=tar \"$2:$3\" | tar -x -C \"$4\"",
       "checkout", top, target, prefix, dest},
      "", "actions/checkout");
}

// ---- actions/setup-python, actions/setup-node ------------------------------

std::string probe(ActionContext& ctx, std::vector<std::string> argv) {
  std::string out;
  proc::Result r;
  if (!proc::capture(argv, &out, true, std::chrono::seconds(20), &r) || r.exitCode != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

// Whether version (3.11.2) satisfies spec (3.11, 3.x, 3, >=3.9 is not parsed).
bool versionMatches(const std::string& version, std::string spec) {
  if (spec.empty()) return true;
  if (spec.starts_with("v")) spec = spec.substr(1);
  if (spec.ends_with(".x")) spec = spec.substr(0, spec.size() - 2);
  return version == spec || version.starts_with(spec + ".");
}

Result setupPython(const ActionCall& call, ActionContext& ctx) {
  std::string want = inputOr(call, "python-version", "");
  if (want.empty())
    if (const std::string* f = input(call, "python-version-file"); f && !f->empty()) {
      std::ifstream in(fs::path(ctx.job.workspace()) / *f);
      std::getline(in, want);
    }
  std::string path = ctx.job.path();
  std::vector<std::string> candidates;
  if (!want.empty()) candidates.push_back("python" + want);
  candidates.push_back("python3");
  candidates.push_back("python");
  std::string found, version, seen;
  for (const auto& c : candidates) {
    std::string exe = findProgram(c, path);
    if (exe.empty()) continue;
    std::string v = probe(ctx, {exe, "-c", "import platform; print(platform.python_version())"});
    if (v.empty()) continue;
    if (!seen.empty()) seen += ", ";
    seen += exe + " (" + v + ")";
    if (versionMatches(v, want)) {
      found = exe;
      version = v;
      break;
    }
  }
  if (found.empty()) {
    ctx.job.error("no Python " + want + " on this host" + (seen.empty() ? "" : "; found " + seen) +
                      ". Install it, or ask for a version that is here",
                  call.where, call.stepId);
    return Result::Failure;
  }
  // A virtual environment per job (each job is a fresh machine on GitHub),
  // over the host's packages: pip install goes into it, never into the
  // host's Python, and parallel jobs never install into one another's.
  std::string venv = (fs::path(ctx.job.temp()).parent_path() / "python" / version).string();
  std::error_code ec;
  if (!fs::exists(venv + "/bin/python", ec)) {
    ctx.job.log(ctx.info, "Creating a virtual environment for Python " + version + " in " + venv);
    Result r = runTool(ctx, call, {found, "-m", "venv", "--system-site-packages", venv}, "",
                       "actions/setup-python");
    if (r != Result::Success) {
      ctx.job.error("cannot create a virtual environment with " + found +
                        " (on Debian: apt-get install python3-venv)",
                    call.where, call.stepId);
      return r;
    }
  }
  ctx.job.prependPath(venv + "/bin");
  ctx.job.setJobEnv("VIRTUAL_ENV", venv);
  ctx.job.setJobEnv("pythonLocation", venv);
  ctx.record.outputs["python-version"] = version;
  ctx.record.outputs["python-path"] = venv + "/bin/python";
  ctx.record.outputs["cache-hit"] = "false";
  ctx.job.log(ctx.info, "Using Python " + version + " (" + found + ")");
  return Result::Success;
}

Result setupNode(const ActionCall& call, ActionContext& ctx) {
  std::string want = inputOr(call, "node-version", "");
  std::string exe = findProgram("node", ctx.job.path());
  std::string v = exe.empty() ? "" : probe(ctx, {exe, "--version"});
  if (v.starts_with("v")) v = v.substr(1);
  if (v.empty() || !versionMatches(v, want)) {
    ctx.job.error("no Node.js " + want + " on this host" +
                      (v.empty() ? "" : "; found " + exe + " (" + v + ")"),
                  call.where, call.stepId);
    return Result::Failure;
  }
  ctx.record.outputs["node-version"] = "v" + v;
  ctx.job.log(ctx.info, "Using Node.js " + v + " (" + exe + ")");
  return Result::Success;
}

// ---- artifacts -------------------------------------------------------------

bool validArtifactName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (std::string_view("\":<>|*?\r\n\\/").find(c) != std::string_view::npos) return false;
  return true;
}

// Files under root matching the patterns (negated with '!'), as paths
// relative to root.
std::vector<fs::path> matchFiles(const fs::path& root, const std::vector<std::string>& patterns) {
  std::set<fs::path> out;
  for (const auto& raw : patterns) {
    bool negate = raw.starts_with("!");
    std::string p = negate ? raw.substr(1) : raw;
    fs::path pat = fs::path(p).is_absolute() ? fs::path(p) : root / p;
    pat = pat.lexically_normal();
    std::error_code ec;
    std::vector<fs::path> hits;
    if (p.find_first_of("*?[") == std::string::npos) {
      if (fs::is_regular_file(pat, ec)) {
        hits.push_back(pat);
      } else if (fs::is_directory(pat, ec)) {
        for (auto it = fs::recursive_directory_iterator(pat, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
          if (it->is_regular_file(ec)) hits.push_back(it->path());
      }
    } else {
      // The walk starts at the pattern's literal prefix.
      fs::path base;
      for (const auto& part : pat) {
        if (part.string().find_first_of("*?[") != std::string::npos) break;
        base /= part;
      }
      std::string glob = pat.string();
      for (auto it = fs::recursive_directory_iterator(base, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string s = it->path().string();
        if (lint::globMatch(glob, s) || lint::globMatch(glob + "/**", s))
          hits.push_back(it->path());
      }
    }
    for (auto& h : hits) {
      if (negate)
        out.erase(h);
      else
        out.insert(h);
    }
  }
  return {out.begin(), out.end()};
}

// upload-artifact v4 keeps paths relative to the least common ancestor of
// the patterns' search paths (each pattern up to its first glob segment);
// a lone file's is its folder.
fs::path commonAncestor(const fs::path& root, const std::vector<std::string>& patterns) {
  std::vector<fs::path> search;
  for (const auto& p : patterns) {
    if (p.starts_with("!")) continue;
    fs::path pat = (fs::path(p).is_absolute() ? fs::path(p) : root / p).lexically_normal();
    fs::path base;
    bool glob = false;
    for (const auto& part : pat) {
      if (part.string().find_first_of("*?[") != std::string::npos) {
        glob = true;
        break;
      }
      base /= part;
    }
    std::error_code ec;
    if (!glob && fs::is_regular_file(base, ec)) base = base.parent_path();
    search.push_back(base);
  }
  if (search.empty()) return root;
  fs::path common = search.front();
  for (const auto& dir : search) {
    while (!common.empty() &&
           std::mismatch(common.begin(), common.end(), dir.begin(), dir.end()).first !=
               common.end())
      common = common.parent_path();
  }
  return common;
}

Result uploadArtifact(const ActionCall& call, ActionContext& ctx) {
  std::string name = inputOr(call, "name", "artifact");
  if (!validArtifactName(name)) {
    ctx.job.error(
        "artifact name '" + name + "' is not valid: it cannot hold \" : < > | * ? \\ / CR LF",
        call.where, call.stepId);
    return Result::Failure;
  }
  std::vector<std::string> patterns = inputLines(inputOr(call, "path", ""));
  if (patterns.empty()) {
    ctx.job.error("Input required and not supplied: path", call.where, call.stepId);
    return Result::Failure;
  }
  std::vector<fs::path> files = matchFiles(ctx.job.workspace(), patterns);
  std::string ifNone = inputOr(call, "if-no-files-found", "warn");
  if (files.empty()) {
    std::string msg = "No files were found with the provided path: " + inputOr(call, "path", "") +
                      ". No artifacts will be uploaded.";
    if (ifNone == "error") {
      ctx.job.error(msg, call.where, call.stepId);
      return Result::Failure;
    }
    if (ifNone == "warn") ctx.job.warning(msg, call.where, call.stepId);
    return Result::Success;
  }
  fs::path dest = fs::path(ctx.job.options().artifactsDir) / name;
  std::error_code ec;
  bool overwrite = inputOr(call, "overwrite", "false") == "true";
  if (fs::exists(dest, ec)) {
    if (!overwrite) {
      ctx.job.error(
          "Failed to CreateArtifact: an artifact with this name already exists on the workflow "
          "run: " +
              name,
          call.where, call.stepId);
      return Result::Failure;
    }
    fs::remove_all(dest, ec);
  }
  // Upload under a temporary name, then rename: a reader never sees half an artifact.
  fs::path partial = dest.string() + ".partial-" + std::to_string(getpid());
  fs::path root = commonAncestor(ctx.job.workspace(), patterns);
  uintmax_t bytes = 0;
  for (const auto& f : files) {
    fs::path to = partial / f.lexically_relative(root);
    fs::create_directories(to.parent_path(), ec);
    fs::copy_file(f, to, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      ctx.job.error("cannot copy " + f.string() + " into the artifact: " + ec.message(), call.where,
                    call.stepId);
      return Result::Failure;
    }
    bytes += fs::file_size(f, ec);
  }
  fs::rename(partial, dest, ec);
  if (ec) {
    ctx.job.error("cannot store artifact '" + name + "': " + ec.message(), call.where, call.stepId);
    return Result::Failure;
  }
  ctx.record.outputs["artifact-id"] = name;
  ctx.job.log(ctx.info, "Artifact '" + name + "' holds " + std::to_string(files.size()) +
                            " file(s), " + std::to_string(bytes) + " bytes");
  return Result::Success;
}

Result downloadArtifact(const ActionCall& call, ActionContext& ctx) {
  fs::path store = ctx.job.options().artifactsDir;
  fs::path dest = fs::path(ctx.job.workspace()) / inputOr(call, "path", ".");
  std::string name = inputOr(call, "name", "");
  std::string err;
  std::error_code ec;
  if (!name.empty()) {
    if (!fs::is_directory(store / name, ec)) {
      std::vector<std::string> known;
      for (auto& e : fs::directory_iterator(store, ec))
        if (e.path().filename().string().find(".partial-") == std::string::npos)
          known.push_back(e.path().filename().string());
      ctx.job.error("Unable to download artifact(s): Artifact not found for name: " + name,
                    call.where, call.stepId);
      if (!known.empty()) ctx.job.log(ctx.info, "Artifacts of this run: " + quoteList(known));
      return Result::Failure;
    }
    if (!copyInto(store / name, dest, &err)) {
      ctx.job.error("cannot download '" + name + "': " + err, call.where, call.stepId);
      return Result::Failure;
    }
    ctx.record.outputs["download-path"] = dest.string();
    ctx.job.log(ctx.info, "Downloaded artifact '" + name + "' to " + dest.string());
    return Result::Success;
  }
  std::string pattern = inputOr(call, "pattern", "");
  bool merge = inputOr(call, "merge-multiple", "false") == "true";
  size_t n = 0;
  for (auto& e : fs::directory_iterator(store, ec)) {
    std::string artifact = e.path().filename().string();
    if (artifact.find(".partial-") != std::string::npos) continue;
    if (!pattern.empty() && !lint::globMatch(pattern, artifact)) continue;
    if (!copyInto(e.path(), merge ? dest : dest / artifact, &err)) {
      ctx.job.error("cannot download '" + artifact + "': " + err, call.where, call.stepId);
      return Result::Failure;
    }
    ++n;
  }
  ctx.record.outputs["download-path"] = dest.string();
  ctx.job.log(ctx.info, "Downloaded " + std::to_string(n) + " artifact(s) to " + dest.string());
  return Result::Success;
}

// ---- actions/cache ---------------------------------------------------------

std::string cacheEntry(const std::string& key) {
  return sha256Hex(key).substr(0, 32);
}

// The entry for key, or the newest whose key starts with one of the
// restore keys, in their order.
std::string findCache(const fs::path& root, const std::string& key,
                      const std::vector<std::string>& restoreKeys, std::string* matched) {
  std::error_code ec;
  if (fs::is_directory(root / cacheEntry(key) / "files", ec)) {
    *matched = key;
    return (root / cacheEntry(key)).string();
  }
  for (const auto& prefix : restoreKeys) {
    fs::path best;
    fs::file_time_type newest{};
    std::string bestKey;
    for (auto& e : fs::directory_iterator(root, ec)) {
      std::ifstream in(e.path() / "key");
      std::string k;
      std::getline(in, k);
      if (!k.starts_with(prefix)) continue;
      auto t = fs::last_write_time(e.path(), ec);
      if (best.empty() || t > newest) {
        best = e.path();
        newest = t;
        bestKey = k;
      }
    }
    if (!best.empty()) {
      *matched = bestKey;
      return best.string();
    }
  }
  return "";
}

Result saveCache(const fs::path& root, const std::string& key,
                 const std::vector<std::string>& paths, ActionContext& ctx,
                 const std::string& stepId, Location where) {
  std::error_code ec;
  fs::path entry = root / cacheEntry(key);
  if (fs::exists(entry, ec)) {
    ctx.job.log(ctx.info, "Cache entry for key '" + key + "' exists; not saving");
    return Result::Success;
  }
  fs::path partial = entry.string() + ".partial-" + std::to_string(getpid());
  for (const auto& p : paths) {
    fs::path from = fs::path(p).is_absolute() ? fs::path(p) : fs::path(ctx.job.workspace()) / p;
    if (!fs::exists(from, ec)) continue;
    fs::path rel = fs::path(p).is_absolute() ? fs::path(p).relative_path() : fs::path(p);
    fs::path to = partial / "files" / rel;
    fs::create_directories(to.parent_path(), ec);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  }
  fs::create_directories(partial / "files", ec);
  std::ofstream(partial / "key") << key << '\n';
  fs::rename(partial, entry, ec);
  if (ec) {
    fs::remove_all(partial, ec);
    ctx.job.warning("Failed to save the cache for key '" + key + "'", where, stepId);
    return Result::Success;
  }
  ctx.job.log(ctx.info, "Cache saved with key: " + key);
  return Result::Success;
}

Result cache(const ActionCall& call, ActionContext& ctx, const std::string& variant) {
  std::string key = inputOr(call, "key", "");
  if (key.empty()) {
    ctx.job.error("Input required and not supplied: key", call.where, call.stepId);
    return Result::Failure;
  }
  std::vector<std::string> paths = inputLines(inputOr(call, "path", ""));
  if (paths.empty()) {
    ctx.job.error("Input required and not supplied: path", call.where, call.stepId);
    return Result::Failure;
  }
  fs::path root = ctx.job.options().cacheDir + "/actions-cache";
  std::error_code ec;
  fs::create_directories(root, ec);
  if (variant == "save") return saveCache(root, key, paths, ctx, call.stepId, call.where);

  std::string matched;
  std::string entry = findCache(root, key, inputLines(inputOr(call, "restore-keys", "")), &matched);
  bool exact = !entry.empty() && matched == key;
  if (!entry.empty()) {
    for (const auto& p : paths) {
      fs::path rel = fs::path(p).is_absolute() ? fs::path(p).relative_path() : fs::path(p);
      fs::path from = fs::path(entry) / "files" / rel;
      fs::path to = fs::path(p).is_absolute() ? fs::path(p) : fs::path(ctx.job.workspace()) / p;
      if (!fs::exists(from, ec)) continue;
      fs::create_directories(to.parent_path(), ec);
      fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    }
    ctx.job.log(ctx.info, "Cache restored from key: " + matched);
    ctx.record.outputs["cache-matched-key"] = matched;
  } else {
    ctx.job.log(ctx.info, "Cache not found for input keys: " + key);
  }
  ctx.record.outputs["cache-hit"] = exact ? "true" : "false";
  ctx.record.outputs["cache-primary-key"] = key;
  if (variant.empty() && !exact) {
    PostStep post;
    post.stepId = call.stepId;
    post.name = call.uses;
    post.condition = "success()";
    post.where = call.where;
    post.run = [root, key, paths, call](ActionContext& c) {
      return saveCache(root, key, paths, c, call.stepId, call.where);
    };
    ctx.job.addPost(std::move(post));
  }
  return Result::Success;
}

// ---- local actions ---------------------------------------------------------

struct ActionFile {
  Sources sources;
  std::optional<yaml::Node> root;
  std::string dir;
};

// The action in dir. Its positions name the file as the repository does
// (act/action.yml) when dir is in the job's workspace, a copy of it.
bool readAction(const std::string& dir, const std::string& workspace, ActionFile* out,
                std::string* err) {
  out->dir = dir;
  for (const char* name : {"action.yml", "action.yaml"}) {
    std::string path = dir + "/" + name;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    std::string text;
    if (readRegularFile(path, kMaxSourceBytes, &text, err) != ReadResult::Ok) return false;
    fs::path inside = fs::path(path).lexically_proximate(workspace);
    bool underWorkspace = !inside.empty() && *inside.begin() != "..";
    const SourceFile* f =
        out->sources.add(underWorkspace ? inside.generic_string() : path, std::move(text));
    Diagnostics diags;
    out->root = yaml::load(*f, diags);
    if (!out->root || diags.hasErrors() || !out->root->isMapping()) {
      *err = diags.hasErrors() ? diags.all()[0].message : "not a mapping";
      *err = path + ": " + *err;
      return false;
    }
    return true;
  }
  *err = "no action.yml or action.yaml in " + dir;
  return false;
}

std::string scalarOf(const yaml::Node* n) {
  return n && n->isScalar() ? n->value : "";
}

// The `inputs` context of an action: what `with:` gives, else the default.
Pairs actionInputs(const yaml::Node& root, const ActionCall& call, ActionContext& ctx, bool* ok) {
  Pairs out;
  *ok = true;
  if (const yaml::Node* inputs = root.find("inputs"); inputs && inputs->isMapping())
    for (const auto& e : inputs->entries) {
      const std::string* given = input(call, e.key.value);
      if (given) {
        out.emplace_back(e.key.value, *given);
        continue;
      }
      const yaml::Node* def = e.value.isMapping() ? e.value.find("default") : nullptr;
      std::string v;
      if (def) {
        expr::EvalHost host;
        EvalError err;
        if (!evaluateString(*def, ctx.job.contextsFor(call.stepEnv), host, &v, &err)) {
          ctx.job.error(err.message, err.where, call.stepId);
          *ok = false;
        }
      } else if (e.value.isMapping() && e.value.find("required") &&
                 e.value.find("required")->asBool().value_or(false)) {
        ctx.job.warning("Input required and not supplied: " + e.key.value, call.where, call.stepId);
      }
      out.emplace_back(e.key.value, v);
    }
  for (const auto& [k, v] : call.with) {
    bool known = false;
    for (const auto& kv : out)
      known |= equalsIgnoreCase(kv.first, k);
    if (!known) out.emplace_back(k, v);
  }
  return out;
}

std::string inputEnvName(const std::string& name) {
  std::string s = "INPUT_";
  for (char c : name)
    s += c == ' ' ? '_' : char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

expr::Value withReplaced(const expr::Value& contexts,
                         const std::map<std::string, expr::Value>& repl) {
  expr::Object o;
  for (const auto& [k, v] : repl)
    o.add(k, v);
  for (const auto& [k, v] : contexts.asObject().entries())
    o.add(k, v);
  return expr::Value::object(std::move(o));
}

// The github context with action_path set: inside a composite action it is
// the action's directory, as GITHUB_ACTION_PATH is.
expr::Value withActionPath(const expr::Value& contexts, const std::string& actionPath) {
  const expr::Value* github = contexts.asObject().find("github");
  if (!github || github->kind() != expr::Kind::Object) return github ? *github : expr::Value();
  expr::Object o;
  o.add("action_path", expr::Value::string(actionPath));
  for (const auto& [k, v] : github->asObject().entries())
    o.add(k, v);
  return expr::Value::object(std::move(o));
}

Result runNode(const ActionCall& call, ActionContext& ctx, const ActionFile& action,
               const Pairs& inputs, const yaml::Node& runs, const std::string& actionPath) {
  std::string node = findProgram("node", ctx.job.path());
  if (node.empty()) {
    ctx.job.error("JavaScript action '" + call.uses + "' needs node, which is not installed",
                  call.where, call.stepId);
    return Result::Failure;
  }
  Pairs extra;
  for (const auto& [k, v] : inputs)
    extra.emplace_back(inputEnvName(k), v);
  extra.emplace_back("GITHUB_ACTION_PATH", actionPath);
  extra.emplace_back("GITHUB_ACTION", call.stepId);
  std::string scope = call.stepId + "\n";
  std::string dir = action.dir;
  auto runScript = std::make_shared<std::function<Result(ActionContext&, const std::string&)>>(
      [node, extra, dir, call, scope](ActionContext& c, const std::string& script) {
        Pairs env = extra;
        for (const auto& [k, v] : c.job.state())
          if (k.starts_with(scope)) env.emplace_back("STATE_" + k.substr(scope.size()), v);
        proc::Spec spec;
        spec.argv = {node, (fs::path(dir) / script).string()};
        spec.cwd = c.job.workspace();
        StepFiles files = c.job.files();
        spec.env = c.job.env(call.stepEnv, files, env);
        Result r = c.job.execute(spec, c.info, call.timeout, c.record, call.stepId, call.uses);
        if (!c.job.applyFiles(files, c.info, c.record, call.stepId, scope)) r = Result::Failure;
        return r;
      });
  std::string pre = scalarOf(runs.find("pre"));
  if (!pre.empty())
    ctx.job.warning("pre: of a local action is not run (as on GitHub)", call.where, call.stepId);
  Result r = (*runScript)(ctx, scalarOf(runs.find("main")));
  std::string post = scalarOf(runs.find("post"));
  if (!post.empty()) {
    PostStep p;
    p.stepId = call.stepId;
    p.name = call.uses;
    std::string postIf = scalarOf(runs.find("post-if"));
    p.condition = postIf.empty() ? "always()" : postIf;
    p.where = call.where;
    p.run = [runScript, post](ActionContext& c) { return (*runScript)(c, post); };
    ctx.job.addPost(std::move(p));
  }
  return r;
}

Result runComposite(const ActionCall& call, ActionContext& ctx, const ActionFile& action,
                    const Pairs& inputs, const yaml::Node& runs, const std::string& actionPath) {
  if (call.depth > 9) {
    ctx.job.error("composite actions nest more than 10 deep", call.where, call.stepId);
    return Result::Failure;
  }
  const yaml::Node* steps = runs.find("steps");
  if (!steps || !steps->isSequence()) {
    ctx.job.error("composite action '" + call.uses + "' has no steps", call.where, call.stepId);
    return Result::Failure;
  }
  expr::Object inputsObj;
  for (const auto& [k, v] : inputs)
    inputsObj.add(k, expr::Value::string(v));
  expr::Value inputsCtx = expr::Value::object(std::move(inputsObj));
  std::map<std::string, StepOutcome> inner;
  bool failed = false;
  int generated = 0;
  for (const yaml::Node& s : steps->items) {
    if (!s.isMapping()) continue;
    std::string id = scalarOf(s.find("id"));
    if (id.empty()) id = "__composite_" + std::to_string(++generated);
    expr::Value base = ctx.job.contextsFor(call.stepEnv);
    std::map<std::string, expr::Value> repl{{"inputs", inputsCtx},
                                            {"steps", stepsContext(inner)},
                                            {"github", withActionPath(base, actionPath)}};
    expr::Value contexts = withReplaced(base, repl);
    class Host final : public expr::EvalHost {
     public:
      explicit Host(expr::JobStatus s) : s_(s) {}
      expr::JobStatus status() const override { return s_; }
      expr::JobStatus s_;
    } host(failed ? expr::JobStatus::Failure : ctx.job.jobStatus());
    StepOutcome& record = inner[id];
    EvalError err;
    bool go = true;
    wf::Text cond;
    if (const yaml::Node* c = s.find("if")) cond = {c->value, c->where};
    if (!evaluateCondition(cond, contexts, host, &go, &err)) {
      ctx.job.error(err.message, err.where, call.stepId);
      return Result::Failure;
    }
    if (!go) {
      record.outcome = record.conclusion = Result::Skipped;
      continue;
    }
    Pairs env = call.stepEnv;
    if (const yaml::Node* e = s.find("env")) {
      Pairs more;
      if (!evaluateMap(*e, contexts, host, &more, &err)) {
        ctx.job.error(err.message, err.where, call.stepId);
        return Result::Failure;
      }
      for (auto& kv : more)
        env.push_back(kv);
    }
    bool coe = false;
    if (const yaml::Node* c = s.find("continue-on-error")) {
      expr::Value v;
      if (evaluate(*c, contexts, host, &v, &err)) coe = expr::truthy(v);
    }
    Result outcome;
    if (const yaml::Node* run = s.find("run")) {
      std::string script, shellName, wd;
      if (!evaluateString(*run, contexts, host, &script, &err) ||
          (s.find("shell") &&
           !evaluateString(*s.find("shell"), contexts, host, &shellName, &err)) ||
          (s.find("working-directory") &&
           !evaluateString(*s.find("working-directory"), contexts, host, &wd, &err))) {
        ctx.job.error(err.message, err.where, call.stepId);
        return Result::Failure;
      }
      if (shellName.empty()) {
        ctx.job.error("a composite action's run step needs shell:", run->where, call.stepId);
        return Result::Failure;
      }
      ShellCommand shell;
      std::string why;
      if (!githubShell(shellName, ctx.job.path(), &shell, &why)) {
        ctx.job.error(why, s.find("shell")->where, call.stepId);
        return Result::Failure;
      }
      std::string file = ctx.job.temp() + "/composite-" + std::to_string(::getpid()) + "-" + id +
                         std::to_string(reinterpret_cast<uintptr_t>(&record)) + shell.extension;
      std::ofstream(file, std::ios::binary) << shell.prologue << script << shell.epilogue;
      proc::Spec spec;
      spec.argv = shellArgv(shell, file);
      spec.cwd = (fs::path(ctx.job.workspace()) / wd).string();
      StepFiles files = ctx.job.files();
      spec.env = ctx.job.env(env, files, {{"GITHUB_ACTION_PATH", actionPath}});
      outcome = ctx.job.execute(spec, ctx.info, call.timeout, record, call.stepId, call.uses);
      std::remove(file.c_str());
      if (!ctx.job.applyFiles(files, ctx.info, record, call.stepId, call.stepId + "\n"))
        outcome = Result::Failure;
    } else if (const yaml::Node* uses = s.find("uses")) {
      ActionCall nested;
      nested.uses = uses->value;
      nested.where = uses->where;
      nested.stepId = call.stepId;
      nested.stepEnv = env;
      nested.timeout = call.timeout;
      nested.depth = call.depth + 1;
      if (const yaml::Node* w = s.find("with"))
        if (!evaluateMap(*w, contexts, host, &nested.with, &err)) {
          ctx.job.error(err.message, err.where, call.stepId);
          return Result::Failure;
        }
      ActionContext nestedCtx{ctx.job, ctx.info, record};
      outcome = runActionStep(nested, nestedCtx);
    } else {
      ctx.job.error("a composite action step needs run: or uses:", s.where, call.stepId);
      return Result::Failure;
    }
    record.outcome = outcome;
    record.conclusion = outcome == Result::Failure && coe ? Result::Success : outcome;
    if (record.conclusion == Result::Failure) failed = true;
  }
  // The action's outputs: `value:` read with the composite's steps.
  if (const yaml::Node* outputs = action.root->find("outputs"); outputs && outputs->isMapping()) {
    expr::Value contexts = withReplaced(ctx.job.contextsFor(call.stepEnv),
                                        {{"inputs", inputsCtx}, {"steps", stepsContext(inner)}});
    expr::EvalHost host;
    for (const auto& e : outputs->entries) {
      const yaml::Node* value = e.value.isMapping() ? e.value.find("value") : nullptr;
      if (!value) continue;
      std::string v;
      EvalError err;
      if (evaluateString(*value, contexts, host, &v, &err)) ctx.record.outputs[e.key.value] = v;
    }
  }
  return failed ? Result::Failure : Result::Success;
}

Result localAction(const ActionCall& call, ActionContext& ctx, const std::string& dir) {
  ActionFile action;
  std::string err;
  if (!readAction(dir, ctx.job.workspace(), &action, &err)) {
    ctx.job.error("cannot read action '" + call.uses + "': " + err, call.where, call.stepId);
    return Result::Failure;
  }
  const yaml::Node* runs = action.root->find("runs");
  std::string using_ = runs && runs->isMapping() ? lowerCase(scalarOf(runs->find("using"))) : "";
  bool ok = true;
  Pairs inputs = actionInputs(*action.root, call, ctx, &ok);
  if (!ok) return Result::Failure;
  if (using_ == "composite") return runComposite(call, ctx, action, inputs, *runs, dir);
  if (using_.starts_with("node")) return runNode(call, ctx, action, inputs, *runs, dir);
  if (using_ == "docker") {
    ctx.job.error("Docker action '" + call.uses +
                      "' cannot run: galley runs steps on the host, without Docker",
                  call.where, call.stepId);
    return Result::Failure;
  }
  ctx.job.error(
      "action '" + call.uses + "' has runs.using '" + using_ + "', which galley does not know",
      call.where, call.stepId);
  return Result::Failure;
}

}  // namespace

expr::Value stepsContext(const std::map<std::string, StepOutcome>& steps) {
  expr::Object o;
  for (const auto& [id, s] : steps) {
    expr::Object entry, outputs;
    for (const auto& [k, v] : s.outputs)
      outputs.add(k, expr::Value::string(v));
    entry.add("outputs", expr::Value::object(std::move(outputs)));
    entry.add("outcome", expr::Value::string(resultName(s.outcome)));
    entry.add("conclusion", expr::Value::string(resultName(s.conclusion)));
    o.add(id, expr::Value::object(std::move(entry)));
  }
  return expr::Value::object(std::move(o));
}

Result runActionStep(const ActionCall& call, ActionContext& ctx) {
  std::string variant;
  switch (actionKind(call.uses, &variant)) {
    case ActionKind::Checkout:
      return checkout(call, ctx);
    case ActionKind::SetupPython:
      return setupPython(call, ctx);
    case ActionKind::SetupNode:
      return setupNode(call, ctx);
    case ActionKind::UploadArtifact:
      return uploadArtifact(call, ctx);
    case ActionKind::DownloadArtifact:
      return downloadArtifact(call, ctx);
    case ActionKind::Cache:
      return cache(call, ctx, variant);
    case ActionKind::Local:
      return localAction(call, ctx,
                         (fs::path(ctx.job.workspace()) / call.uses).lexically_normal().string());
    case ActionKind::Docker:
      ctx.job.error("Docker actions cannot run: galley runs steps on the host, without Docker",
                    call.where, call.stepId);
      return Result::Failure;
    case ActionKind::Remote: {
      auto it = ctx.job.options().actionDirs.find(call.uses);
      if (it == ctx.job.options().actionDirs.end()) {
        ctx.job.error("remote action '" + call.uses + "' has no local clone (--action-dir " +
                          call.uses + "=PATH)",
                      call.where, call.stepId);
        return Result::Failure;
      }
      // owner/repo/sub/path@ref: the action sits in sub/path of the clone.
      std::string spec = call.uses.substr(0, call.uses.find('@'));
      size_t slash = spec.find('/', spec.find('/') + 1);
      std::string sub = slash == std::string::npos ? "" : spec.substr(slash + 1);
      return localAction(call, ctx, (fs::path(it->second) / sub).string());
    }
  }
  return Result::Failure;
}

bool hashWorkspaceFiles(const std::string& workspace, std::span<const std::string> patterns,
                        std::string* hash, std::string* err) {
  std::vector<std::string> pats(patterns.begin(), patterns.end());
  std::vector<fs::path> files = matchFiles(workspace, pats);
  if (files.empty()) {
    *hash = "";
    return true;
  }
  std::string all;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    all += sha256Bytes(s.str());
  }
  *hash = sha256Hex(all);
  return true;
}

std::vector<std::string> inputLines(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find_first_not_of(" \t\r");
    if (a == std::string::npos) continue;
    size_t b = line.find_last_not_of(" \t\r");
    out.push_back(line.substr(a, b - a + 1));
  }
  return out;
}

}  // namespace galley::run

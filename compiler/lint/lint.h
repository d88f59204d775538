// galley lint: checks GitHub Actions workflows and action metadata.
//
// One file at a time: load → schema (keys, types, allowed values) → workflow
// model (needs, ids, runners, events, inputs, actions...) → security audits →
// scripts through shellcheck and pyflakes. Every check reports into the caller's
// Diagnostics and carries on. lintFile is thread-safe as long as each thread
// passes its own Diagnostics; the Repo and Sources it reads are shared.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/lint/config.h"
#include "compiler/source.h"
#include "compiler/yaml.h"

namespace galley::lint {

// Files of the repository a workflow refers to: local actions
// (`uses: ./path`) and local reusable workflows. Paths are relative to the
// repository root, without a leading "./". Thread-safe.
class Repo {
 public:
  virtual ~Repo() = default;
  // The file, or nullptr when it does not exist or cannot be read.
  virtual const SourceFile* read(const std::string& relPath) = 0;
  // The path of `file` relative to the repository root, or "" when it is not
  // a file of this repository.
  virtual std::string relativePath(const SourceFile& file) = 0;
};

// A repository on disk, read through a shared Sources; caches each path.
class DiskRepo : public Repo {
 public:
  DiskRepo(std::string root, Sources& sources);
  const SourceFile* read(const std::string& relPath) override;
  std::string relativePath(const SourceFile& file) override;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::string cwd_;          // read once
  std::string rootPrefix_;   // the root, absolute and normalised, with a slash at the end
  std::string shownPrefix_;  // the root as files read from it are named: from the cwd if below it
  Sources& sources_;
  std::mutex mu_;
  std::map<std::string, const SourceFile*> cache_;
};

// An in-memory repository for tests and standard input.
class MemoryRepo : public Repo {
 public:
  explicit MemoryRepo(Sources& sources) : sources_(sources) {}
  // Adds a file; returns it, to lint it as a file of this repository.
  const SourceFile* add(const std::string& relPath, std::string text);
  const SourceFile* read(const std::string& relPath) override;
  std::string relativePath(const SourceFile& file) override;

 private:
  Sources& sources_;
  std::mutex mu_;
  std::map<std::string, const SourceFile*> files_;
};

enum class FileKind { Workflow, Action, Azure };

// action.yml / action.yaml are action metadata; azure-pipelines*.yml and
// files under .azure-pipelines/ Azure Pipelines files; everything else a
// workflow, until its content says it is an Azure file (lintFile looks).
FileKind kindOf(std::string_view path);

struct LintOptions {
  Config config;
  // Every file is linted as this kind, whatever its path or content says
  // (--kind).
  std::optional<FileKind> forcedKind;
  // Path of the shellcheck binary; empty disables script checks.
  std::string shellcheck;
  // Path of the pyflakes binary; empty disables Python script checks.
  std::string pyflakes;
  // Azure files: repository resource alias -> local folder (--repo
  // ALIAS=PATH), so that templates included as `path@alias` are checked.
  std::map<std::string, std::string> repositories;
  // Only load the YAML (benchmarks: the cost of parsing alone, same threads).
  bool parseOnly = false;
  // Azure files: only the schema check (benchmarks, against ajv).
  bool schemaOnly = false;
  // The script linters' budgets. A script larger than scriptBytes is not
  // given to them (a note says so); a linter process still running
  // batchTimeout after it started is killed, and each script it was given
  // gets a note that it was not checked.
  size_t scriptBytes = 64 * 1024;
  std::chrono::milliseconds batchTimeout{30000};
  // How many scripts one linter process is given at most: start-up is most
  // of a linter's cost on a short script, so many files' scripts share one.
  size_t batchScripts = 200;
  // Benchmarks: write each script a linter would be given into this
  // directory (N.sh, N.py) instead of running the linter.
  std::string writeScriptsTo;
};

// Whether lint knows a runner label without configuration: a GitHub-hosted
// one, or one every self-hosted runner has (self-hosted, linux, x64...).
bool knownRunnerLabel(std::string_view label);

// Lints one file. `repo` may be nullptr (no local actions or workflows are
// then checked). Findings pass through options.config (rules off, severities,
// inline `# galley-ignore: RULE` comments) before they reach diags.
void lintFile(const SourceFile& file, FileKind kind, Repo* repo, const LintOptions& options,
              Diagnostics& diags);

// Lints many files on `threads` threads (0: all cores), each with its own
// sink; returns the merged findings sorted by file and position. Files that
// cannot be read get a diagnostic of their own.
Diagnostics lintPaths(const std::vector<std::string>& paths, Sources& sources,
                      const LintOptions& options, unsigned threads = 0);

// Whether findings fail a run: any of them more than a note.
bool failsRun(const Diagnostics& found);

// Renders one file's findings (filtered, in position order) as text.
using FileRenderer = std::function<void(const Diagnostics& found, std::string& text)>;
// Takes rendered text, in path order.
using TextSink = std::function<void(std::string_view text)>;

// As lintPaths, but hands each file's findings as `render` renders them to
// `write`, file by file in the same order: each file's rendered on the
// thread that linted it and written as soon as the files before it are;
// keeps none. Returns whether any finding is more than a note (the run
// fails).
bool lintPathsStreamed(const std::vector<std::string>& paths, Sources& sources,
                       const LintOptions& options, unsigned threads, const FileRenderer& render,
                       const TextSink& write);

// The workflow and action files of a repository: .github/workflows/*.{yml,yaml}
// and every action.yml / action.yaml below root (skipping .git and
// node_modules), sorted. Given a .github/workflows folder, its workflows.
// A file that resolves (through symlinks) outside the repository, such as a
// workflow linked to /etc/passwd, is left out and, when skipped is given,
// named there as "PATH -> TARGET".
std::vector<std::string> discoverFiles(const std::string& root,
                                       std::vector<std::string>* skipped = nullptr);

// The repository root of a file: the nearest ancestor directory holding
// .github or .git, else the file's directory.
std::string repoRootOf(const std::string& path);

}  // namespace galley::lint

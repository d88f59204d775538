#include "tests/fuzz/targets.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/azure/expand.h"
#include "compiler/compile.h"
#include "compiler/expr/azure.h"
#include "compiler/expr/checker.h"
#include "compiler/expr/evaluator.h"
#include "compiler/lint/lint.h"
#include "compiler/shell_quoting.h"
#include "compiler/yaml.h"

namespace galley::fuzz {

namespace {

// A host that never touches the disk (hashFiles would walk the working
// folder).
class QuietHost : public expr::EvalHost {
 public:
  bool hashFiles(std::span<const std::string>, std::string* hash, std::string*) override {
    *hash = "";
    return true;
  }
};

const expr::Value& contexts() {
  static const expr::Value value = [] {
    expr::Value v;
    std::string err;
    expr::parseJson(
        R"({"github": {"ref": "refs/heads/main", "event": {"pull_request": {"title": "t"}}},
            "matrix": {"n": [1, 2, {"a": null}]}, "env": {"X": "1"}, "inputs": {"b": true}})",
        &v, &err);
    return v;
  }();
  return value;
}

void yaml(std::string_view input) {
  Sources sources;
  Diagnostics diags;
  yaml::loadAll(*sources.add("fuzz.yml", std::string(input)), diags);
}

void expression(std::string_view input) {
  if (input.empty()) return;
  std::string_view text = input.substr(1);
  if (input[0] & 1) {
    expr::azure::Host host;
    expr::azure::evaluate(text, contexts(), host);
    return;
  }
  QuietHost host;
  expr::evaluateText(text, contexts(), host);
  static const std::vector<std::string> names = {"github", "matrix", "env",
                                                 "inputs", "steps",  "needs"};
  expr::Scope scope;
  scope.contexts = names;
  Diagnostics diags;
  expr::checkExpression(
      text, [](size_t, size_t) { return Location{}; }, scope, diags);
}

// compile reads galley.yml from disk: one folder per process.
void compile(std::string_view input) {
  static const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("galley-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "galley.yml", std::ios::binary) << input; }
  CompileOptions options;
  options.file = (dir / "galley.yml").string();
  Sources sources;
  Diagnostics diags;
  galley::compile(options, sources, diags);
}

void lint(std::string_view input) {
  if (input.empty()) return;
  Sources sources;
  lint::MemoryRepo repo(sources);
  bool action = input[0] & 1;
  const SourceFile* f =
      repo.add(action ? "action.yml" : ".github/workflows/fuzz.yml", std::string(input.substr(1)));
  Diagnostics diags;
  lint::lintFile(*f, action ? lint::FileKind::Action : lint::FileKind::Workflow, &repo, {}, diags);
}

void shell(std::string_view input) {
  ShellQuoting q;
  size_t id = 0;
  for (char c : input) {
    if (c == '\x01') {
      q.expansion("X", id % 2 == 0);
      q.reference(id++);
      q.feed('x');
    } else {
      q.feed(c);
    }
  }
  q.feed('\n');
  (void)q.arithmeticReferences();
}

// Template files in memory: the input's NUL-separated pieces after the
// first are t1.yml, t2.yml, ... beside the pipeline.
class PieceFiles : public azure::TemplateFiles {
 public:
  PieceFiles(Sources& sources, std::vector<std::string> pieces)
      : sources_(sources), pieces_(std::move(pieces)) {}
  const SourceFile* read(const std::string& path, std::string* err) override {
    for (size_t i = 1; i < pieces_.size(); ++i)
      if (path == "f/t" + std::to_string(i) + ".yml") return sources_.add(path, pieces_[i]);
    *err = "no such file";
    return nullptr;
  }

 private:
  Sources& sources_;
  std::vector<std::string> pieces_;
};

void azureExpand(std::string_view input) {
  std::vector<std::string> pieces(1);
  for (char c : input) {
    if (c == '\0')
      pieces.emplace_back();
    else
      pieces.back() += c;
  }
  Sources sources;
  PieceFiles files(sources, pieces);
  azure::ExpandOptions options;
  options.files = &files;
  options.selfRoot = "f";
  options.repositories["r"] = "f";
  // Small limits keep each run fast; the limits themselves are what a
  // hostile input should run into.
  options.limits.maxBytes = 1u << 20;
  options.limits.maxNodes = 100'000;
  Diagnostics diags;
  azure::expand(*sources.add("f/pipeline.yml", pieces[0]), options, sources, diags);
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {{"yaml", yaml},       {"expr", expression},
                                          {"compile", compile}, {"lint", lint},
                                          {"shell", shell},     {"azure", azureExpand}};
  return all;
}

}  // namespace galley::fuzz

#include "tests/fuzz/targets.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/azure/expand.h"
#include "compiler/compile.h"
#include "compiler/expr/azure.h"
#include "compiler/expr/checker.h"
#include "compiler/expr/evaluator.h"
#include "compiler/lint/lint.h"
#include "compiler/process.h"
#include "compiler/shell_quoting.h"
#include "compiler/yaml.h"
#include "runtime/commands.h"
#include "runtime/masker.h"

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

// The bash contexts a recipe's script may put a reference in ('@' marks
// it), each with the output bash must print when the reference's value is v.
struct QuotingCase {
  const char* script;
  std::string (*expected)(const std::string& v);
};

std::string same(const std::string& v) {
  return v;
}
std::string wrapped(const std::string& v) {
  return "a" + v + "b";
}
std::string heredocLine(const std::string& v) {
  return "a" + v + "b\n";
}
std::string trimmedNewlines(const std::string& v) {
  return v.substr(0, v.find_last_not_of('\n') + 1);
}
std::string ok(const std::string&) {
  return "ok";
}

const QuotingCase kQuotingCases[] = {
    {"printf '%s' @", same},
    {"printf '%s' \"a@b\"", wrapped},
    {"printf '%s' 'a@b'", wrapped},
    {"printf '%s' a@b", wrapped},
    {"while IFS= read -r l; do printf '%s\\n' \"$l\"; done <<EOF\na@b\nEOF", heredocLine},
    {"printf '%s' \"$(printf '%s' @)\"", trimmedNewlines},
    {"# don't\nprintf '%s' @", same},
    {"# say \"hi\nprintf '%s' @", same},
    {"printf '%s' \"${GALLEY_UNSET:-@}\"", same},
    {"v=@; printf '%s' \"$v\"", same},
    {"case @ in *) printf ok ;; esac", ok},
    {"[[ @ == @ ]] && printf ok", ok},
    {"f() { printf '%s' \"$1\"; }; f @", same},
};

// Differential: the scanner's rewriting of each context, run by bash with
// the value in the environment, must print exactly what the context means,
// whatever the value: nothing split, globbed, expanded twice or executed.
// (A reference the compiler refuses, in arithmetic or in a quoted
// here-document, is skipped: there is nothing to run.)
void quoting(std::string_view input) {
  std::string value;
  for (char c : input)
    if (c != '\0') value += c;  // the environment cannot carry NUL
  std::string script = "set -e\n";
  std::vector<std::string> expected;
  for (const QuotingCase& c : kQuotingCases) {
    ShellQuoting q;
    std::string body;
    size_t refs = 0;
    for (const char* p = c.script; *p; ++p) {
      if (*p != '@') {
        body += *p;
        q.feed(*p);
        continue;
      }
      body += q.expansion("PARAMS_X", false);
      q.reference(refs++);
      q.feed('x');
    }
    q.feed('\n');
    if (!q.arithmeticReferences().empty() || q.state() == ShellQuoting::State::QuotedHeredoc) {
      std::fprintf(stderr, "quoting: the scanner refuses a reference in: %s\n", c.script);
      std::abort();
    }
    // Groups, not subshells: a fork per context would make this target
    // ten times slower.
    script += "{\n" + body + "\n}\nprintf '\\0'\n";
    expected.push_back(c.expected(value));
  }
  std::string out;
  proc::Spec spec;
  spec.argv = {"bash", "--noprofile", "--norc", "-c", script};
  spec.env = {"PARAMS_X=" + value, "LC_ALL=C", "PATH=/usr/bin:/bin"};
  proc::Result r = proc::run(spec, [&](proc::Stream, std::string_view chunk) { out += chunk; });
  std::string want;
  for (const std::string& e : expected)
    want += e + '\0';
  if (r.exitCode != 0 || out != want) {
    std::fprintf(stderr, "quoting: bash exited %d; printed %zu bytes, %zu expected\n", r.exitCode,
                 out.size(), want.size());
    for (size_t i = 0, a = 0; i < expected.size(); ++i) {
      size_t b = out.find('\0', a);
      std::string got = out.substr(a, b == std::string::npos ? std::string::npos : b - a);
      if (got != expected[i]) std::fprintf(stderr, "  differs in: %s\n", kQuotingCases[i].script);
      if (b == std::string::npos) break;
      a = b + 1;
    }
    std::abort();
  }
}

// The runtime's parsers of what steps write: the first byte picks GitHub's
// key=value files, GITHUB_PATH, workflow commands line by line, or Azure's
// logging commands.
void commands(std::string_view input) {
  if (input.empty()) return;
  std::string_view text = input.substr(1);
  switch (input[0] & 3) {
    case 0: {
      run::Properties pairs;
      std::string err;
      run::parseKeyValueFile(text, &pairs, &err);
      break;
    }
    case 1:
      run::parsePathFile(text);
      break;
    case 2: {
      run::CommandReader reader;
      for (size_t a = 0; a <= text.size();) {
        size_t b = text.find('\n', a);
        if (b == std::string_view::npos) b = text.size();
        reader.feed(text.substr(a, b - a));
        (void)reader.takeMaskToken();
        a = b + 1;
      }
      break;
    }
    default:
      for (size_t a = 0; a <= text.size();) {
        size_t b = text.find('\n', a);
        if (b == std::string_view::npos) b = text.size();
        run::parseLoggingCommand(text.substr(a, b - a));
        a = b + 1;
      }
  }
}

// The masker: secrets are the lines before the first NUL, the text the
// rest. No secret may survive in the masked text. (Secrets with '*' are
// registered but not checked: the mask itself is made of '*'.)
void masker(std::string_view input) {
  size_t split = input.find('\0');
  if (split == std::string_view::npos) return;
  std::string_view secrets = input.substr(0, split), text = input.substr(split + 1);
  run::Masker m;
  m.addSecret(secrets);  // each line too, as a multi-line secret variable's
  std::vector<std::string> checked;
  for (size_t a = 0; a <= secrets.size();) {
    size_t b = secrets.find_first_of("\r\n", a);
    if (b == std::string_view::npos) b = secrets.size();
    std::string secret(secrets.substr(a, b - a));
    size_t first = secret.find_first_not_of(" \t\r\f\v");
    if (first != std::string::npos) {
      secret = secret.substr(first, secret.find_last_not_of(" \t\r\f\v") + 1 - first);
      if (secret.find('*') == std::string::npos) checked.push_back(secret);
    }
    a = b + 1;
  }
  for (size_t a = 0; a <= text.size();) {
    size_t b = text.find('\n', a);
    if (b == std::string_view::npos) b = text.size();
    std::string masked = m.mask(text.substr(a, b - a));
    for (const std::string& s : checked)
      if (masked.find(s) != std::string::npos) {
        std::fprintf(stderr, "masker: a secret of %zu bytes survives masking\n", s.size());
        std::abort();
      }
    a = b + 1;
  }
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
  static const std::vector<Target> all = {
      {"yaml", yaml},         {"expr", expression}, {"compile", compile},
      {"lint", lint},         {"shell", shell},     {"quoting", quoting},
      {"commands", commands}, {"masker", masker},   {"azure", azureExpand}};
  return all;
}

}  // namespace galley::fuzz

// galley eval: evaluates one expression, or a stream of them as JSON lines.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/app.h"
#include "cli/commands.h"
#include "compiler/expr/azure.h"
#include "compiler/expr/checker.h"
#include "compiler/expr/evaluator.h"
#include "compiler/expr/template.h"
#include "compiler/render.h"
#include "compiler/source.h"

namespace galley::cli {

namespace {

using Json = nlohmann::ordered_json;

struct EvalOptions {
  std::string expr;
  std::string dialect = "github";
  std::string contextFile;
  std::string status = "success";
  bool jsonl = false;
  bool asIf = false;        // EXPR is an if: condition
  bool asTemplate = false;  // EXPR is a string with ${{ }} in it
  std::string benchFile;    // hidden: --bench-parse FILE
};

class StatusHost : public expr::EvalHost {
 public:
  explicit StatusHost(expr::JobStatus s) : status_(s) {}
  expr::JobStatus status() const override { return status_; }

 private:
  expr::JobStatus status_;
};

bool parseStatus(const std::string& s, expr::JobStatus* out) {
  if (s == "success")
    *out = expr::JobStatus::Success;
  else if (s == "failure")
    *out = expr::JobStatus::Failure;
  else if (s == "cancelled")
    *out = expr::JobStatus::Cancelled;
  else
    return false;
  return true;
}

// One JSON line of the --jsonl protocol for an evaluation result.
Json resultLine(const expr::EvalResult& r) {
  if (!r.ok) return Json{{"ok", false}, {"error", r.error}};
  return Json{{"ok", true},
              {"kind", expr::kindName(r.value.kind())},
              {"value", expr::toJsonValue(r.value)},
              {"string", expr::toString(r.value)},
              {"truthy", expr::truthy(r.value)}};
}

// Prints a value as JSON, or the error; the exit status for either.
int printResult(bool ok, const std::string& error, const expr::Value& value) {
  if (!ok) {
    printError(error);
    return kExitFindings;
  }
  std::cout << expr::toJsonValue(value).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  return kExitOk;
}

expr::EvalResult evaluateLine(const std::string& line) {
  Json input;
  try {
    input = Json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    return {false, {}, std::string("invalid JSON input line: ") + e.what(), "usage"};
  }
  if (!input.is_object() || !input.contains("expr") || !input["expr"].is_string())
    return {false, {}, "input line needs a string \"expr\"", "usage"};
  expr::JobStatus status = expr::JobStatus::Success;
  if (input.contains("status") &&
      (!input["status"].is_string() || !parseStatus(input["status"].get<std::string>(), &status)))
    return {false, {}, "\"status\" must be success, failure or cancelled", "usage"};
  expr::Value contexts = expr::Value::object({});
  std::string err;
  // find, not value(): value() copies, and nlohmann copies recursively.
  if (auto c = input.find("context"); c != input.end()) {
    if (!c->is_object())
      return {false, {}, "\"context\" must be an object of named values", "usage"};
    if (!expr::fromJsonValue(*c, &contexts, &err))
      return {false, {}, "\"context\": " + err, "usage"};
  }
  StatusHost host(status);
  return expr::evaluateText(input["expr"].get<std::string>(), contexts, host);
}

// Reads one line of at most kMaxSourceBytes into *line; a longer line is
// skipped to its end and *tooLong set, so an endless line (/dev/zero)
// cannot exhaust memory. False at the end of input.
bool readLine(std::istream& in, std::string* line, bool* tooLong) {
  line->clear();
  *tooLong = false;
  std::streambuf* buf = in.rdbuf();
  bool any = false;
  for (int c; (c = buf->sbumpc()) != std::char_traits<char>::eof();) {
    any = true;
    if (c == '\n') return true;
    if (line->size() < kMaxSourceBytes)
      line->push_back(static_cast<char>(c));
    else
      *tooLong = true;
  }
  return any;
}

int runJsonLines() {
  std::string line;
  bool tooLong = false;
  while (readLine(std::cin, &line, &tooLong)) {
    if (!tooLong && line.find_first_not_of(" \t\r") == std::string::npos) continue;
    expr::EvalResult r = tooLong ? expr::EvalResult{false,
                                                    {},
                                                    "input line is longer than " +
                                                        std::to_string(kMaxSourceBytes) + " bytes",
                                                    "usage"}
                                 : evaluateLine(line);
    std::cout << resultLine(r).dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
  return kExitOk;
}

bool readContext(const std::string& path, expr::Value* out) {
  std::string text, err;
  if (readRegularFile(path, kMaxSourceBytes, &text, &err) != ReadResult::Ok) {
    printError("cannot read context file: " + err);
    return false;
  }
  if (!expr::parseJson(text, out, &err)) {
    printError("context file '" + path + "' is not JSON: " + err);
    return false;
  }
  if (out->kind() != expr::Kind::Object) {
    printError("context file '" + path + "' must hold an object of named values");
    return false;
  }
  return true;
}

int runSingle(const EvalOptions& o) {
  if (o.expr.empty() && o.jsonl == false) {
    printError("an EXPR argument or --jsonl is required");
    return kExitUsage;
  }
  expr::JobStatus status;
  if (!parseStatus(o.status, &status)) {
    printError("--status must be success, failure or cancelled");
    return kExitUsage;
  }
  expr::Value contexts = expr::Value::object({});
  if (!o.contextFile.empty() && !readContext(o.contextFile, &contexts)) return kExitUsage;
  StatusHost host(status);
  expr::EvalResult r = o.asIf         ? expr::evaluateIf(o.expr, contexts, host)
                       : o.asTemplate ? expr::interpolate(o.expr, contexts, host)
                                      : expr::evaluateText(o.expr, contexts, host);
  return printResult(r.ok, r.error, r.value);
}

// Parses and checks every line of a file (one expression per line), several
// rounds, and prints the best and median round: bench/expressions.sh.
int runBench(const std::string& path) {
  std::string text, err;
  if (readRegularFile(path, kMaxSourceBytes, &text, &err) != ReadResult::Ok) {
    printError("cannot read " + err);
    return kExitUsage;
  }
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  static const std::vector<std::string> contexts = {"github",   "env",    "vars",   "job",
                                                    "jobs",     "steps",  "runner", "secrets",
                                                    "strategy", "matrix", "needs",  "inputs"};
  expr::Scope scope;
  scope.contexts = contexts;
  expr::LocationOf nowhere = [](size_t, size_t) { return Location{}; };
  constexpr int kRounds = 30;
  std::vector<double> ms;
  size_t findings = 0;
  for (int round = 0; round < kRounds; ++round) {
    Diagnostics diags;
    auto start = std::chrono::steady_clock::now();
    for (const std::string& line : lines)
      expr::checkExpression(line, nowhere, scope, diags);
    auto end = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    findings = diags.all().size();
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "expressions: " << lines.size() << "\nrounds: " << kRounds
            << "\nbest_ms: " << ms.front() << "\nmedian_ms: " << ms[ms.size() / 2]
            << "\nfindings: " << findings << "\n";
  return kExitOk;
}

// The Azure dialect's view of --status: what succeeded(), failed() and
// canceled() read about the dependencies.
class AzureStatusHost : public expr::azure::Host {
 public:
  explicit AzureStatusHost(expr::JobStatus s) : status_(s) {}
  std::string status(const std::vector<std::string>&) const override {
    switch (status_) {
      case expr::JobStatus::Failure:
        return "Failed";
      case expr::JobStatus::Cancelled:
        return "Canceled";
      default:
        return "Succeeded";
    }
  }

 private:
  expr::JobStatus status_;
};

int runAzure(const EvalOptions& o) {
  if (o.jsonl || o.expr.empty()) {
    printError("--dialect azure evaluates one EXPR (no --jsonl)");
    return kExitUsage;
  }
  expr::Value contexts = expr::Value::object({});
  if (!o.contextFile.empty() && !readContext(o.contextFile, &contexts)) return kExitUsage;
  expr::JobStatus status;
  if (!parseStatus(o.status, &status)) {
    printError("--status must be success, failure or cancelled");
    return kExitUsage;
  }
  AzureStatusHost host(status);
  expr::azure::Result r = expr::azure::evaluate(o.expr, contexts, host);
  return printResult(r.ok, r.error, r.value);
}

int runEval(const EvalOptions& o) {
  if (!o.benchFile.empty()) return runBench(o.benchFile);
  if (o.dialect == "azure") return runAzure(o);
  if (o.jsonl) {
    if (!o.expr.empty() || !o.contextFile.empty()) {
      printError("--jsonl reads expressions from standard input; EXPR and --context do not apply");
      return kExitUsage;
    }
    return runJsonLines();
  }
  return runSingle(o);
}

}  // namespace

void attachEval(CLI::App& app, int& status) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Evaluate a GitHub Actions or Azure Pipelines expression");
  cmd->add_option("EXPR", options->expr, "The expression (without ${{ }})");
  cmd->add_option("--dialect", options->dialect, "github or azure")
      ->check(CLI::IsMember({"github", "azure"}));
  cmd->add_option("--context", options->contextFile,
                  "JSON file: an object whose keys are the named values (github, env, ...)");
  cmd->add_option("--status", options->status,
                  "Job status for success()/failure()/cancelled(): success, failure, cancelled");
  cmd->add_flag("--if", options->asIf,
                "Read EXPR as an if: condition (${{ }} optional, implicit success() &&)");
  cmd->add_flag("--template", options->asTemplate,
                "Read EXPR as a string with ${{ }} expressions in it");
  cmd->add_flag("--jsonl", options->jsonl,
                "Read {\"expr\",\"context\",\"status\"} JSON lines from stdin, write one result "
                "line each");
  cmd->add_option("--bench-parse", options->benchFile,
                  "Time parsing and checking each line of FILE")
      ->group("");
  cmd->callback([options, &status] { status = runEval(*options); });
}

}  // namespace galley::cli

// What steps tell the runner: GitHub's file commands (GITHUB_ENV, _OUTPUT,
// _STATE, _PATH; runner.md §4.2), workflow commands in the output (`::name
// k=v::data`, §4.3) and Azure's logging commands (`##vso[area.action]`, §5.1),
// parsed exactly as actions/runner and the Azure Pipelines agent parse them,
// with their error messages. Pure functions, except CommandReader's state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace galley::run {

using Properties = std::vector<std::pair<std::string, std::string>>;

// ---- File commands -------------------------------------------------------

// Parses a GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE file: lines split on LF
// only (a CR stays in the line, as on the Linux runner), empty lines skipped,
// a leading UTF-8 byte-order mark ignored. A line whose first '=' comes before
// any "<<" is NAME=VALUE (the name may be empty, as the runner lets it be);
// one whose "<<" comes first opens a heredoc NAME<<DELIM whose value is the
// following lines up to one exactly equal to DELIM, joined by their own line
// breaks, without the break before DELIM (quotes are not stripped: <<'EOF'
// waits for 'EOF'). Appends the pairs in file order to *out; on the first
// error returns false with *err set to the runner's message, e.g.
//   Invalid format 'x'
//   Invalid format 'a<<'. Name must not be empty and delimiter must not be empty
//   Invalid value. Matching delimiter not found 'EOF'
//   Invalid value. EOF marker missing new line.
// and *out holds the pairs before the error (the runner applies those).
// The runner reports such a failure as "Unable to process file command 'env'
// successfully." followed by *err, and fails the step.
bool parseKeyValueFile(std::string_view text, Properties* out, std::string* err);

// GITHUB_PATH: each non-empty line, lines split at CR, LF or CRLF (.NET's
// File.ReadAllLines), a leading byte-order mark ignored. Order kept.
std::vector<std::string> parsePathFile(std::string_view text);

// ---- GitHub workflow commands --------------------------------------------

struct WorkflowCommand {
  std::string name;  // lower-case for the runner's commands; a stop token as written
  // In order of first appearance; a key given twice (case-insensitively)
  // keeps its first spelling and place and takes the last value.
  Properties properties;
  std::string data;
  // Case-insensitive lookup (the runner's property dictionary ignores case).
  const std::string* property(std::string_view key) const;
};

// The names the runner registers: add-mask, add-matcher, add-path, debug,
// echo, endgroup, error, group, notice, remove-matcher, save-state, set-env,
// set-output, stop-commands, warning. Compared case-insensitively.
bool isWorkflowCommandName(std::string_view name);

// Parses one output line as the runner does: first as `::name k=v,k=v::data`
// after leading whitespace (data: %0D %0A %25 unescaped; property values also
// %3A %2C), then, failing that, as the legacy `##[name k=v;k=v]data` found
// anywhere in the line (%3B %0D %0A %5D %25 unescaped in both). Only a
// registered name (or `extraName`, a stop token, compared case-insensitively)
// makes a command: `::foo::bar` is a plain line. Properties without '=' or
// with an empty key or value are dropped. nullopt for a plain line.
std::optional<WorkflowCommand> parseWorkflowCommand(std::string_view line,
                                                    std::string_view extraName = {});
// Whether a line starting with `head` may be a workflow command, which the
// runner reads whole however long it is: `::` after leading whitespace, or
// `##[` anywhere.
bool mayBeWorkflowCommand(std::string_view head);

// The runner's handling of one step's output, line by line, for the commands
// that change how later lines are read: `::stop-commands::TOKEN` (no command
// is processed until a line `::TOKEN::`), and `::echo::on|off`.
//
// Per line:
//   if (auto t = reader.takeMaskToken()) masker.addValue(*t);  // before logging
//   if (!reader.error().empty()) report it as an error, fail the step;
//   if (auto text = reader.logText()) log it (masked);
//   if (cmd) act on it (add-mask, set-output, warning, group...).
class CommandReader {
 public:
  // allowUnsecureStopTokens: ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS is true.
  // echo: the initial echo state (on when step debug logging is on).
  explicit CommandReader(bool allowUnsecureStopTokens = false, bool echo = false);

  // Reads one line (without its line break). Returns the command the caller
  // must act on, or nullopt: a plain line, a line read while commands are
  // stopped, or a command the reader handled itself (stop-commands, the
  // resume token, echo).
  std::optional<WorkflowCommand> feed(std::string_view line);

  // What the runner writes to the log for the last line: the line itself for
  // plain lines and for stop-commands/resume lines; for a command, the line
  // when echo is on (except add-mask, debug, notice, warning and error, which
  // are never echoed; add-mask echoes "::add-mask::***"); else nothing.
  const std::optional<std::string>& logText() const { return logText_; }
  // Non-empty when the last line was a command that failed; the text of the
  // runner's error(s), one per line. The step fails.
  const std::string& error() const { return error_; }
  // A stop token longer than 6 characters, which the runner masks from then
  // on; returned once.
  std::optional<std::string> takeMaskToken();
  bool echo() const { return echo_; }
  bool stopped() const { return !stopToken_.empty(); }

 private:
  void startStop(const WorkflowCommand& c, std::string_view line);
  void setEcho(const WorkflowCommand& c, std::string_view line);
  bool allowUnsecureStopTokens_;
  bool echo_;
  std::string stopToken_;  // non-empty while commands are stopped
  std::optional<std::string> logText_;
  std::string error_;
  std::optional<std::string> maskToken_;
};

// ---- Azure Pipelines logging commands -------------------------------------

// `##vso[area.action k=v;k=v]message` found anywhere in a line (the agent's
// Command.TryParse): area and action are the two non-empty parts of the name
// around '.'; properties split on ';', each at its first '='; %3B %0D %0A
// %5D and then %AZP25 unescaped in values and message (the agent's default,
// DECODE_PERCENTS=true). Also the formatting commands at the start of a line,
// `##[group]`, `##[endgroup]`, `##[section]`, `##[warning]`, `##[error]`,
// `##[debug]`, `##[command]`: area empty, action the name, data the rest.
// nullopt otherwise. A line containing "##vso" that does not parse draws the
// agent's warning azureMalformedWarning(line).
struct LoggingCommand {
  std::string area, action;  // as written; the agent compares them ignoring case
  Properties properties;
  std::string data;
  const std::string* property(std::string_view key) const;  // case-insensitive
};
std::optional<LoggingCommand> parseLoggingCommand(std::string_view line);
// Whether a line starting with `head` may be a logging command, which the
// agent reads whole however long it is: `##vso[` or `##[` anywhere.
bool mayBeLoggingCommand(std::string_view head);
// "'<line>' contains logging command keyword '##vso', but it's not a legal
// command. Please see the list of accepted commands: <link>" (the agent's text).
std::string azureMalformedWarning(std::string_view line);

// ---- Writing commands for a real host -------------------------------------

// GitHub (@actions/core's escapeData/escapeProperty): data: % CR LF;
// property values also ':' and ','.
std::string escapeCommandData(std::string_view);
std::string escapeCommandProperty(std::string_view);
// Azure (azure-pipelines-task-lib's taskcommand): message: '%' -> %AZP25,
// CR, LF; property values also ']' and ';'.
std::string escapeAzureData(std::string_view);
std::string escapeAzureProperty(std::string_view);

}  // namespace galley::run

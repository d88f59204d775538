#include "runtime/commands.h"

#include <algorithm>
#include <array>

namespace galley::run {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view withoutBom(std::string_view text) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  return text;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string lowerCase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = lower(c);
  return out;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trimStart(std::string_view s) {
  while (!s.empty() && isSpace(s.front()))
    s.remove_prefix(1);
  return s;
}

std::string_view trim(std::string_view s) {
  s = trimStart(s);
  while (!s.empty() && isSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

// One String.Replace: every occurrence of `from`, left to right.
std::string replaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t at = 0;
  for (size_t hit = s.find(from); hit != std::string_view::npos; hit = s.find(from, at)) {
    out.append(s.substr(at, hit - at));
    out.append(to);
    at = hit + from.size();
  }
  out.append(s.substr(at));
  return out;
}

using Mapping = std::pair<std::string_view, std::string_view>;  // token, escaped

// The runners apply their mappings one String.Replace after another; the
// order decides what "%253B" becomes, so it is kept exactly.
template <size_t N>
std::string unescape(std::string_view s, const std::array<Mapping, N>& mappings) {
  std::string out(s);
  for (const auto& [token, escaped] : mappings)
    out = replaceAll(out, escaped, token);
  return out;
}

template <size_t N>
std::string escape(std::string_view s, const std::array<Mapping, N>& mappings) {
  std::string out(s);
  for (const auto& [token, escaped] : mappings)
    out = replaceAll(out, token, escaped);
  return out;
}

// actions/runner ActionCommand.cs.
constexpr std::array<Mapping, 3> kDataMappings = {{{"\r", "%0D"}, {"\n", "%0A"}, {"%", "%25"}}};
constexpr std::array<Mapping, 5> kPropertyMappings = {
    {{"\r", "%0D"}, {"\n", "%0A"}, {":", "%3A"}, {",", "%2C"}, {"%", "%25"}}};
constexpr std::array<Mapping, 5> kLegacyMappings = {
    {{";", "%3B"}, {"\r", "%0D"}, {"\n", "%0A"}, {"]", "%5D"}, {"%", "%25"}}};
// The Azure Pipelines agent's CommandStringConvertor, then %AZP25.
constexpr std::array<Mapping, 5> kAzureMappings = {
    {{";", "%3B"}, {"\r", "%0D"}, {"\n", "%0A"}, {"]", "%5D"}, {"%", "%AZP25"}}};

void setProperty(Properties* props, std::string_view key, std::string value) {
  for (auto& [k, v] : *props)
    if (iequals(k, key)) {
      v = std::move(value);
      return;
    }
  props->emplace_back(std::string(key), std::move(value));
}

// `k=v` as .NET's Split('=', 2, RemoveEmptyEntries) reads it: empty pieces
// are skipped, so leading '=' and the '=' run after the key vanish ("=k==v"
// is k and v); a piece without both a key and a value is dropped.
bool splitPair(std::string_view s, std::string_view* key, std::string_view* value) {
  size_t start = s.find_first_not_of('=');
  if (start == std::string_view::npos) return false;
  size_t eq = s.find('=', start);
  if (eq == std::string_view::npos) return false;
  size_t v = s.find_first_not_of('=', eq);
  if (v == std::string_view::npos) return false;
  *key = s.substr(start, eq - start);
  *value = s.substr(v);
  return true;
}

template <typename Unescape>
void parseProperties(std::string_view list, char separator, Properties* props, Unescape unesc) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t stop = std::min(list.find(separator, start), list.size());
    std::string_view key, value;
    if (stop > start && splitPair(list.substr(start, stop - start), &key, &value))
      setProperty(props, key, unesc(value));
    start = stop + 1;
  }
}

const std::string* findProperty(const Properties& props, std::string_view key) {
  for (const auto& [k, v] : props)
    if (iequals(k, key)) return &v;
  return nullptr;
}

constexpr std::array<std::string_view, 15> kCommandNames = {
    "add-mask",   "add-matcher", "add-path",   "debug",         "echo",
    "endgroup",   "error",       "group",      "notice",        "remove-matcher",
    "save-state", "set-env",     "set-output", "stop-commands", "warning"};

// The name a command is known by: the runner's own, lower-case, or the stop
// token as written; empty when the name is not a command.
std::string commandName(std::string_view name, std::string_view extraName) {
  if (isWorkflowCommandName(name)) return lowerCase(name);
  if (!extraName.empty() && iequals(name, extraName)) return std::string(name);
  return {};
}

// `::name k=v,k=v::data` (ActionCommand.TryParseV2).
std::optional<WorkflowCommand> parseV2(std::string_view line, std::string_view extraName) {
  line = trimStart(line);
  if (line.substr(0, 2) != "::") return std::nullopt;
  size_t end = line.find("::", 2);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view info = line.substr(2, end - 2);
  size_t space = info.find(' ');
  WorkflowCommand c;
  c.name = commandName(info.substr(0, space), extraName);
  if (c.name.empty()) return std::nullopt;
  if (space != std::string_view::npos && space > 0)
    parseProperties(trim(info.substr(space + 1)), ',', &c.properties,
                    [](std::string_view v) { return unescape(v, kPropertyMappings); });
  c.data = unescape(line.substr(end + 2), kDataMappings);
  return c;
}

// `##[name k=v;k=v]data` anywhere in the line (ActionCommand.TryParse).
std::optional<WorkflowCommand> parseLegacy(std::string_view line, std::string_view extraName) {
  size_t prefix = line.find("##[");
  if (prefix == std::string_view::npos) return std::nullopt;
  size_t bracket = line.find(']', prefix);
  if (bracket == std::string_view::npos) return std::nullopt;
  std::string_view info = line.substr(prefix + 3, bracket - prefix - 3);
  size_t space = info.find(' ');
  WorkflowCommand c;
  c.name = commandName(info.substr(0, space), extraName);
  if (c.name.empty()) return std::nullopt;
  if (space != std::string_view::npos && space > 0)
    parseProperties(info.substr(space + 1), ';', &c.properties,
                    [](std::string_view v) { return unescape(v, kLegacyMappings); });
  c.data = unescape(line.substr(bracket + 1), kLegacyMappings);
  return c;
}

}  // namespace

// ---- File commands ---------------------------------------------------------

namespace {

// Reads the line at *index (LF-terminated; a CR stays), advancing past it.
// *newline says whether a '\n' ended it. False at the end of the text.
bool readLine(std::string_view text, size_t* index, std::string_view* line, bool* newline) {
  if (*index >= text.size()) return false;
  size_t lf = text.find('\n', *index);
  *newline = lf != std::string_view::npos;
  if (!*newline) lf = text.size();
  *line = text.substr(*index, lf - *index);
  *index = *newline ? lf + 1 : lf;
  return true;
}

// The value of a NAME<<DELIM heredoc whose first line starts at *index.
bool readHeredoc(std::string_view text, size_t* index, std::string_view delimiter,
                 std::string* value, std::string* err) {
  size_t start = *index, end = *index;
  std::string_view line;
  bool newline = false;
  bool more = readLine(text, index, &line, &newline);
  while (!more || line != delimiter) {
    if (!more) {
      *err = "Invalid value. Matching delimiter not found '" + std::string(delimiter) + "'";
      return false;
    }
    if (!newline) {
      *err = "Invalid value. EOF marker missing new line.";
      return false;
    }
    end = *index - 1;
    more = readLine(text, index, &line, &newline);
  }
  *value = std::string(text.substr(start, end - start));
  return true;
}

}  // namespace

bool parseKeyValueFile(std::string_view text, Properties* out, std::string* err) {
  text = withoutBom(text);
  size_t index = 0;
  std::string_view line;
  bool newline = false;
  while (readLine(text, &index, &line, &newline)) {
    if (line.empty()) continue;
    size_t equals = line.find('='), heredoc = line.find("<<");
    if (equals != std::string_view::npos && equals < heredoc) {
      out->emplace_back(std::string(line.substr(0, equals)), std::string(line.substr(equals + 1)));
    } else if (heredoc != std::string_view::npos) {
      std::string_view name = line.substr(0, heredoc), delimiter = line.substr(heredoc + 2);
      if (name.empty() || delimiter.empty()) {
        *err = "Invalid format '" + std::string(line) +
               "'. Name must not be empty and delimiter must not be empty";
        return false;
      }
      std::string value;
      if (!readHeredoc(text, &index, delimiter, &value, err)) return false;
      out->emplace_back(std::string(name), std::move(value));
    } else {
      *err = "Invalid format '" + std::string(line) + "'";
      return false;
    }
  }
  return true;
}

std::vector<std::string> parsePathFile(std::string_view text) {
  text = withoutBom(text);
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t stop = std::min(text.find_first_of("\r\n", start), text.size());
    if (stop > start) out.emplace_back(text.substr(start, stop - start));
    // CRLF is one break; a lone CR or LF is one too.
    if (stop + 1 < text.size() && text[stop] == '\r' && text[stop + 1] == '\n') ++stop;
    start = stop + 1;
  }
  return out;
}

// ---- Workflow commands -------------------------------------------------------

const std::string* WorkflowCommand::property(std::string_view key) const {
  return findProperty(properties, key);
}

bool isWorkflowCommandName(std::string_view name) {
  return std::any_of(kCommandNames.begin(), kCommandNames.end(),
                     [&](std::string_view n) { return iequals(n, name); });
}

std::optional<WorkflowCommand> parseWorkflowCommand(std::string_view line,
                                                    std::string_view extraName) {
  if (auto c = parseV2(line, extraName)) return c;
  return parseLegacy(line, extraName);
}

bool mayBeWorkflowCommand(std::string_view head) {
  return trimStart(head).substr(0, 2) == "::" || head.find("##[") != std::string_view::npos;
}

namespace {

// Commands the runner never echoes (their extensions' OmitEcho).
bool omitsEcho(std::string_view name) {
  return name == "add-mask" || name == "debug" || name == "notice" || name == "warning" ||
         name == "error";
}

// actions/runner Constants.Runner.UnsupportedStopCommandTokenDisabled.
constexpr std::string_view kInvalidStopToken =
    "You cannot use a endToken that is an empty string, the string 'pause-logging', or another "
    "workflow command. For more information see: "
    "https://docs.github.com/actions/learn-github-actions/"
    "workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands or opt "
    "into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` "
    "environment variable to `true`.";

}  // namespace

CommandReader::CommandReader(bool allowUnsecureStopTokens, bool echo)
    : allowUnsecureStopTokens_(allowUnsecureStopTokens), echo_(echo) {}

std::optional<std::string> CommandReader::takeMaskToken() {
  std::optional<std::string> t;
  t.swap(maskToken_);
  return t;
}

std::optional<WorkflowCommand> CommandReader::feed(std::string_view line) {
  logText_.reset();
  error_.clear();
  std::optional<WorkflowCommand> c = parseWorkflowCommand(line, stopToken_);
  if (stopped()) {
    // Everything is plain text until the token comes back.
    if (c && iequals(c->name, stopToken_)) stopToken_.clear();
    logText_ = std::string(line);
    return std::nullopt;
  }
  if (!c) {
    logText_ = std::string(line);
    return std::nullopt;
  }
  if (c->name == "stop-commands") {
    startStop(*c, line);
    return std::nullopt;
  }
  if (echo_ && !omitsEcho(c->name)) logText_ = std::string(line);
  if (c->name == "echo") {
    setEcho(*c, line);
    return std::nullopt;
  }
  if (echo_ && c->name == "add-mask" && !trim(c->data).empty()) logText_ = "::add-mask::***";
  return c;
}

void CommandReader::startStop(const WorkflowCommand& c, std::string_view line) {
  const std::string& token = c.data;
  bool invalid = token.empty() || isWorkflowCommandName(token) || iequals(token, "pause-logging");
  if (invalid && !allowUnsecureStopTokens_) {
    error_ = std::string(kInvalidStopToken);
    return;
  }
  stopToken_ = token;
  // The runner masks the token before it logs the line.
  if (token.size() > 6) maskToken_ = token;
  logText_ = std::string(line);
}

void CommandReader::setEcho(const WorkflowCommand& c, std::string_view line) {
  auto failed = [&](const std::string& why) {
    error_ = "Unable to process command '" + std::string(line) + "' successfully.\n" + why;
  };
  if (c.data.empty()) return failed("Value cannot be null. (Parameter 'value')");
  std::string value = lowerCase(trim(c.data));
  if (value == "on") {
    echo_ = true;
  } else if (value == "off") {
    echo_ = false;
  } else {
    failed("Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '" +
           c.data + "'.");
  }
}

// ---- Azure logging commands ----------------------------------------------------

const std::string* LoggingCommand::property(std::string_view key) const {
  return findProperty(properties, key);
}

namespace {

std::string azureUnescape(std::string_view s) {
  return unescape(s, kAzureMappings);
}

// `##vso[area.action k=v;k=v]message` (the agent's Command.TryParse).
std::optional<LoggingCommand> parseVso(std::string_view line) {
  size_t prefix = line.find("##vso[");
  if (prefix == std::string_view::npos) return std::nullopt;
  size_t bracket = line.find(']', prefix);
  if (bracket == std::string_view::npos) return std::nullopt;
  std::string_view info = line.substr(prefix + 6, bracket - prefix - 6);
  size_t space = info.find(' ');
  std::string_view name = info.substr(0, space);
  // Split on '.', empty parts dropped: exactly two must remain.
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= name.size();) {
    size_t dot = std::min(name.find('.', start), name.size());
    if (dot > start) parts.push_back(name.substr(start, dot - start));
    start = dot + 1;
  }
  if (parts.size() != 2) return std::nullopt;
  LoggingCommand c;
  c.area = std::string(parts[0]);
  c.action = std::string(parts[1]);
  if (space != std::string_view::npos && space > 0)
    parseProperties(info.substr(space + 1), ';', &c.properties, azureUnescape);
  c.data = azureUnescape(line.substr(bracket + 1));
  return c;
}

constexpr std::array<std::string_view, 7> kFormattingCommands = {
    "group", "endgroup", "section", "warning", "error", "debug", "command"};

// `##[group]title` and the like, which the log viewer formats.
std::optional<LoggingCommand> parseFormatting(std::string_view line) {
  if (line.substr(0, 3) != "##[") return std::nullopt;
  size_t bracket = line.find(']');
  if (bracket == std::string_view::npos) return std::nullopt;
  std::string_view name = line.substr(3, bracket - 3);
  for (std::string_view known : kFormattingCommands)
    if (iequals(known, name)) {
      LoggingCommand c;
      c.action = std::string(known);
      c.data = std::string(line.substr(bracket + 1));
      return c;
    }
  return std::nullopt;
}

}  // namespace

std::optional<LoggingCommand> parseLoggingCommand(std::string_view line) {
  if (auto c = parseVso(line)) return c;
  return parseFormatting(line);
}

bool mayBeLoggingCommand(std::string_view head) {
  return head.find("##vso[") != std::string_view::npos ||
         head.find("##[") != std::string_view::npos;
}

std::string azureMalformedWarning(std::string_view line) {
  return "'" + std::string(line) +
         "' contains logging command keyword '##vso', but it's not a legal command. Please see "
         "the list of accepted commands: https://go.microsoft.com/fwlink/?LinkId=817296";
}

// ---- Escaping ------------------------------------------------------------------

// '%' first, so that the escapes added after it are not escaped again.
std::string escapeCommandData(std::string_view s) {
  return escape(s, std::array<Mapping, 3>{{{"%", "%25"}, {"\r", "%0D"}, {"\n", "%0A"}}});
}

std::string escapeCommandProperty(std::string_view s) {
  return escape(s, std::array<Mapping, 5>{
                       {{"%", "%25"}, {"\r", "%0D"}, {"\n", "%0A"}, {":", "%3A"}, {",", "%2C"}}});
}

std::string escapeAzureData(std::string_view s) {
  return escape(s, std::array<Mapping, 3>{{{"%", "%AZP25"}, {"\r", "%0D"}, {"\n", "%0A"}}});
}

std::string escapeAzureProperty(std::string_view s) {
  return escape(s,
                std::array<Mapping, 5>{
                    {{"%", "%AZP25"}, {"\r", "%0D"}, {"\n", "%0A"}, {"]", "%5D"}, {";", "%3B"}}});
}

}  // namespace galley::run

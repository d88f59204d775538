#include "compiler/shell_quoting.h"

#include <cctype>

namespace galley {

void ShellQuoting::feed(char c) {
  if (c == '\n') {
    endOfLine();
    previous_ = c;
    return;
  }
  line_ += c;
  switch (state_) {
    case State::Heredoc:
    case State::QuotedHeredoc:
      break;
    case State::Single:
      if (c == '\'') state_ = State::Plain;
      break;
    case State::Double:
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        state_ = State::Plain;
      } else if (c == '(' && previous_ == '$') {
        outer_.push_back(state_);
        state_ = State::Plain;
      }
      break;
    case State::Plain:
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '\'') {
        state_ = State::Single;
      } else if (c == '"') {
        state_ = State::Double;
      } else if (c == '<' && previous_ == '<') {
        scanHeredocOperator();
      } else if (c == '(' && previous_ == '$') {
        outer_.push_back(state_);
      } else if (c == ')' && !outer_.empty()) {
        state_ = outer_.back();
        outer_.pop_back();
      }
      break;
  }
  previous_ = c;
}

// Called after "<<": the delimiter is read when the line ends, from line_.
void ShellQuoting::scanHeredocOperator() {
  pending_.push_back({"", false, false});
}

void ShellQuoting::endOfLine() {
  std::string line = line_;
  line_.clear();
  escaped_ = false;
  if (state_ == State::Heredoc || state_ == State::QuotedHeredoc) {
    std::string body = line;
    if (current_.stripTabs)
      while (!body.empty() && body[0] == '\t')
        body.erase(0, 1);
    if (body == current_.delimiter) state_ = State::Plain;
    if (state_ != State::Plain) return;
  }
  // Fill in the delimiters of "<<" operators seen on this line, in order.
  size_t at = 0;
  for (auto& p : pending_) {
    if (!p.delimiter.empty()) continue;
    size_t op = line.find("<<", at);
    if (op == std::string::npos) break;
    size_t i = op + 2;
    if (i < line.size() && line[i] == '<') {  // "<<<" is a here-string, not a here-document
      p.delimiter = "\n";
      at = i + 1;
      continue;
    }
    if (i < line.size() && line[i] == '-') p.stripTabs = true, ++i;
    while (i < line.size() && line[i] == ' ')
      ++i;
    std::string word;
    for (; i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])) &&
           line[i] != ';' && line[i] != '|' && line[i] != '&' && line[i] != ')';
         ++i) {
      if (line[i] == '\'' || line[i] == '"' || line[i] == '\\') {
        p.quoted = true;
        continue;
      }
      word += line[i];
    }
    p.delimiter = word.empty() ? "\n" : word;
    at = i;
  }
  // Here-strings and malformed operators start no body.
  std::vector<Pending> bodies;
  for (const auto& p : pending_)
    if (!p.delimiter.empty() && p.delimiter != "\n") bodies.push_back(p);
  pending_.clear();
  if (state_ == State::Plain && !bodies.empty()) {
    current_ = bodies.front();
    state_ = current_.quoted ? State::QuotedHeredoc : State::Heredoc;
    // A second here-document on the same line follows the first one's body;
    // rare in scripts, so it is read as plain text.
  }
}

std::string ShellQuoting::expansion(const std::string& name, bool words) const {
  std::string var = "${" + name + "}";
  switch (state_) {
    case State::Plain:
      return words ? var : "\"" + var + "\"";
    case State::Double:
    case State::Heredoc:
      return var;
    case State::Single:
      // Close the single quotes, expand, reopen them.
      return words ? "'" + var + "'" : "'\"" + var + "\"'";
    case State::QuotedHeredoc:
      return "";
  }
  return var;
}

}  // namespace galley

#include "compiler/shell_quoting.h"

#include <algorithm>
#include <cctype>

namespace galley {

namespace {

bool isName(const std::string& w) {
  if (w.empty() || !(std::isalpha(static_cast<unsigned char>(w[0])) || w[0] == '_')) return false;
  return std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Words after which the next word still starts a command.
bool keepsCommandStart(const std::string& w) {
  static const char* kWords[] = {"if", "then", "else", "elif", "do", "while", "until",
                                 "!",  "{",    "}",    "time", "fi", "done"};
  for (const char* k : kWords)
    if (w == k) return true;
  // An assignment before a command (X=1 cmd) leaves the command to come.
  size_t eq = w.find('=');
  return eq != std::string::npos && eq > 0 &&
         isName(w.substr(0, w.find('[') < eq ? w.find('[') : eq));
}

bool arithmeticOperator(const std::string& w) {
  return w == "-eq" || w == "-ne" || w == "-lt" || w == "-le" || w == "-gt" || w == "-ge";
}

}  // namespace

void ShellQuoting::push(Ctx ctx) {
  frames_.push_back({ctx, state_});
}

void ShellQuoting::pop() {
  state_ = frames_.back().outer;
  frames_.pop_back();
}

void ShellQuoting::feed(char c) {
  if (c == '\n') {
    endOfLine();
    previous_ = c;
    dollar_ = false;
    return;
  }
  line_ += c;
  char prev = previous_;
  previous_ = c;
  bool dollar = dollar_, opened = opened_;
  dollar_ = opened_ = false;
  switch (state_) {
    case State::Heredoc:
    case State::QuotedHeredoc:
    case State::Comment:
      return;
    case State::Single:
      word(c);
      if (c == '\'') state_ = State::Plain;
      return;
    default:
      break;
  }
  if (escaped_) {
    escaped_ = false;
    word(c);
    return;
  }
  if (c == '\\') {
    escaped_ = true;
    word(c);
    return;
  }
  if (dollar && c == '(') {  // $( ... ), or $(( ... )) at the next '('
    push(Ctx::Command);
    state_ = State::Plain;
    opened_ = true;
    word(c);
    return;
  }
  if (opened && c == '(') {
    frames_.back().ctx = Ctx::Arith;
    word(c);
    return;
  }
  if (dollar && (c == '{' || c == '[')) {
    push(c == '{' ? Ctx::Param : Ctx::ArithOld);
    word(c);
    return;
  }
  if (c == '$') {
    dollar_ = true;
    word(c);
    return;
  }
  if (c == '"' && (state_ == State::Plain || state_ == State::Double)) {
    state_ = state_ == State::Plain ? State::Double : State::Plain;
    word(c);
    return;
  }
  if (c == '\'' && state_ == State::Plain) {
    state_ = State::Single;
    word(c);
    return;
  }
  if (!frames_.empty()) {
    Frame& top = frames_.back();
    if (top.ctx == Ctx::Param) {
      inParam(c, top);
      word(c);
      return;
    }
    if (top.ctx != Ctx::Command && top.ctx != Ctx::Brackets) {
      inArith(c, top);
      word(c);
      return;
    }
  }
  if (state_ == State::Double) {
    word(c);
    return;
  }
  plain(c, prev);
}

void ShellQuoting::word(char c) {
  word_ += c;
  inWord_ = true;
}

// Unquoted text outside arithmetic and parameter expansions: words,
// commands, comments, here-document operators.
void ShellQuoting::plain(char c, char prev) {
  bool parenStart = parenStart_;
  parenStart_ = false;
  bool inBrackets = !frames_.empty() && frames_.back().ctx == Ctx::Brackets;
  switch (c) {
    case ' ':
    case '\t':
      endWord();
      return;
    case ';':
    case '&':
    case '|':
      endWord();
      if (!inBrackets) separator();
      return;
    case '(':
      if (parenStart && prev == '(') {  // (( ... )): an arithmetic command
        push(Ctx::Arith);
        return;
      }
      parenStart_ = !inWord_;
      endWord();
      if (!inBrackets) separator();
      return;
    case ')':
      endWord();
      if (!frames_.empty() && frames_.back().ctx == Ctx::Command) pop();
      return;
    case '<':
    case '>':
      endWord();
      // "<<" opens a here-document; the third '<' of a "<<<" here-string
      // is left to the first "<<".
      if (c == '<' && prev == '<' && !inBrackets &&
          !(line_.size() >= 3 && line_[line_.size() - 3] == '<'))
        pending_.push_back({line_.size(), "", false, false});
      return;
    case '#':
      // A '#' that begins a word begins a comment, to the end of the line.
      if (!inWord_) {
        state_ = State::Comment;
        return;
      }
      break;
    case '[':
      // name[ at the start of a command: an array element's assignment,
      // whose subscript is arithmetic.
      if (inWord_ && commandStart_ && isName(word_)) {
        word(c);
        push(Ctx::Subscript);
        return;
      }
      break;
    default:
      break;
  }
  word(c);
}

void ShellQuoting::inArith(char c, Frame& f) {
  bool closing = closing_;
  closing_ = false;
  switch (f.ctx) {
    case Ctx::Arith:
      if (c == '(') {
        ++f.depth;
      } else if (c == ')') {
        if (f.depth > 0)
          --f.depth;
        else if (closing)
          pop();
        else
          closing_ = true;
      }
      return;
    case Ctx::ArithOld:
    case Ctx::Subscript:
      if (c == '[') {
        ++f.depth;
      } else if (c == ']') {
        if (f.depth > 0)
          --f.depth;
        else
          pop();
      }
      return;
    case Ctx::ParamArith:
      if (c == '}') {
        pop();  // the offset, then the ${ } around it
        if (!frames_.empty() && frames_.back().ctx == Ctx::Param) pop();
      }
      return;
    default:
      return;
  }
}

// Inside ${ ... }: the name (phase 0), then either a subscript, a ':'
// (phase 2: an offset unless an operator -=?+ follows), or an operator and
// a word (phase 1), up to the closing '}'.
void ShellQuoting::inParam(char c, Frame& f) {
  if (c == '}') {
    pop();
    return;
  }
  if (f.phase == 2) {
    if (c == '-' || c == '=' || c == '?' || c == '+') {
      f.phase = 1;
    } else {
      push(Ctx::ParamArith);
    }
    return;
  }
  if (f.phase != 0) return;
  bool first = f.depth == 0;
  ++f.depth;
  if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
      (first && (c == '#' || c == '!' || c == '@' || c == '*')))
    return;
  if (c == '[') {
    push(Ctx::Subscript);
  } else if (c == ':') {
    f.phase = 2;
  } else {
    f.phase = 1;
  }
}

bool ShellQuoting::arithmeticHere() const {
  if (let_) return true;
  for (const Frame& f : frames_)
    if (f.ctx == Ctx::Arith || f.ctx == Ctx::ArithOld || f.ctx == Ctx::Subscript ||
        f.ctx == Ctx::ParamArith || (f.ctx == Ctx::Param && f.phase == 2))
      return true;
  return false;
}

void ShellQuoting::reference(size_t id) {
  if (arithmeticHere()) mark({id});
  wordRefs_.push_back(id);
}

void ShellQuoting::mark(const std::vector<size_t>& ids) {
  for (size_t id : ids)
    if (std::find(arithmetic_.begin(), arithmetic_.end(), id) == arithmetic_.end())
      arithmetic_.push_back(id);
}

void ShellQuoting::endWord() {
  if (!inWord_) return;
  std::string w = std::move(word_);
  word_.clear();
  inWord_ = false;
  std::vector<size_t> refs = std::move(wordRefs_);
  wordRefs_.clear();
  if (!frames_.empty() && frames_.back().ctx == Ctx::Brackets) {
    // [[ a -gt b ]]: both operands are arithmetic.
    if (w == "]]") {
      pop();
      operandNext_ = false;
    } else if (arithmeticOperator(w)) {
      mark(lastRefs_);
      operandNext_ = true;
    } else {
      if (operandNext_) mark(refs);
      operandNext_ = false;
    }
    lastRefs_ = refs;
    return;
  }
  if (!commandStart_) return;
  if (w == "[[") {
    push(Ctx::Brackets);
    lastRefs_.clear();
    operandNext_ = false;
    commandStart_ = false;
  } else if (w == "let") {
    let_ = true;
    commandStart_ = false;
  } else {
    commandStart_ = keepsCommandStart(w);
  }
}

void ShellQuoting::separator() {
  commandStart_ = true;
  let_ = false;
}

void ShellQuoting::endOfLine() {
  std::string line = line_;
  line_.clear();
  escaped_ = false;
  if (state_ == State::Comment) state_ = State::Plain;
  if (state_ == State::Plain || state_ == State::Double) {
    endWord();
    if (frames_.empty() || frames_.back().ctx != Ctx::Brackets) separator();
  }
  if (state_ == State::Heredoc || state_ == State::QuotedHeredoc) {
    std::string body = line;
    if (current_.stripTabs)
      while (!body.empty() && body[0] == '\t')
        body.erase(0, 1);
    if (body == current_.delimiter) state_ = State::Plain;
    if (state_ != State::Plain) return;
  }
  // The delimiters of the "<<" operators seen on this line, in order.
  for (auto& p : pending_) {
    size_t i = p.at;
    if (i < line.size() && line[i] == '<') {  // "<<<" is a here-string, not a here-document
      p.delimiter = "\n";
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
    case State::Comment:
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

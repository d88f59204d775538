#include "compiler/expr/scalar_map.h"

#include <string_view>

namespace galley::expr {

namespace {

// Rebuilds a scalar's value from its source, one output byte at a time, and
// records where each byte came from.
class Replay {
 public:
  Replay(std::string_view text, size_t limit) : text_(text), limit_(limit) {}

  std::string out;
  std::vector<uint32_t> from;

  bool full() const { return out.size() >= limit_; }

  void emit(char c, size_t at) {
    out.push_back(c);
    from.push_back(static_cast<uint32_t>(at));
  }

  // Flow scalars (plain and quoted): spaces before a line break are dropped;
  // a break becomes a space, or n newlines when n blank lines follow it; the
  // next line's indentation is skipped. Returns the offset after all that.
  size_t fold(size_t i) {
    pending_.clear();
    size_t at = i;
    i = skipBreak(i);
    int blank = 0;
    for (;;) {
      while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t'))
        ++i;
      if (i < text_.size() && (text_[i] == '\n' || text_[i] == '\r')) {
        ++blank;
        at = i;
        i = skipBreak(i);
        continue;
      }
      break;
    }
    if (blank == 0) emit(' ', at);
    for (int k = 0; k < blank; ++k)
      emit('\n', at);
    return i;
  }

  // Spaces are held back until something other than a line break follows.
  void space(char c, size_t at) { pending_.emplace_back(c, at); }
  void flush() {
    for (auto [c, at] : pending_)
      emit(c, at);
    pending_.clear();
  }

  size_t skipBreak(size_t i) const {
    if (i < text_.size() && text_[i] == '\r') ++i;
    if (i < text_.size() && text_[i] == '\n') ++i;
    return i;
  }

  std::string_view text_;

 private:
  size_t limit_;
  std::vector<std::pair<char, size_t>> pending_;
};

bool isBreak(char c) {
  return c == '\n' || c == '\r';
}

void replayPlain(Replay& r, size_t i) {
  const auto& t = r.text_;
  while (!r.full() && i < t.size()) {
    char c = t[i];
    if (isBreak(c)) {
      i = r.fold(i);
    } else if (c == ' ' || c == '\t') {
      r.space(c, i++);
    } else {
      r.flush();
      r.emit(c, i++);
    }
  }
}

void replaySingle(Replay& r, size_t i) {
  const auto& t = r.text_;
  ++i;  // the opening quote
  while (!r.full() && i < t.size()) {
    char c = t[i];
    if (c == '\'') {
      if (i + 1 < t.size() && t[i + 1] == '\'') {
        r.flush();
        r.emit('\'', i);
        i += 2;
        continue;
      }
      r.flush();
      return;
    }
    if (isBreak(c)) {
      i = r.fold(i);
    } else if (c == ' ' || c == '\t') {
      r.space(c, i++);
    } else {
      r.flush();
      r.emit(c, i++);
    }
  }
  r.flush();
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void emitCodePoint(Replay& r, uint32_t cp, size_t at) {
  if (cp < 0x80) {
    r.emit(static_cast<char>(cp), at);
  } else if (cp < 0x800) {
    r.emit(static_cast<char>(0xC0 | (cp >> 6)), at);
    r.emit(static_cast<char>(0x80 | (cp & 0x3F)), at);
  } else if (cp < 0x10000) {
    r.emit(static_cast<char>(0xE0 | (cp >> 12)), at);
    r.emit(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
    r.emit(static_cast<char>(0x80 | (cp & 0x3F)), at);
  } else {
    r.emit(static_cast<char>(0xF0 | (cp >> 18)), at);
    r.emit(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)), at);
    r.emit(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
    r.emit(static_cast<char>(0x80 | (cp & 0x3F)), at);
  }
}

// One escape at t[i] == '\\'; returns the offset after it.
size_t escape(Replay& r, size_t i) {
  const auto& t = r.text_;
  if (i + 1 >= t.size()) return i + 1;
  char e = t[i + 1];
  if (isBreak(e)) {  // an escaped line break joins the lines with nothing
    size_t j = r.skipBreak(i + 1);
    while (j < t.size() && (t[j] == ' ' || t[j] == '\t'))
      ++j;
    return j;
  }
  static constexpr std::pair<char, uint32_t> kSimple[] = {
      {'0', 0},  {'a', 7},   {'b', 8},    {'t', 9},    {'\t', 9},     {'n', 10},
      {'v', 11}, {'f', 12},  {'r', 13},   {'e', 27},   {' ', 32},     {'"', 34},
      {'/', 47}, {'\\', 92}, {'N', 0x85}, {'_', 0xA0}, {'L', 0x2028}, {'P', 0x2029},
  };
  for (auto [c, cp] : kSimple) {
    if (c == e) {
      emitCodePoint(r, cp, i);
      return i + 2;
    }
  }
  int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
  uint32_t cp = 0;
  for (int k = 0; k < digits && i + 2 + k < t.size(); ++k)
    cp = cp * 16 + static_cast<uint32_t>(std::max(0, hexValue(t[i + 2 + k])));
  emitCodePoint(r, cp, i);
  return i + 2 + digits;
}

void replayDouble(Replay& r, size_t i) {
  const auto& t = r.text_;
  ++i;
  while (!r.full() && i < t.size()) {
    char c = t[i];
    if (c == '"') break;
    if (c == '\\') {
      r.flush();
      i = escape(r, i);
    } else if (isBreak(c)) {
      i = r.fold(i);
    } else if (c == ' ' || c == '\t') {
      r.space(c, i++);
    } else {
      r.flush();
      r.emit(c, i++);
    }
  }
  r.flush();
}

struct BlockLine {
  size_t begin;   // first content byte (after the indentation)
  size_t end;     // the line break (or end of text)
  bool empty;     // nothing beyond the indentation
  bool indented;  // starts with extra space or a tab: folding keeps its breaks
};

// The lines of a block scalar whose indicator is at t[i].
std::vector<BlockLine> blockLines(std::string_view t, size_t i, size_t explicitIndent) {
  while (i < t.size() && !isBreak(t[i]))
    ++i;  // indicators and a comment
  std::vector<BlockLine> lines;
  size_t indent = explicitIndent;
  while (i < t.size()) {
    if (t[i] == '\r') ++i;
    if (i < t.size() && t[i] == '\n') ++i;
    if (i >= t.size()) break;
    size_t start = i, sp = 0;
    while (i + sp < t.size() && t[i + sp] == ' ')
      ++sp;
    size_t eol = i + sp;
    while (eol < t.size() && !isBreak(t[eol]))
      ++eol;
    bool empty = eol == i + sp;
    if (!empty && indent == 0) indent = sp;
    if (!empty && sp < indent) break;
    size_t begin = std::min(start + indent, eol);
    if (empty && sp < indent) begin = eol;
    bool indented = !empty && begin < eol && (t[begin] == ' ' || t[begin] == '\t');
    lines.push_back({begin, eol, empty || begin == eol, indented});
    i = eol;
  }
  return lines;
}

void replayBlock(Replay& r, size_t i, bool folded, size_t explicitIndent) {
  const auto& t = r.text_;
  std::vector<BlockLine> lines = blockLines(t, i, explicitIndent);
  for (size_t j = 0; j < lines.size() && !r.full(); ++j) {
    const BlockLine& l = lines[j];
    for (size_t k = l.begin; k < l.end; ++k)
      r.emit(t[k], k);
    if (!folded || l.empty || l.indented) {
      r.emit('\n', l.end);
      continue;
    }
    // Folding: a break between two plain lines is a space; blank lines in
    // between each give a newline instead.
    size_t next = j + 1;
    while (next < lines.size() && lines[next].empty)
      ++next;
    if (next < lines.size() && !lines[next].indented) {
      if (next == j + 1) r.emit(' ', l.end);
      for (size_t b = j + 1; b < next; ++b)
        r.emit('\n', lines[b].end);
      j = next - 1;
    } else {
      r.emit('\n', l.end);
    }
  }
}

// The explicit indentation indicator of a block scalar header, made absolute
// from the indentation of the line the header is on; 0 when absent.
size_t explicitIndent(std::string_view t, size_t i) {
  size_t lineStart = t.rfind('\n', i);
  lineStart = lineStart == std::string_view::npos ? 0 : lineStart + 1;
  size_t parent = 0;
  while (lineStart + parent < t.size() && t[lineStart + parent] == ' ')
    ++parent;
  for (size_t k = i + 1; k < t.size() && k < i + 3; ++k)
    if (t[k] >= '1' && t[k] <= '9') return parent + static_cast<size_t>(t[k] - '0');
  return 0;
}

}  // namespace

ScalarMap::ScalarMap(const yaml::Node& node) : node_(node) {}

// Replayed on first use: most maps are made in case a finding needs a
// position, and most scalars have none.
void ScalarMap::replay() const {
  if (replayed_) return;
  replayed_ = true;
  const yaml::Node& node = node_;
  if (!node.where.file) return;
  std::string_view text = node.where.file->text();
  Replay r(text, node.value.size());
  size_t i = node.offset;
  switch (node.style) {
    case yaml::Style::SingleQuoted:
      replaySingle(r, i);
      break;
    case yaml::Style::DoubleQuoted:
      replayDouble(r, i);
      break;
    case yaml::Style::Literal:
    case yaml::Style::Folded:
      replayBlock(r, i, node.style == yaml::Style::Folded, explicitIndent(text, i));
      break;
    default:
      replayPlain(r, i);
  }
  if (r.out.size() < node.value.size() || r.out.compare(0, node.value.size(), node.value) != 0)
    return;
  source_ = std::move(r.from);
  source_.resize(node.value.size());
  // Just past the end: one byte after the last character's source.
  source_.push_back(source_.empty() ? node.offset : source_.back() + 1);
  exact_ = true;
}

Position ScalarMap::position(size_t offset) const {
  replay();
  if (!node_.where.file) return {};
  if (!exact_) return node_.where.begin;
  offset = std::min(offset, source_.size() - 1);
  return node_.where.file->positionOf(source_[offset]);
}

Location ScalarMap::location(size_t offset, size_t length) const {
  replay();
  Location loc{node_.where.file, position(offset), position(offset)};
  if (length > 0 && exact_) {
    size_t last = std::min(offset + length - 1, source_.size() - 1);
    loc.end = node_.where.file->positionOf(source_[last] + 1);
  }
  return loc;
}

}  // namespace galley::expr

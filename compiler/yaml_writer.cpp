#include "compiler/yaml_writer.h"

#include "compiler/yaml.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include "compiler/ascii.h"
#include "compiler/source.h"
#include "compiler/yaml.h"

namespace galley::yaml {

Out Out::number(double d) {
  char buf[32];
  if (std::floor(d) == d && std::fabs(d) < 1e15)
    return bare(std::to_string(static_cast<long long>(d)));
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return bare(std::string(buf, r.ptr));
}

Out Out::strings(const std::vector<std::string>& items) {
  Out s = seq();
  for (const auto& i : items)
    s.push(str(i));
  return s;
}

Out& Out::set(const std::string& key, Out value) {
  for (auto& [k, v] : entries_)
    if (k == key) return v = std::move(value);
  entries_.emplace_back(key, std::move(value));
  return entries_.back().second;
}

Out* Out::get(const std::string& key) {
  for (auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

Out& Out::push(Out value) {
  items_.push_back(std::move(value));
  return items_.back();
}

namespace {

// Words that some YAML reader (1.1 or 1.2) would take for a boolean or null.
bool reservedWord(const std::string& s) {
  static const char* words[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"};
  std::string lower = lowerCase(s);
  for (const char* w : words)
    if (lower == w) return true;
  return false;
}

bool looksNumeric(const std::string& s) {
  Node probe;
  probe.kind = Kind::Scalar;
  probe.value = s;
  if (probe.asNumber()) return true;
  // YAML 1.1 readers also take 1_000, 0b101 and sexagesimal 1:30 for numbers.
  bool digitsAndMarks = !s.empty();
  for (char c : s)
    digitsAndMarks &= std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
                      c == '.' || c == '-' || c == '+';
  return digitsAndMarks && std::isdigit(static_cast<unsigned char>(s.back()));
}

std::string singleQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// The code point of the UTF-8 sequence of n bytes at s[i].
uint32_t codePoint(const std::string& s, size_t i, size_t n) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  if (n == 1) return b(0);
  if (n == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (n == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// Characters a YAML reader refuses raw (outside YAML's printable set:
// C0 controls but tab and newline, DEL, C1 controls, U+FFFE, U+FFFF) or
// reads as a line break (U+0085, U+2028, U+2029 in YAML 1.1, as libyaml
// and PyYAML do). They can only be written escaped, in double quotes.
bool unprintable(uint32_t cp, bool allowNewline) {
  if (cp == '\n') return !allowNewline;
  if (cp == '\t') return false;
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE ||
         cp == 0xFFFF;
}

bool hasUnprintable(const std::string& s, bool allowNewline) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8Length(s, i);
    if (n == 0) return true;  // not UTF-8: written as U+FFFD, escaped
    if (unprintable(codePoint(s, i, n), allowNewline)) return true;
    i += n;
  }
  return false;
}

void appendHex(std::string& out, char kind, uint32_t cp, int digits) {
  static const char* kHex = "0123456789abcdef";
  out += '\\';
  out += kind;
  for (int d = digits - 1; d >= 0; --d)
    out += kHex[(cp >> (4 * d)) & 0xF];
}

}  // namespace

std::string escapedText(const std::string& s, bool quotes) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8Length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    uint32_t cp = codePoint(s, i, n);
    switch (cp) {
      case '"':
        out += quotes ? "\\\"" : "\"";
        break;
      case '\\':
        out += quotes ? "\\\\" : "\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += quotes ? "\\t" : "\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (unprintable(cp, false))
          appendHex(out, cp <= 0xFF ? 'x' : 'u', cp, cp <= 0xFF ? 2 : 4);
        else
          out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

namespace {

std::string doubleQuoted(const std::string& s) {
  return "\"" + escapedText(s, true) + "\"";
}

bool hasControl(const std::string& s, bool allowNewline) {
  return hasUnprintable(s, allowNewline);
}

std::string scalar(const std::string& s) {
  if (plainSafe(s)) return s;
  if (hasControl(s, false) || s.find('\n') != std::string::npos) return doubleQuoted(s);
  return singleQuoted(s);
}

// A literal block keeps scripts readable; it cannot carry control characters
// or lines that are only trailing whitespace on the first line.
bool blockable(const std::string& s) {
  return s.find('\n') != std::string::npos && !hasControl(s, true) &&
         s.find('\r') == std::string::npos;
}

void writeBlock(std::ostringstream& out, const std::string& s, int indent) {
  out << '|';
  if (!s.empty() && (s[0] == ' ' || s[0] == '\n')) out << 2;
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n')
    ++trailing;
  if (trailing == 0) out << '-';
  if (trailing > 1) out << '+';
  out << '\n';
  std::string pad(indent + 2, ' ');
  std::string body = s.substr(0, s.size() - trailing);
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      out << '\n';
    } else {
      out << pad << line << '\n';
    }
  }
  for (size_t i = 1; i < trailing; ++i)
    out << '\n';
}

void writeNode(std::ostringstream& out, const Out& n, int indent, bool dashed = false);

// Writes the value that follows "key:" or "- " on the same line.
void writeValue(std::ostringstream& out, const Out& v, int indent, bool inSequence) {
  switch (v.kind()) {
    case Out::Kind::Bare:
      out << ' ' << v.text() << '\n';
      return;
    case Out::Kind::String:
      if (blockable(v.text())) {
        out << ' ';
        writeBlock(out, v.text(), indent);
      } else {
        out << ' ' << scalar(v.text()) << '\n';
      }
      return;
    case Out::Kind::Sequence:
      if (v.items().empty()) {
        out << " []\n";
        return;
      }
      out << '\n';
      writeNode(out, v, indent + 2);
      return;
    case Out::Kind::Mapping:
      if (v.entries().empty()) {
        out << " {}\n";
        return;
      }
      out << '\n';
      writeNode(out, v, indent + 2);
      return;
  }
}

// dashed: the first mapping entry follows a "- " already written.
void writeNode(std::ostringstream& out, const Out& n, int indent, bool dashed) {
  std::string pad(indent, ' ');
  if (n.kind() == Out::Kind::Sequence) {
    for (const auto& item : n.items()) {
      out << pad << '-';
      if (item.kind() == Out::Kind::Mapping && !item.entries().empty()) {
        // The first entry shares the dash's line; the rest align under it.
        out << ' ';
        writeNode(out, item, indent + 2, true);
      } else {
        writeValue(out, item, indent, true);
      }
    }
    return;
  }
  for (const auto& [key, value] : n.entries()) {
    if (!dashed) out << pad;
    dashed = false;
    out << (key == "on" ? key : scalar(key)) << ':';
    writeValue(out, value, indent, false);
  }
}

}  // namespace

bool plainSafe(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    // "-x" and "?x" style starts are plain only when not followed by a space.
    bool indicatorOk =
        (s.front() == '-' || s.front() == '?' || s.front() == ':') && s.size() > 1 && s[1] != ' ';
    if (!indicatorOk) return false;
  }
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  if (s.back() == ':') return false;
  if (hasControl(s, false) || s.find('\n') != std::string::npos ||
      s.find('\t') != std::string::npos)
    return false;
  if (reservedWord(s) || looksNumeric(s)) return false;
  return true;
}

std::string write(const Out& doc, const std::vector<std::string>& header, bool spaced) {
  std::ostringstream out;
  // A header line holding a newline (a file named "x\non: ..." ) would
  // end the comment and start YAML: escape what cannot stand in a comment.
  for (const auto& h : header) {
    std::string line = escapedText(h, false);
    out << "# " << line << '\n';
  }
  if (!header.empty()) out << '\n';
  if (doc.kind() != Out::Kind::Mapping) {
    writeNode(out, doc, 0);
    return out.str();
  }
  bool first = true;
  for (const auto& [key, value] : doc.entries()) {
    // Groups of scalar entries stay together; blocks get a blank line before them.
    bool block = value.kind() == Out::Kind::Mapping || value.kind() == Out::Kind::Sequence;
    if (spaced && !first && block) out << '\n';
    Out single = Out::map();
    single.set(key, value);
    writeNode(out, single, 0);
    first = false;
  }
  return out.str();
}

Node asNode(const Out& out, Location where) {
  if (out.where().known()) where = out.where();
  Node n;
  n.where = where;
  switch (out.kind()) {
    case Out::Kind::String:
      n.kind = Kind::Scalar;
      n.style = Style::DoubleQuoted;
      n.value = out.text();
      break;
    case Out::Kind::Bare:
      n.kind = out.text() == "null" ? Kind::Null : Kind::Scalar;
      n.value = out.text();
      break;
    case Out::Kind::Sequence:
      n.kind = Kind::Sequence;
      n.style = Style::Block;
      for (const Out& item : out.items())
        n.items.push_back(asNode(item, where));
      break;
    case Out::Kind::Mapping:
      n.kind = Kind::Mapping;
      n.style = Style::Block;
      for (const auto& [k, v] : out.entries()) {
        Entry e;
        e.key.kind = Kind::Scalar;
        e.key.value = k;
        e.key.where = v.where().known() ? v.where() : where;
        e.value = asNode(v, where);
        n.entries.push_back(std::move(e));
      }
      break;
  }
  return n;
}

}  // namespace galley::yaml

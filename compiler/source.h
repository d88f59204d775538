// Source files and positions in them.
//
// Every node, token and diagnostic carries a Location pointing into a
// SourceFile. SourceFiles are owned by a Sources set that outlives everything
// built from them (one per command), so a Location is a cheap raw pointer.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace galley {

// A 1-based line and column. Columns count bytes, as the YAML parser does.
// line == 0 means "no position" (for example, a generated node with no origin).
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // The text of 1-based line n without its line terminator ("" when out of range).
  std::string_view line(uint32_t n) const;
  uint32_t lineCount() const { return static_cast<uint32_t>(lineStarts_.size()); }
  // The position of a byte offset into text().
  Position positionOf(size_t offset) const;
  // The byte offset of a position (clamped to the text).
  size_t offsetOf(Position p) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> lineStarts_;
};

// A half-open range [begin, end) in one file; end may equal begin.
struct Location {
  const SourceFile* file = nullptr;
  Position begin;
  Position end;

  bool known() const { return file != nullptr && begin.line != 0; }
  std::string_view path() const {
    return file ? std::string_view(file->path()) : std::string_view();
  }
};

// Limits on what galley reads, so hostile input cannot exhaust memory.
inline constexpr size_t kMaxSourceBytes = 32u << 20;

// Owns the source files of one command. Thread-safe: lint loads files from
// several threads. Returned pointers stay valid for the life of the set.
class Sources {
 public:
  // Adds in-memory text (tests, standard input, generated files).
  const SourceFile* add(std::string path, std::string text);
  // Reads a file from disk. On failure returns nullptr and sets *err to a
  // message naming the path (missing, unreadable, too large).
  const SourceFile* read(const std::string& path, std::string* err);

 private:
  std::mutex mu_;
  std::deque<SourceFile> files_;
};

// The length of the UTF-8 sequence at s[i] (1 for ASCII), or 0 when the
// bytes there are not UTF-8 (overlong forms and surrogates included).
size_t utf8Length(std::string_view s, size_t i);

// Why text cannot be YAML at all: it holds NUL bytes or is not UTF-8.
// Returns an empty string when the text is acceptable; otherwise a message,
// with *offset set to the first offending byte.
std::string checkText(std::string_view text, size_t* offset);

}  // namespace galley

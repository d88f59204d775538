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

// What readRegularFile found.
enum class ReadResult { Ok, Missing, Failed };

// Reads the regular file at path (through symlinks) into *text, at most
// maxBytes of it. Never blocks and never reads without end: a FIFO, device,
// socket or folder is refused without reading it, and a file that holds
// more than maxBytes (whatever its size claims) is refused after maxBytes+1.
// Missing: nothing at path (*err says so too). Failed: *err names the path
// and the reason (not a regular file, too large, unreadable).
ReadResult readRegularFile(const std::string& path, size_t maxBytes, std::string* text,
                           std::string* err);
// The same for a descriptor already open (O_NONBLOCK, for a FIFO's sake),
// named path in messages; the caller keeps and closes fd.
ReadResult readOpenFile(int fd, const std::string& path, size_t maxBytes, std::string* text,
                        std::string* err);

// Owns the source files of one command. Thread-safe: lint loads files from
// several threads. Returned pointers stay valid for the life of the set.
class Sources {
 public:
  // Adds in-memory text (tests, standard input, generated files).
  const SourceFile* add(std::string path, std::string text);
  // Reads a regular file from disk (readRegularFile, kMaxSourceBytes). On
  // failure returns nullptr and sets *err to a message naming the path
  // (missing, unreadable, not a regular file, too large).
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

#include "compiler/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace galley {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  lineStarts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') lineStarts_.push_back(static_cast<uint32_t>(i + 1));
  }
  // A final newline does not open a new line.
  if (lineStarts_.size() > 1 && lineStarts_.back() == text_.size()) lineStarts_.pop_back();
}

std::string_view SourceFile::line(uint32_t n) const {
  if (n == 0 || n > lineStarts_.size()) return {};
  size_t begin = lineStarts_[n - 1];
  size_t end = n < lineStarts_.size() ? lineStarts_[n] : text_.size();
  std::string_view s(text_.data() + begin, end - begin);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Position SourceFile::positionOf(size_t offset) const {
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  size_t index = static_cast<size_t>(it - lineStarts_.begin()) - 1;
  return {static_cast<uint32_t>(index + 1), static_cast<uint32_t>(offset - lineStarts_[index] + 1)};
}

size_t SourceFile::offsetOf(Position p) const {
  if (p.line == 0) return 0;
  if (p.line > lineStarts_.size()) return text_.size();
  return std::min(text_.size(), size_t{lineStarts_[p.line - 1]} + (p.column ? p.column - 1 : 0));
}

const SourceFile* Sources::add(std::string path, std::string text) {
  std::lock_guard lock(mu_);
  return &files_.emplace_back(std::move(path), std::move(text));
}

const SourceFile* Sources::read(const std::string& path, std::string* err) {
  std::string text;
  if (readRegularFile(path, kMaxSourceBytes, &text, err) != ReadResult::Ok) return nullptr;
  return add(path, std::move(text));
}

namespace {

// Closes a descriptor on every return path.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string typeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

std::string tooLarge(const std::string& path, const std::string& size, size_t maxBytes) {
  return path + ": file is " + size + " bytes; galley reads at most " + std::to_string(maxBytes) +
         " bytes";
}

}  // namespace

ReadResult readRegularFile(const std::string& path, size_t maxBytes, std::string* text,
                           std::string* err) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
  // before fstat could tell what it is.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) {
    int e = errno;
    *err = path + (e == ENOENT ? ": no such file"
                               : ": cannot open file: " + std::string(std::strerror(e)));
    return e == ENOENT || e == ENOTDIR ? ReadResult::Missing : ReadResult::Failed;
  }
  return readOpenFile(f.fd, path, maxBytes, text, err);
}

ReadResult readOpenFile(int fd, const std::string& path, size_t maxBytes, std::string* text,
                        std::string* err) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    *err = path + ": cannot read file: " + std::strerror(errno);
    return ReadResult::Failed;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = path + ": is " + typeName(st.st_mode) + ", not a regular file";
    return ReadResult::Failed;
  }
  if (st.st_size > 0 && static_cast<uint64_t>(st.st_size) > maxBytes) {
    *err = tooLarge(path, std::to_string(st.st_size), maxBytes);
    return ReadResult::Failed;
  }
  // The size fstat gives is a hint (files in /proc claim 0, a file may
  // grow): read until the end, stopping one byte past the limit.
  text->clear();
  text->resize(std::min<uint64_t>(maxBytes, static_cast<uint64_t>(std::max<off_t>(st.st_size, 0))) +
               1);
  size_t have = 0;
  for (;;) {
    if (have == text->size()) {
      if (have > maxBytes) break;
      text->resize(std::min(maxBytes + 1, std::max<size_t>(have * 2, 4096)));
    }
    ssize_t n = ::read(fd, text->data() + have, text->size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = path + ": cannot read file: " + std::strerror(errno);
      return ReadResult::Failed;
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  if (have > maxBytes) {
    *err = tooLarge(path, "more than " + std::to_string(maxBytes), maxBytes);
    return ReadResult::Failed;
  }
  text->resize(have);
  return ReadResult::Ok;
}

size_t utf8Length(std::string_view s, size_t i) {
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  unsigned char c = static_cast<unsigned char>(s[i]);
  unsigned char c1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    bool ok = c == 0xE0 ? c1 >= 0xA0 : c == 0xED ? c1 < 0xA0 : true;  // no overlongs, surrogates
    return ok && cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    bool ok = c == 0xF0 ? c1 >= 0x90 : c == 0xF4 ? c1 < 0x90 : true;  // up to U+10FFFF
    return ok && cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

std::string checkText(std::string_view text, size_t* offset) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) {
      *offset = i;
      return "file holds NUL bytes: it looks binary, not YAML";
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = utf8Length(text, i);
    if (!n) {
      *offset = i;
      return "file is not valid UTF-8";
    }
    i += n;
  }
  return {};
}

}  // namespace galley

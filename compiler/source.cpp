#include "compiler/source.h"

#include <algorithm>
#include <fstream>
#include <sstream>

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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path + ": cannot open file";
    return nullptr;
  }
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) {
    *err = path + ": cannot read file";
    return nullptr;
  }
  if (static_cast<size_t>(size) > kMaxSourceBytes) {
    *err = path + ": file is " + std::to_string(size) + " bytes; galley reads at most " +
           std::to_string(kMaxSourceBytes) + " bytes";
    return nullptr;
  }
  in.seekg(0);
  std::string text(static_cast<size_t>(size), '\0');
  if (!in.read(text.data(), size)) {
    *err = path + ": cannot read file";
    return nullptr;
  }
  return add(path, std::move(text));
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

#include "runtime/display.h"

#include <cstdio>

#include "compiler/source.h"

namespace galley::run {

namespace {

uint32_t decode(std::string_view s, size_t i, size_t len) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  switch (len) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

// The wide ranges of Unicode's East Asian Width (W and F), coarsely: enough
// that CJK text and emoji do not push a line past the terminal's edge.
bool wide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

// Combining marks and zero-width characters take no column.
bool zeroWidth(uint32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0xFEFF ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

}  // namespace

std::string printable(std::string_view text, bool tabs) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\t') {
      out += tabs ? '\t' : ' ';
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += '^';
      out += static_cast<char>(c == 0x7F ? '?' : c + 0x40);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      size_t len = utf8Length(text, i);
      uint32_t cp = len ? decode(text, i, len) : 0;
      if (len == 0 || (cp >= 0x80 && cp <= 0x9F)) {
        out += '?';
        i += len ? len : 1;
      } else {
        out.append(text.substr(i, len));
        i += len;
      }
    }
  }
  return out;
}

size_t displayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len = utf8Length(text, i);
    if (len == 0) len = 1;
    uint32_t cp = decode(text, i, len);
    width += zeroWidth(cp) ? 0 : wide(cp) ? 2 : 1;
    i += len;
  }
  return width;
}

std::string fitWidth(std::string_view text, size_t width) {
  std::string safe = printable(text, false);
  if (displayWidth(safe) <= width) return safe;
  if (width == 0) return {};
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < safe.size();) {
    size_t len = utf8Length(safe, i);
    if (len == 0) len = 1;
    uint32_t cp = decode(safe, i, len);
    size_t w = zeroWidth(cp) ? 0 : wide(cp) ? 2 : 1;
    if (used + w > width - 1) break;
    out.append(safe, i, len);
    used += w;
    i += len;
  }
  return out + "…";
}

std::string padTo(std::string_view text, size_t width) {
  std::string out(text);
  size_t w = displayWidth(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string formatDuration(Clock::duration d) {
  long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms < 0) ms = 0;
  char buf[32];
  if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%lld.%llds", ms / 1000, (ms % 1000) / 100);
  } else if (ms < 3'600'000) {
    long long s = ms / 1000;
    std::snprintf(buf, sizeof buf, "%lldm %02llds", s / 60, s % 60);
  } else {
    long long m = ms / 60'000;
    std::snprintf(buf, sizeof buf, "%lldh %02lldm", m / 60, m % 60);
  }
  return buf;
}

std::string paint(std::string_view text, const char* sgr, bool on) {
  if (!on) return std::string(text);
  return std::string("\033[") + sgr + "m" + std::string(text) + "\033[0m";
}

}  // namespace galley::run

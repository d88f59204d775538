#include "compiler/json_writer.h"

#include <charconv>

#include "compiler/source.h"

namespace galley {

void appendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          ((out += "\\u00") += hex[c >> 4]) += hex[c & 15];
        } else if (size_t n = utf8Length(s, i)) {
          out.append(s, i, n);
          i += n;
          continue;
        } else {
          out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
        }
    }
    ++i;
  }
  out += '"';
}

void jsonNewline(std::string& text, int depth) {
  text += '\n';
  text.append(2 * static_cast<size_t>(depth), ' ');
}

std::string& JsonObject::key(std::string_view name) {
  if (any_) text_ += ',';
  any_ = true;
  jsonNewline(text_, depth_ + 1);
  appendJsonString(text_, name);
  return text_ += ": ";
}

void JsonObject::number(std::string_view name, uint32_t value) {
  char digits[16];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  key(name).append(digits, end);
}

JsonObject::~JsonObject() {
  if (any_) jsonNewline(text_, depth_);
  text_ += '}';
}

}  // namespace galley

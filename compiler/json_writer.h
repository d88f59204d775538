// JSON written directly rather than through a document tree, byte for byte
// as nlohmann::json's dump(2) writes the same values (members sorted,
// two-space indent): a lint run writes thousands of findings, and building
// and dumping a tree of them cost more than linting. Diagnostics
// (compiler/render.h), lint's SARIF and the expression language's toJSON
// write their JSON with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace galley {

// s as a JSON string, quotes included: `"`, `\` and control characters
// escaped, other text as it is, a byte that is not UTF-8 as U+FFFD.
void appendJsonString(std::string& out, std::string_view s);

// A newline and the indent of nesting depth `depth` (two spaces each).
void jsonNewline(std::string& text, int depth);

// The members of one object at nesting depth `depth`, appended to text in
// the order given: give them sorted. The object closes when this does.
class JsonObject {
 public:
  JsonObject(std::string& text, int depth) : text_(text), depth_(depth) { text_ += '{'; }
  JsonObject(const JsonObject&) = delete;
  JsonObject& operator=(const JsonObject&) = delete;
  ~JsonObject();
  // Writes the member's name; the caller appends its value to the result.
  std::string& key(std::string_view name);
  void string(std::string_view name, std::string_view value) { appendJsonString(key(name), value); }
  void number(std::string_view name, uint32_t value);

 private:
  std::string& text_;
  int depth_;
  bool any_ = false;
};

}  // namespace galley

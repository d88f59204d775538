// A small, deterministic YAML writer for generated pipelines.
//
// Emitters build an Out tree (mappings keep insertion order) and write it
// once. The writer decides quoting: plain where YAML would read the text back
// as the same string, single quotes otherwise, literal block scalars for
// multi-line text. Typed scalars (numbers, booleans) are written bare.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/source.h"

namespace galley::yaml {

class Out {
 public:
  enum class Kind { String, Bare, Sequence, Mapping };

  Out() : kind_(Kind::Mapping) {}
  static Out str(std::string s) { return Out(Kind::String, std::move(s)); }
  // Written as is: numbers, booleans, null.
  static Out bare(std::string s) { return Out(Kind::Bare, std::move(s)); }
  static Out number(double d);
  static Out boolean(bool b) { return bare(b ? "true" : "false"); }
  static Out seq() { return Out(Kind::Sequence, {}); }
  static Out map() { return Out(Kind::Mapping, {}); }
  static Out strings(const std::vector<std::string>& items);

  // Where the user wrote what this node was made from (galley.yml, a
  // recipe), for `galley run`, which runs the tree without writing it.
  Out& at(Location where) {
    where_ = where;
    return *this;
  }
  const Location& where() const { return where_; }

  Kind kind() const { return kind_; }
  bool empty() const { return items_.empty() && entries_.empty(); }
  const std::string& text() const { return text_; }

  // Mapping: appends key (or replaces its value when present) and returns the value.
  Out& set(const std::string& key, Out value);
  Out* get(const std::string& key);
  // Sequence: appends.
  Out& push(Out value);

  const std::vector<Out>& items() const { return items_; }
  const std::vector<std::pair<std::string, Out>>& entries() const { return entries_; }

 private:
  Out(Kind k, std::string text) : kind_(k), text_(std::move(text)) {}
  Kind kind_;
  std::string text_;
  Location where_;
  std::vector<Out> items_;
  std::vector<std::pair<std::string, Out>> entries_;
};

// Writes a document. header lines are written as "# line" comments first;
// a blank line separates top-level entries when spaced is set.
std::string write(const Out& doc, const std::vector<std::string>& header = {}, bool spaced = true);

// The tree as the YAML model reads its written text, without writing it:
// strings become double-quoted scalars (so they stay strings), bare values
// plain ones. A node takes its own position, else its parent's.
struct Node;
Node asNode(const Out& out, Location where = {});

// Whether a string can be written as a plain scalar and read back unchanged.
bool plainSafe(const std::string& s);

// s with every character a YAML reader refuses raw or reads as a line break
// (controls, newlines, DEL, U+0080-U+009F, U+2028, U+2029, U+FFFE, U+FFFF,
// bytes that are not UTF-8) written as a YAML escape (\x7f, \u2028, \n);
// with quotes, '"' and '\\' too, for the inside of a double-quoted scalar.
// Without, the result is safe in a comment.
std::string escapedText(const std::string& s, bool quotes);

}  // namespace galley::yaml

#include "compiler/workflow_tags.h"

#include <yaml.h>

#include <map>
#include <memory>

#include "compiler/workflow_template.h"
#include "compiler/yaml.h"

namespace galley::wf {

namespace {

const char* const kRule = "workflow-syntax";
constexpr std::string_view kCore = "tag:yaml.org,2002:";

struct Tag {
  std::string name;  // resolved: tag:yaml.org,2002:bool
  yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
  bool scalar = false;
  Position at;  // where the tag is written
};

// The explicit tags of the file's first document, by the offset where
// their node's text starts.
std::map<size_t, Tag> scanTags(const SourceFile& file) {
  std::map<size_t, Tag> out;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return out;
  std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> guard(&parser, yaml_parser_delete);
  const std::string& text = file.text();
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  for (;;) {
    yaml_event_t e;
    if (!yaml_parser_parse(&parser, &e)) break;
    std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> event(&e, yaml_event_delete);
    if (e.type == YAML_STREAM_END_EVENT || e.type == YAML_DOCUMENT_END_EVENT) break;
    const yaml_char_t* tag = nullptr;
    Tag t;
    if (e.type == YAML_SCALAR_EVENT && !e.data.scalar.plain_implicit &&
        !e.data.scalar.quoted_implicit) {
      tag = e.data.scalar.tag;
      t.scalar = true;
      t.style = e.data.scalar.style;
    } else if (e.type == YAML_SEQUENCE_START_EVENT && !e.data.sequence_start.implicit) {
      tag = e.data.sequence_start.tag;
    } else if (e.type == YAML_MAPPING_START_EVENT && !e.data.mapping_start.implicit) {
      tag = e.data.mapping_start.tag;
    }
    if (!tag) continue;
    t.name = reinterpret_cast<const char*>(tag);
    t.at = file.positionOf(e.start_mark.index);
    out[yaml::skipProperties(text, e.start_mark.index)] = std::move(t);
  }
  return out;
}

const char* styleName(yaml_scalar_style_t s) {
  switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      return "SingleQuoted";
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      return "DoubleQuoted";
    case YAML_LITERAL_SCALAR_STYLE:
      return "Literal";
    case YAML_FOLDED_SCALAR_STYLE:
      return "Folded";
    default:
      return "Plain";
  }
}

std::string where(const Position& p) {
  return "line " + std::to_string(p.line) + " and column " + std::to_string(p.column);
}

// YAML 1.2 core integers: decimal, 0o octal, 0x hexadecimal.
bool isInteger(std::string_view v) {
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o')) {
    for (char c : v.substr(2))
      if (!std::isxdigit(static_cast<unsigned char>(c)) || (v[1] == 'o' && (c < '0' || c > '7')))
        return false;
    return true;
  }
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  if (v.empty()) return false;
  for (char c : v)
    if (c < '0' || c > '9') return false;
  return true;
}

bool isNullText(std::string_view v) {
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

class Tagger {
 public:
  Tagger(const SourceFile& file, std::map<size_t, Tag> tags, Diagnostics& diags)
      : file_(file), tags_(std::move(tags)), diags_(diags) {}

  bool apply(yaml::Node& n) {
    if (!ok_) return false;
    // An empty tagged value starts where the next node does: the tag is the
    // first node's there, in document order.
    if (auto it = tags_.find(n.offset); it != tags_.end()) {
      applyTag(n, it->second);
      tags_.erase(it);
    }
    for (yaml::Node& i : n.items)
      apply(i);
    for (yaml::Entry& e : n.entries) {
      apply(e.key);
      apply(e.value);
    }
    return ok_;
  }

 private:
  const SourceFile& file_;
  std::map<size_t, Tag> tags_;
  Diagnostics& diags_;
  bool ok_ = true;

  void fail(std::string message) {
    if (!ok_) return;
    ok_ = false;
    diags_.error(Location{&file_, {}, {}}, kRule, std::move(message));
  }

  void applyTag(yaml::Node& n, const Tag& t) {
    std::string_view name = t.name;
    std::string_view kind = name.starts_with(kCore) ? name.substr(kCore.size()) : "";
    if (!t.scalar) {
      if (!((kind == "seq" && n.isSequence()) || (kind == "map" && n.isMapping())))
        fail("Unexpected tag '" + t.name + "'");
      return;
    }
    // `!` alone is YAML's non-specific tag: on a scalar, a string.
    if (kind == "str" || name == "!") {
      if (n.isNull()) n.value.clear();
      n.kind = yaml::Kind::Scalar;
      if (n.style == yaml::Style::Plain) n.style = yaml::Style::DoubleQuoted;
      return;
    }
    if (kind != "null" && kind != "bool" && kind != "int" && kind != "float") {
      fail("Unexpected tag '" + t.name + "'");
      return;
    }
    if (t.style != YAML_PLAIN_SCALAR_STYLE) {
      fail("The scalar style '" + std::string(styleName(t.style)) + "' on " + where(t.at) +
           " is not valid with the tag '" + t.name + "'");
      return;
    }
    bool fits = kind == "null"   ? n.isNull() || isNullText(n.value)
                : kind == "bool" ? n.isScalar() && n.asBool().has_value()
                : kind == "int"  ? n.isScalar() && isInteger(n.value)
                                 : n.isScalar() && coreNumber(n).has_value();
    if (!fits) {
      fail("The value '" + n.value + "' on " + where(t.at) + " is invalid for the type '" + t.name +
           "'");
      return;
    }
    if (kind == "null") {
      n.kind = yaml::Kind::Null;
      n.value.clear();
    }
  }
};

}  // namespace

bool mayHaveTags(const SourceFile& file) {
  return file.text().find('!') != std::string::npos;
}

bool applyTags(const SourceFile& file, yaml::Node* root, Diagnostics& diags) {
  std::map<size_t, Tag> tags = scanTags(file);
  if (tags.empty()) return true;
  return Tagger(file, std::move(tags), diags).apply(*root);
}

}  // namespace galley::wf

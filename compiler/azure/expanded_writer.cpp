#include "compiler/azure/expanded_writer.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "compiler/yaml_writer.h"

namespace galley::azure {

namespace {

using yaml::Node;

// A plain scalar that YAML reads as a boolean, number or null: written as
// is, since that is what it meant where it was written.
bool typedPlain(const Node& n) {
  if (n.asBool() || n.asNumber()) return true;
  const std::string& v = n.value;
  return v == "null" || v == "Null" || v == "NULL" || v == "~";
}

// A literal block keeps text exactly when no line ends in blanks and the
// text has no characters YAML cannot hold raw.
bool blockSafe(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.front() == '\n') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c == ' ' || c == '\t') && (i + 1 == s.size() || s[i + 1] == '\n')) return false;
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c == '\r') return false;
  }
  // Beyond ASCII, the escaper knows which characters a reader refuses.
  for (unsigned char c : s)
    if (c >= 0x80) {
      std::istringstream lines(s);
      for (std::string line; std::getline(lines, line);)
        if (yaml::escapedText(line, false) != line) return false;
      break;
    }
  return true;
}

class Writer {
 public:
  Writer(bool explain, std::string baseDir) : explain_(explain), base_(std::move(baseDir)) {}

  std::string run(const Node& doc) {
    if (doc.isMapping() && !doc.entries.empty())
      mapping(doc, 0);
    else if (doc.isSequence() && !doc.items.empty())
      sequence(doc, 0);
    else
      out_ << scalar(doc, 0) << origin(doc) << '\n';
    return out_.str();
  }

 private:
  std::string origin(const Node& n) const {
    if (!explain_ || !n.where.known()) return {};
    std::string path(n.where.path());
    if (!base_.empty() && path.rfind(base_ + "/", 0) == 0) path = path.substr(base_.size() + 1);
    return "  # " + yaml::escapedText(path, false) + ":" + std::to_string(n.where.begin.line) +
           ":" + std::to_string(n.where.begin.column);
  }

  // The scalar's text on one line, or a block header whose lines follow
  // (indented by `indent`).
  std::string scalar(const Node& n, int indent) {
    if (n.isNull()) return n.value == "" ? "" : n.value;
    const std::string& v = n.value;
    if (v.find('\n') != std::string::npos && blockSafe(v)) {
      std::string text = "|";
      if (v.back() != '\n')
        text += "-";
      else if (v.size() > 1 && v[v.size() - 2] == '\n')
        text += "+";
      pendingBlock_ = v;
      pendingIndent_ = indent;
      return text;
    }
    if (n.style == yaml::Style::Plain && typedPlain(n)) return v;
    if (yaml::plainSafe(v)) return v;
    return "\"" + yaml::escapedText(v, true) + "\"";
  }

  void flushBlock() {
    if (pendingBlock_.empty()) return;
    std::istringstream lines(pendingBlock_);
    std::string pad(static_cast<size_t>(pendingIndent_), ' ');
    for (std::string line; std::getline(lines, line);)
      out_ << (line.empty() ? "" : pad) << line << '\n';
    pendingBlock_.clear();
  }

  static bool emptyCollection(const Node& n) {
    return (n.isMapping() && n.entries.empty()) || (n.isSequence() && n.items.empty());
  }

  std::string keyText(const Node& key) {
    if (key.isScalar() && yaml::plainSafe(key.value)) return key.value;
    if (key.isPlain() && typedPlain(key)) return key.value;
    return "\"" + yaml::escapedText(key.value, true) + "\"";
  }

  // value after "key:" or "- " on the same line, or on lines below.
  void value(const Node& v, int indent, const std::string& lead) {
    if (v.isMapping() && !v.entries.empty()) {
      out_ << lead << origin(v) << '\n';
      mapping(v, indent);
    } else if (v.isSequence() && !v.items.empty()) {
      out_ << lead << origin(v) << '\n';
      sequence(v, indent);
    } else if (emptyCollection(v)) {
      out_ << lead << (v.isMapping() ? " {}" : " []") << origin(v) << '\n';
    } else {
      std::string text = scalar(v, indent);
      out_ << lead << (text.empty() ? "" : " " + text) << origin(v) << '\n';
      flushBlock();
    }
  }

  void mapping(const Node& n, int indent) {
    std::string pad(static_cast<size_t>(indent), ' ');
    for (const auto& e : n.entries)
      value(e.value, indent + 2, pad + keyText(e.key) + ":");
  }

  void sequence(const Node& n, int indent) {
    std::string pad(static_cast<size_t>(indent), ' ');
    for (const auto& item : n.items) {
      if (item.isMapping() && !item.entries.empty()) {
        // The first entry on the dash's line, the rest below it.
        std::string inner(static_cast<size_t>(indent + 2), ' ');
        bool first = true;
        for (const auto& e : item.entries) {
          std::string lead = (first ? pad + "- " : inner) + keyText(e.key) + ":";
          value(e.value, indent + 4, lead);
          first = false;
        }
      } else if (item.isSequence() && !item.items.empty()) {
        out_ << pad << "-" << origin(item) << '\n';
        sequence(item, indent + 2);
      } else {
        value(item, indent + 2, pad + "-");
      }
    }
  }

  bool explain_;
  std::string base_;
  std::ostringstream out_;
  std::string pendingBlock_;
  int pendingIndent_ = 0;
};

nlohmann::ordered_json toJson(const Node& n, const std::string& base) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  std::string path(n.where.path());
  if (!base.empty() && path.rfind(base + "/", 0) == 0) path = path.substr(base.size() + 1);
  j["file"] = path;
  j["line"] = n.where.begin.line;
  j["column"] = n.where.begin.column;
  if (n.isSequence()) {
    j["items"] = nlohmann::ordered_json::array();
    for (const auto& item : n.items)
      j["items"].push_back(toJson(item, base));
  } else if (n.isMapping()) {
    j["entries"] = nlohmann::ordered_json::array();
    for (const auto& e : n.entries)
      j["entries"].push_back({{"key", toJson(e.key, base)}, {"value", toJson(e.value, base)}});
  } else if (n.isScalar()) {
    j["value"] = n.value;
  } else {
    j["value"] = nullptr;
  }
  return j;
}

}  // namespace

std::string writeYaml(const yaml::Node& doc) {
  return Writer(false, {}).run(doc);
}

std::string writeExplained(const yaml::Node& doc, const std::string& baseDir) {
  return Writer(true, baseDir).run(doc);
}

std::string writeExplainedJson(const yaml::Node& doc, const std::string& baseDir) {
  return toJson(doc, baseDir)
             .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace galley::azure

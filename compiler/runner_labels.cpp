#include "compiler/runner_labels.h"

#include <algorithm>
#include <string_view>

#include "compiler/ascii.h"
#include "compiler/lint/config.h"
#include "compiler/lint/glob.h"
#include "compiler/lint/lint.h"
#include "compiler/yaml.h"
#include "compiler/yaml_writer.h"

namespace galley {

std::vector<std::string> customRunnerLabels(const Project& project) {
  std::vector<std::string> out;
  for (const auto& spec : project.pipelines)
    for (const auto& label : spec.agents.githubLabels) {
      if (label.empty() || label.find("${{") != std::string::npos) continue;
      if (lint::knownRunnerLabel(label)) continue;
      if (std::find(out.begin(), out.end(), label) == out.end()) out.push_back(label);
    }
  return out;
}

std::vector<std::string> unlistedRunnerLabels(const std::string& config,
                                              const std::vector<std::string>& labels) {
  std::vector<std::string> listed;
  if (!config.empty()) {
    SourceFile file("actionlint.yaml", config);
    listed = lint::readActionlintConfig(file).runnerLabels;
  }
  std::vector<std::string> out;
  for (const auto& label : labels) {
    bool matched = std::any_of(listed.begin(), listed.end(), [&](const std::string& glob) {
      return lint::globMatch(lowerCase(glob), lowerCase(label));
    });
    if (!matched) out.push_back(label);
  }
  return out;
}

namespace {

std::string item(const std::string& label) {
  return yaml::plainSafe(label) ? label : "'" + label + "'";  // labels hold no quote of their own
}

std::string block(const std::vector<std::string>& labels, size_t indent) {
  std::string s;
  for (const auto& l : labels)
    s += std::string(indent, ' ') + "- " + item(l) + "\n";
  return s;
}

// The offset of the start of the line after the one holding p.
size_t nextLine(const SourceFile& file, Position p) {
  size_t at = file.text().find('\n', file.offsetOf(p));
  return at == std::string::npos ? file.text().size() : at + 1;
}

// The text with `insert` placed at offset, a line break first when the
// text before it does not end one.
std::string inserted(const std::string& text, size_t offset, const std::string& insert) {
  std::string head = text.substr(0, offset);
  if (!head.empty() && head.back() != '\n') head += '\n';
  return head + insert + text.substr(offset);
}

std::optional<std::string> addToSequence(const SourceFile& file, const yaml::Node& seq,
                                         const std::vector<std::string>& labels, std::string* err) {
  const std::string& text = file.text();
  if (seq.style == yaml::Style::Flow) {
    // The list's end is its last item's, or its ']' itself.
    size_t close =
        seq.items.empty() ? file.offsetOf(seq.where.begin) + 1 : file.offsetOf(seq.where.end);
    if (close > 0 && text[close - 1] == ']') --close;
    while (close < text.size() &&
           std::string_view(" \t\r\n,").find(text[close]) != std::string::npos)
      ++close;
    if (close >= text.size() || text[close] != ']') {
      *err = "its self-hosted-runner labels list has a shape galley cannot edit";
      return std::nullopt;
    }
    std::string add;
    for (const auto& l : labels)
      add += (add.empty() && seq.items.empty() ? "" : ", ") + item(l);
    return text.substr(0, close) + add + text.substr(close);
  }
  size_t indent =
      seq.items.front().where.begin.column >= 3 ? seq.items.front().where.begin.column - 3 : 0;
  return inserted(text, nextLine(file, seq.items.back().where.end), block(labels, indent));
}

}  // namespace

std::optional<std::string> addRunnerLabels(const std::string& config,
                                           const std::vector<std::string>& labels,
                                           std::string* err) {
  const std::string fresh = "self-hosted-runner:\n  labels:\n" + block(labels, 4);
  SourceFile file("actionlint.yaml", config);
  Diagnostics problems;
  std::optional<yaml::Node> root = yaml::load(file, problems);
  if (problems.hasErrors()) {
    *err = "it is not valid YAML";
    return std::nullopt;
  }
  if (!root || root->isNull()) return inserted(config, config.size(), fresh);
  if (!root->isMapping() || root->style == yaml::Style::Flow) {
    *err = "its top level is not a block mapping";
    return std::nullopt;
  }
  const yaml::Entry* runner = root->entry("self-hosted-runner");
  if (!runner) return inserted(config, config.size(), fresh);
  size_t keyIndent = runner->key.where.begin.column - 1;
  const yaml::Node& value = runner->value;
  if (value.isNull())
    return inserted(config, nextLine(file, runner->key.where.end),
                    std::string(keyIndent + 2, ' ') + "labels:\n" + block(labels, keyIndent + 4));
  if (!value.isMapping() || value.style == yaml::Style::Flow || value.entries.empty()) {
    *err = "its self-hosted-runner is not a block mapping";
    return std::nullopt;
  }
  const yaml::Entry* list = value.entry("labels");
  size_t indent = value.entries.front().key.where.begin.column - 1;
  if (!list)
    return inserted(config, nextLine(file, runner->key.where.end),
                    std::string(indent, ' ') + "labels:\n" + block(labels, indent + 2));
  if (list->value.isNull())
    return inserted(config, nextLine(file, list->key.where.end), block(labels, indent + 2));
  if (!list->value.isSequence() ||
      (list->value.items.empty() && list->value.style != yaml::Style::Flow)) {
    *err = "its self-hosted-runner labels is not a list";
    return std::nullopt;
  }
  return addToSequence(file, list->value, labels, err);
}

}  // namespace galley

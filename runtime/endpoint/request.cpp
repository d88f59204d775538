#include "runtime/endpoint/request.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace galley::endpoint {

namespace {

constexpr std::array<std::string_view, 4> kInputKeys = {"dataframe_split", "dataframe_records",
                                                        "instances", "inputs"};
constexpr std::string_view kAzureKey = "data";

std::string at(const std::string& path, std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; i++) {
    if (text[i] == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

// Offsets of the keys of the outermost object (at their opening quote),
// found by a scan that skips strings and counts nesting. The text is
// valid JSON by the time this runs.
std::map<std::string, size_t> topLevelKeys(std::string_view text) {
  std::map<std::string, size_t> keys;
  int depth = 0;
  bool expectKey = false;
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c == '"') {
      size_t start = i;
      for (i++; i < text.size() && text[i] != '"'; i++)
        if (text[i] == '\\') i++;
      if (depth == 1 && expectKey)
        keys.emplace(std::string(text.substr(start + 1, i - start - 1)), start);
      expectKey = false;
    } else if (c == '{' || c == '[') {
      depth++;
      expectKey = c == '{' && depth == 1;
    } else if (c == '}' || c == ']') {
      depth--;
    } else if (c == ',' && depth == 1) {
      expectKey = true;
    }
  }
  return keys;
}

size_t firstNonSpace(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos ? 0 : i;
}

std::string inputKeysList() {
  std::string out;
  for (auto k : kInputKeys)
    out += (out.empty() ? "" : ", ") + std::string(k);
  return out + " (or Azure ML's \"data\")";
}

// What is wrong with the value of `key`, or "".
std::string checkInput(std::string_view key, const nlohmann::json& value) {
  if (key == "dataframe_split") {
    if (!value.is_object() || !value.contains("data") || !value["data"].is_array())
      return "\"dataframe_split\" must be an object with a \"data\" list of rows";
    if (value.contains("columns") && !value["columns"].is_array())
      return "\"dataframe_split.columns\" must be a list of column names";
    for (size_t i = 0; i < value["data"].size(); i++)
      if (!value["data"][i].is_array())
        return "\"dataframe_split.data[" + std::to_string(i) + "]\" must be a list of values";
    return "";
  }
  if (key == "dataframe_records") {
    if (!value.is_array()) return "\"dataframe_records\" must be a list of objects, one per row";
    for (size_t i = 0; i < value.size(); i++)
      if (!value[i].is_object())
        return "\"dataframe_records[" + std::to_string(i) +
               "]\" must be an object of column: value";
    return "";
  }
  if (!value.is_array()) return "\"" + std::string(key) + "\" must be a list of rows";
  return "";
}

}  // namespace

bool validEndpointName(std::string_view name, std::string* err) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || name.size() > 63) {
    *err = "an endpoint name has 1 to 63 characters";
    return false;
  }
  if (!alnum(name[0])) {
    *err = "endpoint name '" + std::string(name) + "' must start with a letter or a digit";
    return false;
  }
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') {
      *err = "endpoint name '" + std::string(name) +
             "' may hold only letters, digits, '-', '_' and '.'";
      return false;
    }
  }
  return true;
}

std::string requestContentType(std::string_view path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".csv" ? "text/csv" : "application/json";
}

bool checkJsonRequest(std::string_view text, const std::string& path, std::string* err) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    size_t colon = what.rfind(": ");
    *err = at(path, text, e.byte > 0 ? e.byte - 1 : 0) +
           "not valid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2));
    return false;
  }
  if (!doc.is_object()) {
    *err = at(path, text, firstNonSpace(text)) + "a request is a JSON object with exactly one of " +
           inputKeysList();
    return false;
  }
  std::vector<std::string_view> present;
  for (auto k : kInputKeys)
    if (doc.contains(k)) present.push_back(k);
  if (present.empty() && doc.contains(kAzureKey)) return true;
  std::map<std::string, size_t> keys = topLevelKeys(text);
  if (present.size() != 1) {
    size_t where = present.size() > 1 ? keys[std::string(present[1])] : firstNonSpace(text);
    *err = at(path, text, where) + "a request has exactly one of " + inputKeysList() +
           (present.empty()
                ? "; it has none"
                : "; it has " + std::string(present[0]) + " and " + std::string(present[1]));
    return false;
  }
  std::string problem = checkInput(present[0], doc[std::string(present[0])]);
  if (!problem.empty()) {
    *err = at(path, text, keys[std::string(present[0])]) + problem;
    return false;
  }
  return true;
}

bool readRequest(const std::string& path, size_t maxBytes, Request* out, std::string* err) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    *err = path + ": " + (std::filesystem::exists(path, ec) ? "not a file" : "no such file");
    return false;
  }
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size > maxBytes) {
    *err = path + ": " +
           (ec ? ec.message()
               : "the request has " + std::to_string(size) + " bytes; invoke sends at most " +
                     std::to_string(maxBytes));
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  out->body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    *err = path + ": cannot read it";
    return false;
  }
  out->contentType = requestContentType(path);
  if (out->contentType == "application/json") return checkJsonRequest(out->body, path, err);
  if (out->body.empty()) {
    *err = path + ": the CSV request is empty; it needs a header row";
    return false;
  }
  return true;
}

}  // namespace galley::endpoint

// What `galley endpoint` checks before anything reaches a worker: endpoint
// names, and the request files `invoke` sends, checked against MLflow's
// scoring protocol (research/runner.md §6.2) so that a mistake is reported
// with its place in the file rather than as a server's 400.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace galley::endpoint {

// The largest request an online endpoint accepts unless deployed with
// another --max-request-size; larger ones get 413.
inline constexpr size_t kDefaultMaxRequestBytes = 16u << 20;

// 1 to 63 characters, letters, digits, '-', '_' and '.', starting with a
// letter or digit: the name becomes a folder name. False with *err saying
// what is wrong.
bool validEndpointName(std::string_view name, std::string* err);

struct Request {
  std::string body;
  std::string contentType;  // "application/json" or "text/csv"
};

// The content type a request file is sent with: text/csv for *.csv (any
// case), else application/json.
std::string requestContentType(std::string_view path);

// Checks a JSON request: an object with exactly one of dataframe_split,
// dataframe_records, instances or inputs (MLflow), or Azure ML's "data";
// dataframe_split an object with a "data" list, dataframe_records a list of
// objects. Errors are "PATH:LINE:COL: message", at the offending text
// (for a missing field, at the object's start).
bool checkJsonRequest(std::string_view text, const std::string& path, std::string* err);

// Reads and checks a request file of at most maxBytes (a bound on what
// invoke reads into memory, not the endpoint's limit). False with *err
// ("PATH: ..." or "PATH:LINE:COL: ...").
bool readRequest(const std::string& path, size_t maxBytes, Request* out, std::string* err);

}  // namespace galley::endpoint

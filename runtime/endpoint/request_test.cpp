#include "runtime/endpoint/request.h"

#include <doctest/doctest.h>

namespace galley::endpoint {

namespace {

std::string problem(std::string_view text) {
  std::string err;
  if (checkJsonRequest(text, "req.json", &err)) return "ok";
  return err;
}

}  // namespace

TEST_CASE("each of MLflow's input fields and Azure ML's data make a valid request") {
  CHECK(problem(R"({"dataframe_split": {"columns": ["a"], "data": [[1]]}})") == "ok");
  CHECK(problem(R"({"dataframe_records": [{"a": 1}, {"a": 2}]})") == "ok");
  CHECK(problem(R"({"instances": [[1, 2]]})") == "ok");
  CHECK(problem(R"({"inputs": [[1, 2]], "params": {"k": 1}})") == "ok");
  CHECK(problem(R"({"data": [[1, 2]]})") == "ok");
}

TEST_CASE("a JSON syntax error is reported at its line and column") {
  CHECK(problem("{\n  \"instances\": [[1, 2}\n") ==
        "req.json:2:22: not valid JSON: syntax error while parsing array - unexpected '}'; "
        "expected ']'");
}

TEST_CASE("a request that is not an object points at its first character") {
  CHECK(problem("\n  [1, 2]") ==
        "req.json:2:3: a request is a JSON object with exactly one of dataframe_split, "
        "dataframe_records, instances, inputs (or Azure ML's \"data\")");
}

TEST_CASE("a request without an input field is an error at the object") {
  CHECK(problem(R"({"rows": [[1]]})") ==
        "req.json:1:1: a request has exactly one of dataframe_split, dataframe_records, "
        "instances, inputs (or Azure ML's \"data\"); it has none");
}

TEST_CASE("two input fields are an error at the second one") {
  CHECK(problem("{\"instances\": [[1]],\n \"inputs\": [[2]]}") ==
        "req.json:2:2: a request has exactly one of dataframe_split, dataframe_records, "
        "instances, inputs (or Azure ML's \"data\"); it has instances and inputs");
}

TEST_CASE("a misshapen input is an error at its field") {
  CHECK(problem(R"({"x": {"instances": 1}, "dataframe_split": [[1]]})") ==
        "req.json:1:25: \"dataframe_split\" must be an object with a \"data\" list of rows");
  CHECK(problem(R"({"dataframe_records": [{"a": 1}, [2]]})") ==
        "req.json:1:2: \"dataframe_records[1]\" must be an object of column: value");
  CHECK(problem(R"({"instances": {"a": 1}})") ==
        "req.json:1:2: \"instances\" must be a list of rows");
  CHECK(problem(R"({"dataframe_split": {"data": [1]}})") ==
        "req.json:1:2: \"dataframe_split.data[0]\" must be a list of values");
}

TEST_CASE("a request file's content type follows its extension") {
  CHECK(requestContentType("batch/Sample.CSV") == "text/csv");
  CHECK(requestContentType("sample-request.json") == "application/json");
  CHECK(requestContentType("request") == "application/json");
}

TEST_CASE("a missing request file is named") {
  Request r;
  std::string err;
  CHECK_FALSE(readRequest("/nonexistent/req.json", 1024, &r, &err));
  CHECK(err == "/nonexistent/req.json: no such file");
}

TEST_CASE("endpoint names become folder names, so only safe characters pass") {
  std::string err;
  CHECK(validEndpointName("credit-risk-staging", &err));
  CHECK(validEndpointName("m1.v2_b", &err));
  CHECK_FALSE(validEndpointName("", &err));
  CHECK(err == "an endpoint name has 1 to 63 characters");
  CHECK_FALSE(validEndpointName("../etc", &err));
  CHECK(err == "endpoint name '../etc' must start with a letter or a digit");
  CHECK_FALSE(validEndpointName("a/b", &err));
  CHECK(err == "endpoint name 'a/b' may hold only letters, digits, '-', '_' and '.'");
  CHECK_FALSE(validEndpointName(std::string(64, 'a'), &err));
}

}  // namespace galley::endpoint

#include "runtime/endpoint/host_output.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace galley::endpoint {

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("inside a GitHub job the endpoint URL goes to GITHUB_OUTPUT") {
  std::string path = std::filesystem::temp_directory_path() / "galley-endpoint-output-test";
  std::filesystem::remove(path);
  OutputTarget t{run::Host::GitHubActions, path, ""};
  std::ostringstream out;
  std::string err;
  REQUIRE(writeOutput(t, "url", "http://127.0.0.1:8080", out, &err));
  CHECK(readAll(path) == "url=http://127.0.0.1:8080\n");
  CHECK(out.str().empty());
  std::filesystem::remove(path);
}

TEST_CASE("inside an Azure job the endpoint URL is a setvariable command") {
  OutputTarget t{run::Host::AzurePipelines, "", ""};
  std::ostringstream out;
  std::string err;
  REQUIRE(writeOutput(t, "url", "http://[::1]:80/a;b%", out, &err));
  CHECK(out.str() ==
        "##vso[task.setvariable variable=url;isOutput=true]http://[::1]:80/a;b%AZP25\n");
}

TEST_CASE("outside a CI host and galley run nothing is written") {
  OutputTarget t;
  std::ostringstream out;
  std::string err;
  REQUIRE(writeOutput(t, "url", "http://127.0.0.1:1", out, &err));
  CHECK(out.str().empty());
}

TEST_CASE("an unwritable output file is an error naming it") {
  OutputTarget t{run::Host::GitHubActions, "/nonexistent/dir/out", ""};
  std::ostringstream out;
  std::string err;
  CHECK_FALSE(writeOutput(t, "url", "x", out, &err));
  CHECK(err == "cannot write the output file /nonexistent/dir/out");
}

}  // namespace galley::endpoint

#include "runtime/endpoint/http_client.h"

#include <doctest/doctest.h>

namespace galley::endpoint {

TEST_CASE("an answer's body is what Content-Length says") {
  HttpResponse r;
  std::string err;
  REQUIRE(parseHttpResponse("HTTP/1.0 200 OK\r\nServer: x\r\ncontent-length: 4\r\n\r\nabcdEXTRA",
                            &r, &err));
  CHECK(r.status == 200);
  CHECK(r.body == "abcd");
}

TEST_CASE("without Content-Length the body runs to the connection's end") {
  HttpResponse r;
  std::string err;
  REQUIRE(parseHttpResponse("HTTP/1.1 413 Payload Too Large\r\n\r\n{\"a\": 1}", &r, &err));
  CHECK(r.status == 413);
  CHECK(r.body == "{\"a\": 1}");
}

TEST_CASE("a cut-short answer is an error, not a truncated body") {
  HttpResponse r;
  std::string err;
  CHECK_FALSE(parseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", &r, &err));
  CHECK(err == "the answer was cut short (3 of 10 bytes)");
  CHECK_FALSE(parseHttpResponse("", &r, &err));
  CHECK(err == "the connection closed without an answer");
  CHECK_FALSE(parseHttpResponse("SSH-2.0-OpenSSH\r\n\r\n", &r, &err));
  CHECK(err == "the answer is not HTTP/1.x");
}

TEST_CASE("a refused connection says so") {
  HttpResponse r;
  std::string err;
  // Port 1 on loopback: nothing listens there in a test environment.
  CHECK_FALSE(
      httpRequest("127.0.0.1", 1, "GET", "/ping", "", "", std::chrono::seconds(2), &r, &err));
  CHECK(err == "Connection refused");
  CHECK_FALSE(
      httpRequest("localhost", 1, "GET", "/ping", "", "", std::chrono::seconds(2), &r, &err));
  CHECK(err.starts_with("'localhost' is not an IP address"));
}

}  // namespace galley::endpoint

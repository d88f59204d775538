// The HTTP/1.1 client of `galley endpoint`: one request per connection to a
// worker on this machine (health checks, activation, invoke).
//
// Not cpp-httplib, although Debian has it: its shared library pulls in
// libssl, libcrypto, brotli, zlib and a second libstdc++, which made every
// galley command start 3.5 times slower (bench measurements in
// docs/benchmarks.md), for one loopback request. The bench client, a
// separate program, does use cpp-httplib.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace galley::endpoint {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// Sends METHOD PATH with `body` (Content-Type `contentType` when not empty)
// to host:port, host an IP address, and reads the whole answer; `timeout`
// bounds the connect and each wait for the server. False with *err
// ("connection refused", "no answer within 10 s") when no complete answer
// came.
bool httpRequest(const std::string& host, int port, const std::string& method,
                 const std::string& path, const std::string& body, const std::string& contentType,
                 std::chrono::milliseconds timeout, HttpResponse* out, std::string* err);

// Parses a whole answer (status line, headers, body as Content-Length or
// the connection's end say). False with *err when it is not HTTP/1.x or
// it is cut short.
bool parseHttpResponse(std::string_view raw, HttpResponse* out, std::string* err);

}  // namespace galley::endpoint

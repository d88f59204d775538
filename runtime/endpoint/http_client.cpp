#include "runtime/endpoint/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace galley::endpoint {

namespace {

// Answers larger than this are cut off with an error rather than read
// into memory.
constexpr size_t kMaxResponseBytes = size_t{256} << 20;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool waitFor(int fd, short events, std::chrono::milliseconds timeout, std::string* err) {
  pollfd p{fd, events, 0};
  int n;
  do {
    n = poll(&p, 1, static_cast<int>(timeout.count()));
  } while (n < 0 && errno == EINTR);
  if (n == 0)
    *err = "no answer within " + std::to_string(timeout.count() / 1000.0).substr(0, 4) + " s";
  if (n < 0) *err = std::strerror(errno);
  return n > 0;
}

int connectTo(const std::string& host, int port, std::chrono::milliseconds timeout,
              std::string* err) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    *err = "'" + host + "' is not an IP address: " + gai_strerror(rc);
    return -1;
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int rc = fd < 0 ? -1 : connect(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (rc != 0 && errno == EINPROGRESS && waitFor(fd, POLLOUT, timeout, err)) {
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    errno = error;
    rc = error == 0 ? 0 : -1;
  }
  if (rc != 0) {
    if (err->empty()) *err = std::strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

bool sendAll(int fd, std::string_view data, std::chrono::milliseconds timeout, std::string* err) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!waitFor(fd, POLLOUT, timeout, err)) return false;
    } else {
      // The server may answer (413) and close before reading everything:
      // what it said is still to be read.
      return errno == EPIPE || errno == ECONNRESET;
    }
  }
  return true;
}

bool receiveAll(int fd, std::chrono::milliseconds timeout, std::string* raw, std::string* err) {
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      raw->append(buf, static_cast<size_t>(n));
      if (raw->size() > kMaxResponseBytes) {
        *err = "the answer is larger than " + std::to_string(kMaxResponseBytes >> 20) + " MiB";
        return false;
      }
    } else if (n == 0) {
      return true;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!waitFor(fd, POLLIN, timeout, err)) return false;
    } else {
      // A reset after a complete answer (413 before the body was read)
      // still leaves that answer.
      if (errno == ECONNRESET && !raw->empty()) return true;
      *err = std::strerror(errno);
      return false;
    }
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool parseHttpResponse(std::string_view raw, HttpResponse* out, std::string* err) {
  size_t headEnd = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.") || raw.size() < 12 || headEnd == std::string_view::npos) {
    *err = raw.empty() ? "the connection closed without an answer" : "the answer is not HTTP/1.x";
    return false;
  }
  auto [p, ec] = std::from_chars(raw.data() + 9, raw.data() + 12, out->status);
  if (ec != std::errc() || p != raw.data() + 12) {
    *err = "the answer has no status code";
    return false;
  }
  std::string_view head = raw.substr(0, headEnd);
  std::string_view body = raw.substr(headEnd + 4);
  for (size_t at = head.find("\r\n"); at != std::string_view::npos;) {
    size_t next = head.find("\r\n", at + 2);
    std::string_view line =
        head.substr(at + 2, next == std::string_view::npos ? next : next - at - 2);
    at = next;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || lower(line.substr(0, colon)) != "content-length")
      continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    size_t length = 0;
    auto [q, ec2] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (ec2 != std::errc() || length > body.size()) {
      *err = "the answer was cut short (" + std::to_string(body.size()) + " of " +
             std::string(value) + " bytes)";
      return false;
    }
    body = body.substr(0, length);
  }
  out->body = std::string(body);
  return true;
}

bool httpRequest(const std::string& host, int port, const std::string& method,
                 const std::string& path, const std::string& body, const std::string& contentType,
                 std::chrono::milliseconds timeout, HttpResponse* out, std::string* err) {
  std::string why;
  Socket s(connectTo(host, port, timeout, &why));
  if (s.fd() < 0) {
    *err = why;
    return false;
  }
  std::string hostHeader = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + hostHeader + ":" +
                        std::to_string(port) + "\r\nConnection: close\r\n";
  if (!contentType.empty()) request += "Content-Type: " + contentType + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  std::string raw;
  if (!sendAll(s.fd(), request, timeout, err) || !sendAll(s.fd(), body, timeout, err) ||
      !receiveAll(s.fd(), timeout, &raw, err))
    return false;
  return parseHttpResponse(raw, out, err);
}

}  // namespace galley::endpoint

// The closed-loop client of bench/serve.sh: C connections on loopback, each
// sending the next request as soon as the previous answer arrives, for S
// seconds after a warm-up. Prints requests per second and latency
// percentiles. The same client measures galley's endpoint and the baseline.
//
// Usage: galley_bench_serve PORT REQUEST_FILE CONTENT_TYPE CONNECTIONS SECONDS
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Tally {
  std::mutex mu;
  std::vector<double> latenciesUs;
  long failures = 0;
};

void loop(int port, const std::string& body, const std::string& type, Clock::time_point start,
          Clock::time_point end, Tally* tally) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  std::vector<double> mine;
  long failures = 0;
  for (;;) {
    auto t0 = Clock::now();
    if (t0 >= end) break;
    auto res = client.Post("/invocations", body, type.c_str());
    auto t1 = Clock::now();
    if (!res || res->status != 200) {
      failures++;
      continue;
    }
    if (t0 >= start) mine.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::lock_guard lock(tally->mu);
  tally->latenciesUs.insert(tally->latenciesUs.end(), mine.begin(), mine.end());
  tally->failures += failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s PORT REQUEST_FILE CONTENT_TYPE CONNECTIONS SECONDS\n", argv[0]);
    return 2;
  }
  int port = std::atoi(argv[1]);
  std::ifstream in(argv[2], std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string type = argv[3];
  int connections = std::atoi(argv[4]);
  double seconds = std::atof(argv[5]);
  auto start = Clock::now() + std::chrono::seconds(1);  // warm-up
  auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Tally tally;
  std::vector<std::thread> threads;
  for (int i = 0; i < connections; i++)
    threads.emplace_back(loop, port, body, type, start, end, &tally);
  for (auto& t : threads)
    t.join();
  auto& l = tally.latenciesUs;
  if (l.empty()) {
    std::fprintf(stderr, "no successful request (%ld failures)\n", tally.failures);
    return 1;
  }
  std::sort(l.begin(), l.end());
  double sum = 0;
  for (double x : l)
    sum += x;
  auto pct = [&](double p) { return l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))]; };
  std::printf("requests/s %.0f  mean %.0f us  p50 %.0f us  p99 %.0f us  failures %ld\n",
              l.size() / seconds, sum / l.size(), pct(0.50), pct(0.99), tally.failures);
  return 0;
}

#include "compiler/process.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <doctest/doctest.h>

using namespace galley::proc;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

struct Output {
  std::string out, err;
};

Result runShell(const std::string& script, Output* o, milliseconds timeout = {},
                const CancelToken* cancel = nullptr, const Timing& timing = {}) {
  Spec spec;
  spec.argv = {"/bin/bash", "-c", script};
  return run(
      spec,
      [o](Stream s, std::string_view chunk) { (s == Stream::Out ? o->out : o->err).append(chunk); },
      timeout, cancel, timing);
}

Timing quick() {
  Timing t;
  t.interruptGrace = 400ms;
  t.terminateGrace = 400ms;
  t.orphanGrace = 300ms;
  return t;
}

// Alive and not a zombie: an orphan killed by run() is reparented to PID 1,
// which may be slow to reap it (or not reap at all in a container).
bool alive(long pid) {
  if (kill(static_cast<pid_t>(pid), 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t paren = line.rfind(')');
  return paren == std::string::npos || line.size() < paren + 3 || line[paren + 2] != 'Z';
}

long elapsedMs(std::chrono::steady_clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - since).count());
}

std::string tempDir() {
  std::string d = std::filesystem::temp_directory_path() /
                  ("galley-proc-" + std::to_string(getpid()) + "-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("process: the exit status is reported") {
  Output o;
  Result r = runShell("exit 3", &o);
  CHECK(r.started);
  CHECK(r.error.empty());
  CHECK(r.exitCode == 3);
  CHECK(r.signal == 0);
  CHECK(r.pid > 0);
  CHECK(runShell("true", &o).exitCode == 0);
}

TEST_CASE("process: a process ended by a signal reports it and 128 + the signal") {
  Output o;
  Result r = runShell("kill -TERM $$", &o);
  CHECK(r.signal == SIGTERM);
  CHECK(r.exitCode == 128 + SIGTERM);
  CHECK_FALSE(r.timedOut);
  CHECK_FALSE(r.cancelled);
}

TEST_CASE("process: stdout and stderr arrive apart") {
  Output o;
  runShell("echo out1; echo err1 >&2; echo out2", &o);
  CHECK(o.out == "out1\nout2\n");
  CHECK(o.err == "err1\n");
}

TEST_CASE("process: mergeStderr sends stderr through stdout, in order") {
  Spec spec;
  spec.argv = {"/bin/sh", "-c", "echo a; echo b >&2; echo c"};
  spec.mergeStderr = true;
  Output o;
  run(spec, [&](Stream s, std::string_view c) { (s == Stream::Out ? o.out : o.err).append(c); });
  CHECK(o.out == "a\nb\nc\n");
  CHECK(o.err.empty());
}

TEST_CASE("process: stdin is /dev/null") {
  Output o;
  Result r = runShell("cat; echo done", &o, 5s);
  CHECK(o.out == "done\n");
  CHECK_FALSE(r.timedOut);
}

TEST_CASE("process: env replaces galley's environment and cwd sets the directory") {
  Spec spec;
  spec.argv = {"/bin/sh", "-c", "echo \"$A|$HOME\"; pwd"};
  spec.env = {"A=one=1", "PATH=/usr/bin:/bin"};
  spec.cwd = "/usr";
  std::string out;
  run(spec, [&](Stream, std::string_view c) { out.append(c); });
  CHECK(out == "one=1|\n/usr\n");
}

TEST_CASE("process: a bare name is looked up in the PATH of the given environment") {
  std::string dir = tempDir();
  std::string prog = dir + "/galley-test-prog";
  {
    std::ofstream f(prog);
    f << "#!/bin/sh\necho found \"$0\"\n";
  }
  chmod(prog.c_str(), 0755);
  Spec spec;
  spec.argv = {"galley-test-prog"};
  spec.env = {"PATH=/nonexistent:" + dir};
  std::string out;
  Result r = run(spec, [&](Stream, std::string_view c) { out.append(c); });
  CHECK(r.started);
  CHECK(out == "found " + prog + "\n");
  // Not in galley's own PATH: without env it is not found.
  spec.env.clear();
  r = run(spec, [](Stream, std::string_view) {});
  CHECK_FALSE(r.started);
  CHECK(r.error == "galley-test-prog: not found");
  std::filesystem::remove_all(dir);
}

TEST_CASE("process: a program that cannot start says why") {
  Spec spec;
  spec.argv = {"galley-no-such-program"};
  Result r = run(spec, [](Stream, std::string_view) {});
  CHECK_FALSE(r.started);
  CHECK(r.exitCode == -1);
  CHECK(r.error == "galley-no-such-program: not found");

  spec.argv = {"/nonexistent/bash"};
  r = run(spec, [](Stream, std::string_view) {});
  CHECK_FALSE(r.started);
  CHECK(r.error == "/nonexistent/bash: No such file or directory");

  spec.argv = {"/bin/sh", "-c", "true"};
  spec.cwd = "/nonexistent-dir";
  r = run(spec, [](Stream, std::string_view) {});
  CHECK_FALSE(r.started);
  CHECK(r.error == "/nonexistent-dir: No such file or directory");

  spec.argv.clear();
  spec.cwd.clear();
  r = run(spec, [](Stream, std::string_view) {});
  CHECK(r.error == "no program to run");
}

TEST_CASE("process: the child gets SIGPIPE's default action even when galley ignores it") {
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  Output o;
  // With SIGPIPE ignored, `yes` would see EPIPE and complain on stderr.
  Result r = runShell("yes | head -n 1; echo \"${PIPESTATUS[0]}\"", &o, 10s);
  sigaction(SIGPIPE, &old, nullptr);
  CHECK(o.out == "y\n" + std::to_string(128 + SIGPIPE) + "\n");
  CHECK(o.err.empty());
  CHECK(r.exitCode == 0);
}

TEST_CASE("process: on timeout the group gets SIGINT, then SIGTERM, then SIGKILL") {
  Output o;
  auto start = std::chrono::steady_clock::now();
  Result r = runShell(
      "trap 'echo got INT' INT; trap 'echo got TERM' TERM; echo ready;"
      "while :; do sleep 0.05; done",
      &o, 200ms, nullptr, quick());
  long ms = elapsedMs(start);
  CHECK(r.timedOut);
  CHECK_FALSE(r.cancelled);
  CHECK(o.out == "ready\ngot INT\ngot TERM\n");
  CHECK(r.signal == SIGKILL);
  CHECK(r.exitCode == 128 + SIGKILL);
  CHECK(ms >= 200 + 400 + 400);
  CHECK(ms < 5000);
}

TEST_CASE("process: a process that exits on SIGINT ends the graceful sequence early") {
  Output o;
  auto start = std::chrono::steady_clock::now();
  Result r = runShell("trap 'echo bye; exit 4' INT; while :; do sleep 0.05; done", &o, 200ms,
                      nullptr, quick());
  CHECK(r.timedOut);
  CHECK(r.exitCode == 4);
  CHECK(o.out == "bye\n");
  CHECK(elapsedMs(start) < 200 + 400);
}

TEST_CASE("process: a backgrounded child holding the pipes is killed after orphanGrace") {
  Output o;
  auto start = std::chrono::steady_clock::now();
  Result r = runShell("sleep 100 & echo $!", &o, {}, nullptr, quick());
  long ms = elapsedMs(start);
  CHECK(r.exitCode == 0);
  CHECK(ms >= 300);
  CHECK(ms < 3000);
  long pid = std::stol(o.out);
  for (int i = 0; i < 100 && alive(pid); ++i)
    std::this_thread::sleep_for(10ms);
  CHECK_FALSE(alive(pid));
}

TEST_CASE("process: a backgrounded child with its output elsewhere dies with run()") {
  Output o;
  auto start = std::chrono::steady_clock::now();
  Result r = runShell("sleep 100 >/dev/null 2>&1 & echo $!", &o, {}, nullptr, quick());
  CHECK(elapsedMs(start) < 300);  // nothing holds the pipes: no grace to wait
  CHECK(r.exitCode == 0);
  long pid = std::stol(o.out);
  for (int i = 0; i < 100 && alive(pid); ++i)
    std::this_thread::sleep_for(10ms);
  CHECK_FALSE(alive(pid));
}

TEST_CASE("process: a child that left the group cannot keep run() waiting") {
  Output o;
  auto start = std::chrono::steady_clock::now();
  // setsid takes the sleep out of the group: the group kill misses it, and
  // it holds stdout open. run() stops reading a second after the kill.
  Result r = runShell("setsid sleep 100 & echo $!", &o, {}, nullptr, quick());
  long ms = elapsedMs(start);
  CHECK(r.exitCode == 0);
  CHECK(ms >= 300 + 1000);
  CHECK(ms < 5000);
  long pid = std::stol(o.out);
  CHECK(alive(pid));  // documented: it escapes, as it escapes the GitHub runner
  kill(static_cast<pid_t>(pid), SIGKILL);
}

TEST_CASE("process: cancel level 1 from another thread runs the graceful sequence") {
  CancelToken token;
  std::atomic<bool> ready{false};
  std::thread canceller([&] {
    while (!ready)
      std::this_thread::sleep_for(5ms);
    token.cancel(1);
  });
  Spec spec;
  spec.argv = {"/bin/bash", "-c", "trap 'echo INT; exit 5' INT; echo ready; sleep 30 & wait"};
  std::string out;
  auto start = std::chrono::steady_clock::now();
  Result r = run(
      spec,
      [&](Stream, std::string_view c) {
        out.append(c);
        if (out.find("ready") != std::string::npos) ready = true;
      },
      {}, &token, quick());
  canceller.join();
  CHECK(r.cancelled);
  CHECK_FALSE(r.timedOut);
  CHECK(r.exitCode == 5);
  CHECK(out == "ready\nINT\n");
  CHECK(elapsedMs(start) < 2000);
  CHECK(token.level() == 1);
}

TEST_CASE("process: cancel level 2 kills at once, even during the graceful sequence") {
  CancelToken token;
  std::atomic<bool> ready{false};
  std::thread canceller([&] {
    while (!ready)
      std::this_thread::sleep_for(5ms);
    token.cancel(1);
    std::this_thread::sleep_for(100ms);
    token.cancel(2);
  });
  Spec spec;
  spec.argv = {"/bin/bash", "-c", "trap '' INT TERM; echo ready; while :; do sleep 0.05; done"};
  std::string out;
  auto start = std::chrono::steady_clock::now();
  // The default graces (7.5 s + 2.5 s) would make the test slow if level 2
  // did not cut them short.
  Result r = run(
      spec,
      [&](Stream, std::string_view c) {
        out.append(c);
        ready = true;
      },
      {}, &token);
  canceller.join();
  CHECK(r.cancelled);
  CHECK(r.signal == SIGKILL);
  CHECK(elapsedMs(start) < 2000);
  CHECK(token.level() == 2);
  token.cancel(1);  // levels only go up
  CHECK(token.level() == 2);
}

TEST_CASE("process: a token cancelled before the start ends the process at once") {
  CancelToken token;
  token.cancel(2);
  Output o;
  auto start = std::chrono::steady_clock::now();
  Result r = runShell("sleep 30", &o, {}, &token);
  CHECK(r.cancelled);
  CHECK(r.signal == SIGKILL);
  CHECK(elapsedMs(start) < 2000);
}

TEST_CASE(
    "process: with cancelFrom 2, a graceful cancel already there is ignored, a forced one kills") {
  CancelToken token;
  token.cancel(1);
  Spec spec;
  spec.argv = {"/bin/bash", "-c", "sleep 0.3; echo done"};
  spec.cancelFrom = 2;
  std::string out;
  Result r = run(
      spec, [&](Stream, std::string_view c) { out.append(c); }, {}, &token, quick());
  CHECK_FALSE(r.cancelled);
  CHECK(r.exitCode == 0);
  CHECK(out == "done\n");

  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    token.cancel(2);
  });
  spec.argv = {"/bin/bash", "-c", "trap '' INT TERM; sleep 30"};
  auto start = std::chrono::steady_clock::now();
  r = run(
      spec, [&](Stream, std::string_view) {}, {}, &token, quick());
  canceller.join();
  CHECK(r.cancelled);
  CHECK(r.signal == SIGKILL);
  CHECK(elapsedMs(start) < 2000);
}

TEST_CASE("process: many runs at once each get their own output") {
  constexpr int kThreads = 8, kRuns = 6;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < kRuns; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        Output o;
        Result r = runShell("echo " + id + "; echo e" + id + " >&2; exit " + std::to_string(i), &o);
        if (o.out != id + "\n" || o.err != "e" + id + "\n" || r.exitCode != i) ++wrong;
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(wrong == 0);
}

TEST_CASE("process: 100 MB of output pass through in chunks, not accumulated") {
  Spec spec;
  spec.argv = {"head", "-c", "100000000", "/dev/zero"};
  size_t total = 0, largest = 0;
  Result r = run(spec, [&](Stream s, std::string_view c) {
    if (s == Stream::Out) total += c.size();
    largest = std::max(largest, c.size());
  });
  CHECK(r.exitCode == 0);
  CHECK(total == 100000000);
  CHECK(largest <= 64 * 1024);
}

TEST_CASE("process: heavy output on both streams at once does not stall either") {
  Spec spec;
  spec.argv = {"/bin/sh", "-c",
               "for i in 1 2 3 4 5 6 7 8; do head -c 1000000 /dev/zero >&2;"
               " head -c 1000000 /dev/zero; done"};
  size_t out = 0, err = 0;
  Result r = run(
      spec, [&](Stream s, std::string_view c) { (s == Stream::Out ? out : err) += c.size(); }, 10s);
  CHECK_FALSE(r.timedOut);
  CHECK(out == 8000000);
  CHECK(err == 8000000);
}

TEST_CASE("process: capture keeps stdout, and stderr only when asked") {
  std::string out;
  CHECK(capture({"/bin/sh", "-c", "echo a; echo b >&2; echo c"}, &out));
  CHECK(out == "a\nc\n");
  out.clear();
  CHECK(capture({"/bin/sh", "-c", "echo a; echo b >&2; echo c"}, &out, true));
  CHECK(out == "a\nb\nc\n");
  Result r;
  CHECK_FALSE(capture({"/nonexistent/shellcheck"}, &out, false, {}, &r));
  CHECK(r.error == "/nonexistent/shellcheck: No such file or directory");
  out.clear();
  CHECK(capture({"/bin/sh", "-c", "echo x; sleep 30"}, &out, false, 100ms, &r));
  CHECK(r.timedOut);
  CHECK(out == "x\n");
}

// ---- LineSplitter ----------------------------------------------------------

namespace {

struct Lines {
  std::vector<std::string> got;
  std::function<void(Stream, std::string_view)> sink() {
    return [this](Stream s, std::string_view l) {
      got.push_back((s == Stream::Out ? "O:" : "E:") + std::string(l));
    };
  }
};

std::vector<std::string> split(const std::vector<std::string>& chunks, size_t maxLine = 64 * 1024) {
  LineSplitter sp(maxLine);
  Lines l;
  for (const auto& c : chunks)
    sp.feed(Stream::Out, c, l.sink());
  sp.flush(l.sink());
  return l.got;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("line splitter: lines are cut at LF whatever the chunking") {
  CHECK(split({"a\nb", "c\n", "\nd"}) == V{"O:a", "O:bc", "O:", "O:d"});
  CHECK(split({"", "x", "", "\n"}) == V{"O:x"});
  CHECK(split({"\n\n"}) == V{"O:", "O:"});
}

TEST_CASE("line splitter: one CR before LF is dropped, other CRs stay") {
  CHECK(split({"a\r\n", "b\r", "\n", "c\r\r\n", "d\re\n"}) == V{"O:a", "O:b", "O:c\r", "O:d\re"});
}

TEST_CASE("line splitter: flush delivers unterminated tails, without a trailing CR") {
  CHECK(split({"tail"}) == V{"O:tail"});
  CHECK(split({"tail\r"}) == V{"O:tail"});
  CHECK(split({}).empty());
}

TEST_CASE("line splitter: stdout and stderr partial lines never mix") {
  LineSplitter sp;
  Lines l;
  sp.feed(Stream::Out, "out-", l.sink());
  sp.feed(Stream::Err, "err-", l.sink());
  sp.feed(Stream::Out, "1\nout-2", l.sink());
  sp.feed(Stream::Err, "1\n", l.sink());
  sp.feed(Stream::Err, "err-tail", l.sink());
  sp.flush(l.sink());
  CHECK(l.got == V{"O:out-1", "E:err-1", "O:out-2", "E:err-tail"});
}

TEST_CASE("line splitter: a long line comes in pieces of maxLine bytes") {
  CHECK(split({"abcdefghij\n"}, 4) == V{"O:abcd", "O:efgh", "O:ij"});
  CHECK(split({"abc", "defgh", "ij\n"}, 4) == V{"O:abcd", "O:efgh", "O:ij"});
  // Exactly maxLine, or a multiple: no empty piece after it.
  CHECK(split({"abcd\n"}, 4) == V{"O:abcd"});
  CHECK(split({"abcd", "efgh", "\n"}, 4) == V{"O:abcd", "O:efgh"});
  CHECK(split({"abcd", "\r", "\n"}, 4) == V{"O:abcd"});
  CHECK(split({"abcd", "\r", "x\n"}, 4) == V{"O:abcd", "O:\rx"});
  CHECK(split({"abcdefgh"}, 4) == V{"O:abcd", "O:efgh"});
}

TEST_CASE("line splitter: pieces end after a separator near the limit, not inside a word") {
  // maxLine 40: a separator among the last 10 bytes ends the piece.
  std::string a32(32, 'a'), s20(20, 'S');
  CHECK(split({a32 + "," + s20 + "\n"}, 40) == V{"O:" + a32 + ",", "O:" + s20});
  CHECK(split({std::string(39, 'a') + " bbb\n"}, 40) ==
        V{"O:" + std::string(39, 'a') + " ", "O:bbb"});
  // Further back than that, the piece is full.
  std::string far = std::string(20, 'a') + " " + std::string(30, 'b');
  CHECK(split({far + "\n"}, 40) == V{"O:" + far.substr(0, 40), "O:" + far.substr(40)});
}

TEST_CASE("line splitter: a line keepWhole claims comes whole, up to maxWhole") {
  auto command = [](std::string_view head) { return head.substr(0, 2) == "::"; };
  auto run = [&](const std::vector<std::string>& chunks, size_t maxWhole) {
    LineSplitter sp(4, command, maxWhole);
    Lines l;
    for (const auto& c : chunks)
      sp.feed(Stream::Out, c, l.sink());
    sp.flush(l.sink());
    return l.got;
  };
  CHECK(run({"::set::abcdefgh\n"}, 100) == V{"O:::set::abcdefgh"});
  CHECK(run({"::se", "t::ab", "cdefgh", "\n"}, 100) == V{"O:::set::abcdefgh"});
  CHECK(run({"::set::abc", "defgh"}, 100) == V{"O:::set::abcdefgh"});
  // The next line is asked again: a plain one comes in pieces.
  CHECK(run({"::set::abcdefgh\nplainline\n"}, 100) ==
        V{"O:::set::abcdefgh", "O:plai", "O:nlin", "O:e"});
  // Longer than maxWhole: in pieces after all, as it grows or when it ends.
  CHECK(run({"::set::ab", "cdefgh\n"}, 10) == V{"O:::se", "O:t::a", "O:bcde", "O:fgh"});
  CHECK(run({"::set::abcdefgh\n"}, 10) == V{"O:::se", "O:t::a", "O:bcde", "O:fgh"});
}

TEST_CASE("line splitter: pieces are not cut inside a UTF-8 character") {
  // "ab" + "é" (2 bytes) + "€" (3 bytes): a cut at 4 would split "€".
  std::string line = "ab\xC3\xA9\xE2\x82\xAC";
  CHECK(split({line + "\n"}, 5) == V{"O:ab\xC3\xA9", "O:\xE2\x82\xAC"});
  // Bytes that are not UTF-8 are cut at maxLine.
  CHECK(split({"\x80\x80\x80\x80\x80\x80\n"}, 4) == V{"O:\x80\x80\x80\x80", "O:\x80\x80"});
}

TEST_CASE("line splitter: a pipeline of process output and splitter keeps lines whole") {
  Spec spec;
  spec.argv = {"/bin/sh", "-c", "for i in 1 2 3; do printf 'line %s\\n' $i; done; printf tail"};
  LineSplitter sp;
  Lines l;
  run(spec, [&](Stream s, std::string_view c) { sp.feed(s, c, l.sink()); });
  sp.flush(l.sink());
  CHECK(l.got == V{"O:line 1", "O:line 2", "O:line 3", "O:tail"});
}

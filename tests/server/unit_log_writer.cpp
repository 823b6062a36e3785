// LogWriter: lines leave in order through its thread; when its reader is
// stuck, what does not fit is dropped and counted, never waited for.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "support/log.hpp"

using comments::server::LogWriter;

namespace {

// A pipe whose read end a thread drains into `out` until end of file.
struct DrainedPipe {
  int fds[2] = {-1, -1};
  std::string out;
  std::thread reader;

  DrainedPipe() { REQUIRE(::pipe(fds) == 0); }
  void start_draining() {
    reader = std::thread([this] {
      char buffer[4096];
      ssize_t n;
      while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<std::size_t>(n));
    });
  }
  // Closes the write end (after the writer is done) and waits for the rest.
  void finish() {
    ::close(fds[1]);
    reader.join();
    ::close(fds[0]);
  }
};

std::string numbered(int i) { return "line " + std::to_string(i) + "\n"; }

}  // namespace

TEST_CASE("LogWriter writes every line, in order, and stop() writes what waits") {
  DrainedPipe pipe;
  pipe.start_draining();
  std::string expected;
  {
    LogWriter writer(pipe.fds[1], 1 << 20);
    for (int i = 0; i < 1000; ++i) {
      CHECK(writer.push(numbered(i)));
      expected += numbered(i);
    }
    writer.stop();
    CHECK(writer.push("after stop\n"));  // written at once
    expected += "after stop\n";
  }
  pipe.finish();
  CHECK(pipe.out == expected);
}

TEST_CASE("LogWriter: a reader that does not read costs dropped lines, counted, never a wait") {
  DrainedPipe pipe;  // not drained yet: the pipe fills up and the writer's thread blocks
  constexpr std::size_t max_pending = 4096;
  std::string accepted;
  int dropped = 0;
  LogWriter writer(pipe.fds[1], max_pending);
  // The pipe holds at most 64 KiB by default (1 MiB at the very most), the
  // writer at most two buffers of max_pending: 4 MiB of lines cannot all fit.
  for (int i = 0; i < 200000; ++i) {
    if (writer.push(numbered(i))) {
      accepted += numbered(i);
    } else {
      ++dropped;
    }
  }
  CHECK(dropped > 0);
  pipe.start_draining();
  writer.stop();
  pipe.finish();

  // Every accepted line arrives, in order; the drops are reported as counts
  // between them and add up.
  std::string lines;
  int reported = 0;
  std::size_t pos = 0;
  while (pos < pipe.out.size()) {
    const std::size_t end = pipe.out.find('\n', pos);
    REQUIRE(end != std::string::npos);
    const std::string line = pipe.out.substr(pos, end + 1 - pos);
    if (const auto at = line.find(" warn log-dropped lines="); at != std::string::npos) {
      reported += std::stoi(line.substr(at + 24));
    } else {
      lines += line;
    }
    pos = end + 1;
  }
  CHECK(lines == accepted);
  CHECK(reported == dropped);
}

TEST_CASE("log levels: the four names, else log_level_unknown") {
  using comments::server::LogLevel;
  const auto warn = comments::server::parse_log_level("warn");
  REQUIRE(warn.ok());
  CHECK(*warn == LogLevel::warn);
  CHECK(comments::server::parse_log_level("debug").value() == LogLevel::debug);
  for (const char* bad : {"", "WARN", "verbose"}) {
    CAPTURE(bad);
    const auto level = comments::server::parse_log_level(bad);
    REQUIRE_FALSE(level.ok());
    CHECK(level.error().id == comments::ErrorId::log_level_unknown);
  }
}

// One-line structured logs on stderr: `2026-11-27T12:00:00.123Z info post id=5 thread=…`.
// Callers never pass the moderator token or raw client addresses (only the
// keyed address hash, see crypto.hpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "comments/result.hpp"

namespace comments::server {

enum class LogLevel : std::uint8_t { debug, info, warn, error };

std::string_view to_string(LogLevel level) noexcept;

// Current wall-clock time in Unix milliseconds.
std::int64_t now_ms();

// Lines below `level` are dropped (default info). Set once at start.
void set_log_level(LogLevel level) noexcept;
// "debug", "info", "warn", "error"; log_level_unknown for anything else.
Result<LogLevel> parse_log_level(std::string_view text);

// Writes `<time> <level> <event> <fields>` as one line (a single write, so
// lines from the worker thread and the network thread never interleave):
// through the LogWriter while one runs, else at once.
void log_line(LogLevel level, std::string_view event, std::string_view fields = {});

// Writes log lines to a file descriptor from a thread of its own, so that a
// slow reader of the logs (a full pipe, a stalled journald) holds up only that
// thread, never the io thread that logged: with one line per post, a blocked
// stderr would otherwise stall every connection. Bounded: at most
// `max_pending_bytes` wait; a line beyond that is dropped and counted, and the
// count is written as its own line (`warn log-dropped lines=N`) before the
// next lines. stop() writes what waits and ends the thread.
class LogWriter {
 public:
  LogWriter(int fd, std::size_t max_pending_bytes);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues one whole line (with its newline). False when it was dropped
  // because too much waits; after stop() the line is written at once.
  bool push(std::string_view line);
  void stop();

 private:
  void run();

  // Lines are gathered for up to gather_time, or until gather_bytes wait,
  // and written with one write(2).
  static constexpr std::chrono::milliseconds gather_time{5};
  static constexpr std::size_t gather_bytes = 64 * 1024;

  const int fd_;
  const std::size_t max_pending_bytes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// While alive, log_line goes through a LogWriter on stderr (main holds one for
// the server's lifetime); its end writes what waits. One at a time.
class StderrLogWriterScope {
 public:
  explicit StderrLogWriterScope(std::size_t max_pending_bytes = std::size_t{4} << 20);
  ~StderrLogWriterScope();
  StderrLogWriterScope(const StderrLogWriterScope&) = delete;
  StderrLogWriterScope& operator=(const StderrLogWriterScope&) = delete;

 private:
  LogWriter writer_;
};

// A value safe for a `key=value` log field: control characters, spaces and
// quotes escaped, long values shortened, so a client cannot forge log lines.
std::string log_value(std::string_view text);

// A URL fit for a log line or an error message: the password of its userinfo
// (scheme://user:PASSWORD@host…) replaced by "***"; anything else as it is.
// (A PostgreSQL URI's password=… parameter: store/open_store.hpp, redact_db.)
std::string redact_url_password(std::string_view url);

inline void log_info(std::string_view event, std::string_view fields = {}) {
  log_line(LogLevel::info, event, fields);
}
inline void log_warn(std::string_view event, std::string_view fields = {}) {
  log_line(LogLevel::warn, event, fields);
}
inline void log_error(std::string_view event, std::string_view fields = {}) {
  log_line(LogLevel::error, event, fields);
}

}  // namespace comments::server

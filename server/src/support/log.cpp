#include "support/log.hpp"

#include "comments/calendar.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace comments::server {
namespace {
std::atomic<LogLevel> min_level{LogLevel::info};
// The writer log_line hands lines to; null: write at once.
std::atomic<LogWriter*> active_writer{nullptr};

// write(2) of one buffer until done or the descriptor fails.
void write_all(int fd, std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
}

std::string format_line(LogLevel level, std::string_view event, std::string_view fields) {
  std::string line = comments::iso_utc(now_ms());
  line += ' ';
  line += to_string(level);
  line += ' ';
  line += event;
  if (!fields.empty()) {
    line += ' ';
    line += fields;
  }
  line += '\n';
  return line;
}
}  // namespace

void set_log_level(LogLevel level) noexcept { min_level.store(level, std::memory_order_relaxed); }

Result<LogLevel> parse_log_level(std::string_view text) {
  for (const LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (text == to_string(level)) return level;
  }
  return Error{ErrorId::log_level_unknown, "the log level must be debug, info, warn or error"};
}

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void log_line(LogLevel level, std::string_view event, std::string_view fields) {
  if (level < min_level.load(std::memory_order_relaxed)) return;
  const std::string line = format_line(level, event, fields);
  if (LogWriter* writer = active_writer.load(std::memory_order_acquire)) {
    writer->push(line);
    return;
  }
  // One write(2) of the whole line: whole lines even with two threads logging.
  write_all(STDERR_FILENO, line);
}

LogWriter::LogWriter(int fd, std::size_t max_pending_bytes)
    : fd_(fd), max_pending_bytes_(max_pending_bytes), thread_([this] { run(); }) {}

LogWriter::~LogWriter() { stop(); }

bool LogWriter::push(std::string_view line) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      if (pending_.size() + line.size() > max_pending_bytes_) {
        ++dropped_;
        return false;
      }
      const bool was_empty = pending_.empty();
      pending_.append(line);
      // The first line starts a gathering; a full one ends it early.
      if (was_empty || (pending_.size() >= gather_bytes && pending_.size() - line.size() < gather_bytes)) {
        wake_.notify_one();
      }
      return true;
    }
  }
  write_all(fd_, line);  // stopped: nobody else writes any more
  return true;
}

void LogWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LogWriter::run() {
  std::string batch;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty() || dropped_ != 0; });
    // Gathers what comes in the next moment into the same write: with a line
    // per post, waking and writing once per line cost the server a futex
    // wake-up and a write(2) per post (perf, bench/RESULTS.md); a log line
    // that leaves a few milliseconds later costs nobody anything.
    wake_.wait_for(lock, gather_time, [this] { return stopping_ || pending_.size() >= gather_bytes; });
    batch.clear();
    if (dropped_ != 0) {
      batch = format_line(LogLevel::warn, "log-dropped", "lines=" + std::to_string(dropped_));
      dropped_ = 0;
    }
    batch += pending_;
    pending_.clear();
    const bool last = stopping_;
    lock.unlock();
    write_all(fd_, batch);  // the slow part, with nothing locked
    lock.lock();
    if (last && pending_.empty() && dropped_ == 0) return;
  }
}

StderrLogWriterScope::StderrLogWriterScope(std::size_t max_pending_bytes)
    : writer_(STDERR_FILENO, max_pending_bytes) {
  active_writer.store(&writer_, std::memory_order_release);
}

StderrLogWriterScope::~StderrLogWriterScope() {
  active_writer.store(nullptr, std::memory_order_release);
  // A line handed over just before this still lands: push() after stop()
  // writes at once, and stop() writes what waits.
  writer_.stop();
}

std::string redact_url_password(std::string_view url) {
  std::string out(url);
  const std::size_t scheme_end = out.find("://");
  if (scheme_end == std::string::npos) return out;
  // userinfo: scheme://user:password@host…, up to the last '@' before the
  // query: a password written with a raw '/' (it should be %2F) is hidden
  // too; an '@' in a path only makes it hide more, never less.
  const std::size_t start = scheme_end + 3;
  const std::size_t query = out.find_first_of("?#", start);
  const std::size_t at = out.rfind('@', query == std::string::npos ? out.size() : query);
  if (at != std::string::npos && at >= start) {
    const std::size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  return out;
}

std::string log_value(std::string_view text) {
  constexpr std::size_t max_bytes = 120;
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() + 2 : max_bytes + 8);
  const bool quote = text.empty() || text.find_first_of(" \"=") != std::string_view::npos;
  if (quote) out += '"';
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max_bytes) {
      // Cut only at a UTF-8 lead byte so the line stays valid UTF-8.
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        out += "...";
        break;
      }
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (quote) out += '"';
  return out;
}

}  // namespace comments::server

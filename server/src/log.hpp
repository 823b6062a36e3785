// One-line structured logs on stderr: `2026-11-27T12:00:00.123Z info post id=5 thread=…`.
// Callers never pass the moderator token or raw client addresses (only the
// keyed address hash, see crypto.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace comments::server {

enum class LogLevel : std::uint8_t { debug, info, warn, error };

std::string_view to_string(LogLevel level) noexcept;

// Unix milliseconds as ISO 8601 UTC with milliseconds: 2026-11-27T12:00:00.123Z
std::string iso_utc(std::int64_t unix_ms);

// Current wall-clock time in Unix milliseconds.
std::int64_t now_ms();

// Lines below `level` are dropped (default info). Set once at start.
void set_log_level(LogLevel level) noexcept;
// "debug", "info", "warn", "error"; false for anything else.
bool parse_log_level(std::string_view text, LogLevel& out) noexcept;

// Writes `<time> <level> <event> <fields>` as one line (a single write, so
// lines from the worker thread and the network thread never interleave).
void log_line(LogLevel level, std::string_view event, std::string_view fields = {});

// A value safe for a `key=value` log field: control characters, spaces and
// quotes escaped, long values shortened, so a client cannot forge log lines.
std::string log_value(std::string_view text);

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

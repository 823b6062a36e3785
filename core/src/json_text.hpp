// Writes JSON text straight into a string, for the messages the server sends
// on every post (ack, comment, snapshot, ...). Building an nlohmann value and
// dumping it cost about 28,000 instructions per ack (callgrind, bench
// ingest): a map node and a string copy per field, then a second walk. This
// writes each field once. The output is byte for byte what
// `ordered_json::dump(-1, ' ', false, error_handler_t::replace)` gave (tests
// compare the two on random comments, control characters and invalid UTF-8
// included). Private to core/src.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace comments::json_text {

// `s` as a JSON string: quotes, the two-letter escapes (\" \\ \b \f \n \r
// \t), \u00XX for the other control characters, everything else as it is.
// Text that is not valid UTF-8 (never expected: stored text was validated)
// has each bad sequence replaced by U+FFFD, as nlohmann's `replace` does.
void append_string(std::string& out, std::string_view s);

void append_int(std::string& out, std::int64_t value);

inline void append_bool(std::string& out, bool value) { out += value ? "true" : "false"; }

// `"name":` after a comma unless it is the object's first member. Names are
// our own ASCII constants, never escaped.
inline void append_key(std::string& out, std::string_view name, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += name;
  out += "\":";
}

}  // namespace comments::json_text

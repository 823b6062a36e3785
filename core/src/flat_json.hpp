// A fast path for the commonest client frames: one JSON object whose members
// are strings without escapes, integers, true, false or null (every `post`,
// `join` and `more` a widget sends). nlohmann's lexer costs about 70
// instructions per byte (it keeps each token's characters for its error
// messages and tracks positions per character): a third of the server's
// user-space instructions per acknowledged post (callgrind, bench ingest).
//
// It only ever accepts: anything it does not handle (escapes, nesting,
// fractions, a repeated name, whitespace it does not expect, invalid JSON)
// makes it give up, and the caller parses with nlohmann, which then reports
// the errors. What it accepts, it builds exactly as nlohmann::json::parse
// would (non-negative integers as number_unsigned, as nlohmann does); a
// differential test and a fuzz target hold the two equal. Private to core/src.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace comments::flat_json {

// The object, or nothing when the frame is not such a flat object (the
// caller then parses it in full). `frame` is valid UTF-8 (checked by the
// WebSocket layer), so string bytes are copied as they are.
std::optional<nlohmann::json> parse_flat_object(std::string_view frame);

}  // namespace comments::flat_json

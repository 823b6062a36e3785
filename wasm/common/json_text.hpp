// nlohmann::json <-> the browser's own JSON values (emscripten::val), for the
// moderator console, which works on nlohmann::json (the types core's protocol
// code takes) over the same connection as the widget (common/connection.hpp):
// JSON text itself is parsed and written by the browser's JSON.parse and
// JSON.stringify (common/js_message.hpp), which keeps nlohmann's lexer,
// parser, serializer, number parsing and printf out of the Wasm.
//
// Numbers arrive as JS numbers: integers are exact up to 2^53 (every id and
// count of the protocol), integral values become JSON integers (unsigned when
// not negative, as nlohmann's parser makes them), others floats.
#pragma once

#include <emscripten/val.h>
#include <nlohmann/json.hpp>

namespace cmweb {

nlohmann::json json_from_js(const emscripten::val& value);
// Invalid UTF-8 in strings becomes U+FFFD (embind decodes them with TextDecoder).
emscripten::val json_to_js(const nlohmann::json& value);

}  // namespace cmweb

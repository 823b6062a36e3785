// JSON text <-> nlohmann::json through the browser's own JSON.parse and
// JSON.stringify. The widget and the console still work on nlohmann::json (the
// types core's protocol code takes); only the text step runs in the browser,
// which keeps nlohmann's lexer, parser, serializer, number parsing (strtod with
// software long double) and printf out of the Wasm download.
//
// Numbers arrive as JS numbers: integers are exact up to 2^53 (every id and
// count of the protocol), integral values become JSON integers (unsigned when
// not negative, as nlohmann's parser makes them), others floats.
#pragma once

#include <string>
#include <string_view>

#include <emscripten/val.h>
#include <nlohmann/json.hpp>

namespace cmweb {

// The parsed value, or a discarded value (is_discarded()) for invalid JSON.
nlohmann::json parse_json_text(std::string_view text);

// Compact JSON text; invalid UTF-8 in strings becomes U+FFFD.
std::string dump_json_text(const nlohmann::json& value);

// The same conversions between a parsed JS value and nlohmann::json (numbers
// as above), for code that holds the browser's value already.
nlohmann::json json_from_js(const emscripten::val& value);
emscripten::val json_to_js(const nlohmann::json& value);

}  // namespace cmweb

// Protocol messages as the browser's own JSON values (emscripten::val), for the
// reader's widget: JSON.parse reads what the server sends, JSON.stringify
// writes what the widget sends, and these helpers read fields with their type
// checked. Keeps nlohmann's value code (about a third of the widget's Wasm)
// out of every reader's download; the server and the moderator console use
// core's nlohmann-based protocol code, and both sides read a comment object
// through the one definition in comments/comment_fields.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <emscripten/val.h>

#include "comments/comment.hpp"

namespace cmweb::js {

using emscripten::val;

// The value of a JSON text, or undefined when the text is not valid JSON.
val parse(std::string_view text);
// Compact JSON text of `value` (strings in it are already valid UTF-16).
std::string stringify(const val& value);

// A plain object (not null, not an array).
bool is_object(const val& value);

// Typed field reads: nullopt when `object` is not an object, the key is
// missing, or it holds another type.
std::optional<std::string> string_at(const val& object, const char* key);
// An integral number that is a safe integer in JS (|n| < 2^53, as
// Number.isSafeInteger): every id, count and time of the protocol.
std::optional<std::int64_t> int_at(const val& object, const char* key);
// string_at's value, or "" when there is none.
std::string text_at(const val& object, const char* key);

// A comment object as the server sends it (see comments::read_comment).
comments::Result<comments::Comment> comment_from(const val& value);
// Every valid comment of the array at object[key]; invalid items are skipped.
std::vector<comments::Comment> comments_at(const val& object, const char* key);

// A message under construction: {"type": type}, then fields by set().
val message(std::string_view type);
void set(val& object, const char* key, std::string_view text);
void set(val& object, const char* key, std::int64_t number);
void set_null(val& object, const char* key);

}  // namespace cmweb::js

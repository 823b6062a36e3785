// Text rules of the wire contract: UTF-8 validity, code points, Unicode
// White_Space trimming and control characters (Cc). No allocation unless a
// function returns a string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace comments::text {

// Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view bytes) noexcept;

// Decodes the code point starting at `pos` of valid UTF-8 and advances `pos`.
// Callers validate first; on invalid input it returns U+FFFD and skips a byte.
char32_t next_code_point(std::string_view utf8, std::size_t& pos) noexcept;

// Appends `cp` to `out` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

// Number of code points in valid UTF-8.
std::size_t count_code_points(std::string_view utf8) noexcept;

// Unicode White_Space (includes U+3000 IDEOGRAPHIC SPACE, U+00A0, U+2028 ...).
bool is_white_space(char32_t cp) noexcept;

// Unicode general category Cc: C0 controls, DEL and C1 controls.
bool is_control(char32_t cp) noexcept;

// True when valid UTF-8 `utf8` contains any Cc character.
bool has_control(std::string_view utf8) noexcept;

// `utf8` without leading and trailing White_Space (a view into the input).
std::string_view trim(std::string_view utf8) noexcept;

// True when `utf8` is empty or made only of White_Space.
bool is_blank(std::string_view utf8) noexcept;

// The first `count` code points of valid UTF-8 `utf8` (all of it when it is
// shorter), as a view into it.
std::string_view leading_code_points(std::string_view utf8, std::size_t count) noexcept;

// A short quotation of valid UTF-8 `utf8` for a message: `open`, its first
// `max_chars` code points, "…" when it was longer, `close`.
std::string quoted_excerpt(std::string_view utf8, std::size_t max_chars, std::string_view open,
                           std::string_view close);

// `text` with & < > " ' escaped, for HTML text and attribute values (the
// server's no-JS fragment and the markup the widget writes itself).
std::string html_escape(std::string_view text);

// `text` with A-Z lowered and every other byte kept: for the ASCII tokens of
// protocols (host names, schemes, language tags).
std::string ascii_lower(std::string_view text);

// Unicode's simple lowercase mapping of one code point (UnicodeData.txt,
// generated into unicode_tables.inc): "Ä" -> "ä", "Σ" -> "σ", "Ａ" -> "ａ".
char32_t simple_lower(char32_t cp) noexcept;
// Valid UTF-8 `utf8` with every code point lower-cased, appended to `out`:
// the case-insensitive searches of readers' text (the moderator queue's
// author and text filters, in the store and in the console alike).
void append_lower(std::string& out, std::string_view utf8);
std::string lower(std::string_view utf8);

}  // namespace comments::text

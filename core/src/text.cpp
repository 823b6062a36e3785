// Text rules of the wire contract (see comments/text.hpp): strict UTF-8,
// White_Space and Cc as Unicode defines them.
#include "comments/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "unicode_tables.inc"

namespace comments::text {
namespace {

constexpr char32_t replacement_character = 0xFFFD;

bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0) == 0x80; }

// Length of the well-formed sequence at `pos` (Unicode Table 3-7), or 0 when
// the bytes there are not one: a stray continuation byte, C0/C1 or F5..FF
// (overlong or out of range), an overlong E0/F0 form, a surrogate (ED A0..BF),
// a code point above U+10FFFF (F4 90..) or a sequence cut short.
std::size_t sequence_length(std::string_view bytes, std::size_t pos) noexcept {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = at(pos);
  const std::size_t left = bytes.size() - pos;
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return left >= 2 && is_continuation(at(pos + 1)) ? 2 : 0;
  if (lead < 0xF0) {
    if (left < 3) return 0;
    const unsigned char second = at(pos + 1);
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return second >= low && second <= high && is_continuation(at(pos + 2)) ? 3 : 0;
  }
  if (lead < 0xF5) {
    if (left < 4) return 0;
    const unsigned char second = at(pos + 1);
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return second >= low && second <= high && is_continuation(at(pos + 2)) &&
                   is_continuation(at(pos + 3))
               ? 4
               : 0;
  }
  return 0;
}

bool in_ranges(char32_t cp, const auto& ranges) noexcept {
  for (const auto& range : ranges) {
    if (cp < range.first) return false;
    if (cp <= range.last) return true;
  }
  return false;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) noexcept {
  std::size_t pos = 0;
  const std::size_t size = bytes.size();
  while (pos < size) {
    // Eight ASCII bytes at a time: most comment text is mostly ASCII or
    // mostly three-byte CJK, and the former should cost next to nothing.
    if (size - pos >= 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes.data() + pos, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        pos += 8;
        continue;
      }
    }
    const std::size_t length = sequence_length(bytes, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

char32_t next_code_point(std::string_view utf8, std::size_t& pos) noexcept {
  if (pos >= utf8.size()) return replacement_character;
  const std::size_t length = sequence_length(utf8, pos);
  const auto at = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(utf8[i])); };
  char32_t cp = 0;
  switch (length) {
    case 1:
      cp = at(pos);
      break;
    case 2:
      cp = ((at(pos) & 0x1F) << 6) | (at(pos + 1) & 0x3F);
      break;
    case 3:
      cp = ((at(pos) & 0x0F) << 12) | ((at(pos + 1) & 0x3F) << 6) | (at(pos + 2) & 0x3F);
      break;
    case 4:
      cp = ((at(pos) & 0x07) << 18) | ((at(pos + 1) & 0x3F) << 12) | ((at(pos + 2) & 0x3F) << 6) |
           (at(pos + 3) & 0x3F);
      break;
    default:
      ++pos;
      return replacement_character;
  }
  pos += length;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  // Surrogates and values past U+10FFFF have no UTF-8 form.
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = replacement_character;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::size_t count_code_points(std::string_view utf8) noexcept {
  // In valid UTF-8 every code point has exactly one non-continuation byte.
  std::size_t count = 0;
  for (const char byte : utf8) count += is_continuation(static_cast<unsigned char>(byte)) ? 0 : 1;
  return count;
}

std::string_view leading_code_points(std::string_view utf8, std::size_t count) noexcept {
  std::size_t end = 0;
  for (std::size_t n = 0; end < utf8.size() && n < count; ++n) next_code_point(utf8, end);
  return utf8.substr(0, end);
}

std::string quoted_excerpt(std::string_view utf8, std::size_t max_chars, std::string_view open,
                           std::string_view close) {
  const std::string_view shown = leading_code_points(utf8, max_chars);
  std::string out(open);
  out.append(shown);
  if (shown.size() < utf8.size()) out += "…";
  out.append(close);
  return out;
}

bool is_white_space(char32_t cp) noexcept {
  if (cp < 0x80) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  return in_ranges(cp, unicode_tables::white_space);
}

bool is_control(char32_t cp) noexcept { return cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F); }

bool has_control(std::string_view utf8) noexcept {
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    if (is_control(next_code_point(utf8, pos))) return true;
  }
  return false;
}

// Looks only at the ends: a post's body is decoded once by the checks that
// need every code point, not again here (trim was ~1,300 instructions for a
// 200-character body, callgrind).
std::string_view trim(std::string_view utf8) noexcept {
  std::size_t begin = 0;
  while (begin < utf8.size()) {
    std::size_t next = begin;
    if (!is_white_space(next_code_point(utf8, next))) break;
    begin = next;
  }
  std::size_t end = utf8.size();
  while (end > begin) {
    // The start of the last code point: back over continuation bytes.
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(utf8[start]) & 0xC0) == 0x80) --start;
    std::size_t after = start;
    const char32_t cp = next_code_point(utf8, after);
    // On bytes that are not UTF-8 the decoder takes one byte: the code point
    // does not end at `end`, and is not White_Space (U+FFFD) either way.
    if (after != end || !is_white_space(cp)) break;
    end = start;
  }
  return utf8.substr(begin, end - begin);
}

bool is_blank(std::string_view utf8) noexcept {
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    if (!is_white_space(next_code_point(utf8, pos))) return false;
  }
  return true;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

char32_t simple_lower(char32_t cp) noexcept {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 0x20 : cp;
  if (cp > 0x10FFFF) return cp;
  const std::size_t block = cp >> unicode_tables::lower_block_bits;
  if (((unicode_tables::lower_blocks[block / 32] >> (block % 32)) & 1) == 0) return cp;
  // Binary search over the generated runs.
  const auto* runs_end = std::end(unicode_tables::lower_runs);
  const auto* run = std::upper_bound(std::begin(unicode_tables::lower_runs), runs_end, cp,
                                     [](char32_t value, const unicode_tables::LowerRun& r) { return value < r.first; });
  if (run == std::begin(unicode_tables::lower_runs)) return cp;
  --run;
  if (cp > run->last || (cp - run->first) % run->stride != 0) return cp;
  return static_cast<char32_t>(static_cast<std::int32_t>(cp) + run->delta);
}

void append_lower(std::string& out, std::string_view utf8) {
  for (std::size_t pos = 0; pos < utf8.size();) {
    const auto byte = static_cast<unsigned char>(utf8[pos]);
    if (byte < 0x80) {  // ASCII needs no decoding
      out.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 0x20 : byte));
      ++pos;
      continue;
    }
    append_utf8(out, simple_lower(next_code_point(utf8, pos)));
  }
}

std::string lower(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  append_lower(out, utf8);
  return out;
}

}  // namespace comments::text

// UTF-8 validation, differential: comments::text::is_valid_utf8 must agree
// exactly with a strict RFC 3629 validator written from table 3-7 of the
// Unicode standard (well-formed byte sequences). Folding (comments::fold) and
// text::lower must not crash on valid text and must keep it valid.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "comments/filter.hpp"
#include "comments/text.hpp"

namespace {

// Table 3-7: the only well-formed sequences.
//   00..7F
//   C2..DF 80..BF
//   E0     A0..BF 80..BF
//   E1..EC 80..BF 80..BF
//   ED     80..9F 80..BF
//   EE..EF 80..BF 80..BF
//   F0     90..BF 80..BF 80..BF
//   F1..F3 80..BF 80..BF 80..BF
//   F4     80..8F 80..BF 80..BF
bool reference_valid_utf8(std::string_view s) {
  const auto in = [](unsigned char b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // range of the second byte
    if (b0 <= 0x7F) {
      len = 1;
    } else if (in(b0, 0xC2, 0xDF)) {
      len = 2;
    } else if (b0 == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (in(b0, 0xE1, 0xEC) || in(b0, 0xEE, 0xEF)) {
      len = 3;
    } else if (b0 == 0xED) {
      len = 3, hi = 0x9F;
    } else if (b0 == 0xF0) {
      len = 4, lo = 0x90;
    } else if (in(b0, 0xF1, 0xF3)) {
      len = 4;
    } else if (b0 == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    if (len > 1 && !in(static_cast<unsigned char>(s[i + 1]), lo, hi)) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (!in(static_cast<unsigned char>(s[i + k]), 0x80, 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

bool is_scalar_value(char32_t cp) { return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF); }

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  const bool valid = comments::text::is_valid_utf8(s);
  if (valid != reference_valid_utf8(s)) fail("is_valid_utf8 disagrees with table 3-7");
  if (!valid) return 0;

  std::string refolded;
  for (const char32_t cp : comments::fold(s)) {
    if (cp == 0 || !is_scalar_value(cp)) fail("fold produced a code point that is no scalar value");
    comments::text::append_utf8(refolded, cp);
  }
  if (!comments::text::is_valid_utf8(refolded)) fail("fold's output is not valid UTF-8");
  if (!comments::text::is_valid_utf8(comments::text::lower(s))) fail("lower made invalid UTF-8");
  return 0;
}

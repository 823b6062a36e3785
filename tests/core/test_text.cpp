// Text rules: strict UTF-8, code points, White_Space, Cc, trim, is_blank.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "comments/calendar.hpp"
#include "comments/text.hpp"
#include "xorshift.hpp"

using namespace std::string_literals;
namespace text = comments::text;

namespace {

std::string utf8_of(char32_t cp) {
  std::string out;
  text::append_utf8(out, cp);
  return out;
}

// Every code point in `utf8`, decoded with next_code_point.
std::u32string decode_all(std::string_view utf8) {
  std::u32string out;
  std::size_t pos = 0;
  while (pos < utf8.size()) out.push_back(text::next_code_point(utf8, pos));
  return out;
}

}  // namespace

TEST_CASE("is_valid_utf8 accepts well-formed text of every length") {
  CHECK(text::is_valid_utf8(""));
  CHECK(text::is_valid_utf8("plain ASCII, with punctuation!"));
  CHECK(text::is_valid_utf8("大力提升长三角一体化基层社会治理能力"));
  CHECK(text::is_valid_utf8("emoji 😀 and 👍🏽 and 🇨🇳"));
  CHECK(text::is_valid_utf8("\x00 embedded NUL"s));
  // The boundaries of each sequence length.
  for (const char32_t cp : {0x0u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFDu, 0xFFFFu, 0x10000u,
                            0x10FFFFu}) {
    CAPTURE(static_cast<unsigned>(cp));
    CHECK(text::is_valid_utf8(utf8_of(cp)));
  }
  // Long ASCII runs go through the eight-byte fast path; an error after one
  // must still be seen.
  CHECK(text::is_valid_utf8(std::string(1000, 'a') + "中文"));
  CHECK_FALSE(text::is_valid_utf8(std::string(1000, 'a') + "\xC3"));
  CHECK_FALSE(text::is_valid_utf8(std::string(17, 'a') + "\xFF" + std::string(17, 'b')));
}

TEST_CASE("is_valid_utf8 rejects every kind of ill-formed sequence") {
  const std::vector<std::string> bad = {
      "\x80",                  // lone continuation byte
      "\xBF",                  // lone continuation byte
      "a\x80z",                // continuation byte between ASCII
      "\xC0\x80",              // overlong NUL
      "\xC1\xBF",              // overlong U+007F
      "\xE0\x80\x80",          // overlong NUL, three bytes
      "\xE0\x9F\xBF",          // overlong U+07FF
      "\xF0\x80\x80\x80",      // overlong NUL, four bytes
      "\xF0\x8F\xBF\xBF",      // overlong U+FFFF
      "\xED\xA0\x80",          // U+D800, a surrogate
      "\xED\xBF\xBF",          // U+DFFF, a surrogate
      "\xED\xA0\xBD\xED\xB8\x80",  // CESU-8 surrogate pair for U+1F600
      "\xF4\x90\x80\x80",      // U+110000
      "\xF5\x80\x80\x80",      // lead byte F5
      "\xF8\x88\x80\x80\x80",  // five-byte form
      "\xFC\x84\x80\x80\x80\x80",  // six-byte form
      "\xFE",
      "\xFF",
      "\xC3",                  // truncated two-byte
      "\xE4\xB8",              // truncated three-byte (中 is E4 B8 AD)
      "\xF0\x9F\x98",          // truncated four-byte (😀 is F0 9F 98 80)
      "\xE4\xB8" "a",          // continuation replaced by ASCII
      "\xC3\xC3\xA9",          // lead byte where a continuation belongs
      "ok\xE4\xB8",            // truncated at the very end
  };
  for (const std::string& bytes : bad) {
    CAPTURE(bytes);
    CHECK_FALSE(text::is_valid_utf8(bytes));
  }
}

TEST_CASE("is_valid_utf8 agrees with a re-encoding reference on every short sequence") {
  // Reference: split at lead bytes, decode each sequence by bit pattern
  // alone; the text is valid exactly when every sequence is the one encoding
  // append_utf8 gives its value (append_utf8 turns surrogates and values past
  // U+10FFFF into U+FFFD, and never writes an overlong form).
  const auto reference_valid = [](const std::string& bytes) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    for (std::size_t at = 0; at < bytes.size();) {
      const unsigned char lead = byte(at);
      const std::size_t length = lead < 0x80 ? 1 : lead < 0xC0 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF8 ? 4 : 0;
      if (length == 0 || at + length > bytes.size()) return false;
      char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
      for (std::size_t i = at + 1; i < at + length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (byte(i) & 0x3F);
      }
      std::string encoded;
      text::append_utf8(encoded, cp);
      if (encoded != bytes.substr(at, length)) return false;
      at += length;
    }
    return true;
  };
  // Records the first disagreement (as hex bytes) instead of asserting per
  // string: there are millions of them.
  std::string first_mismatch;
  std::size_t checked = 0;
  const auto agree = [&](const std::string& bytes) {
    ++checked;
    const bool valid = text::is_valid_utf8(bytes);
    bool ok = valid == reference_valid(bytes);
    if (ok && valid) {
      // Decoding and re-encoding valid text gives the same bytes back.
      std::string round_trip;
      std::size_t pos = 0;
      while (pos < bytes.size()) text::append_utf8(round_trip, text::next_code_point(bytes, pos));
      ok = round_trip == bytes;
    }
    if (!ok && first_mismatch.empty()) {
      static constexpr char hex[] = "0123456789ABCDEF";
      for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        first_mismatch += {hex[b >> 4], hex[b & 15], ' '};
      }
    }
  };
  // Every one- and two-byte string.
  for (int a = 0; a < 256; ++a) {
    agree(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) agree({static_cast<char>(a), static_cast<char>(b)});
  }
  // Every lead byte from C0 with every second byte, and a spread of later
  // bytes: continuation edges, ASCII and lead bytes.
  const unsigned char later[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0x41, 0xC0, 0xE0, 0xFF};
  for (int lead = 0xC0; lead < 256; ++lead) {
    for (int second = 0; second < 256; ++second) {
      for (const unsigned char third : later) {
        const std::string three{static_cast<char>(lead), static_cast<char>(second), static_cast<char>(third)};
        agree(three);
        for (const unsigned char fourth : later) agree(three + static_cast<char>(fourth));
      }
    }
  }
  CHECK(checked > 700'000);
  CHECK(first_mismatch == "");
}

TEST_CASE("next_code_point decodes and replaces bad bytes one at a time") {
  CHECK(decode_all("a中😀") == U"a中😀");
  CHECK(decode_all("\xC3\xA9") == U"é");
  // Each byte that does not start a well-formed sequence is one U+FFFD.
  CHECK(decode_all("\xC0\x80") == U"\uFFFD\uFFFD");
  CHECK(decode_all("\xED\xA0\x80") == U"\uFFFD\uFFFD\uFFFD");
  CHECK(decode_all("x\xE4\xB8") == U"x\uFFFD\uFFFD");
  CHECK(decode_all("\xF4\x90\x80\x80!") == U"\uFFFD\uFFFD\uFFFD\uFFFD!");
  std::size_t past_end = 3;
  CHECK(text::next_code_point("abc", past_end) == U'\uFFFD');
  CHECK(past_end == 3);
}

TEST_CASE("append_utf8 round-trips and never writes invalid UTF-8") {
  for (const char32_t cp : {0x41u, 0xE9u, 0x4E2Du, 0x3000u, 0x1F600u, 0x10FFFFu}) {
    const std::string encoded = utf8_of(cp);
    CHECK(text::is_valid_utf8(encoded));
    CHECK(decode_all(encoded) == std::u32string(1, cp));
  }
  CHECK(utf8_of(0xD800) == "\uFFFD");
  CHECK(utf8_of(0x110000) == "\uFFFD");
  CHECK(utf8_of(U'中') == "\xE4\xB8\xAD");
}

TEST_CASE("count_code_points counts characters, not bytes") {
  CHECK(text::count_code_points("") == 0);
  CHECK(text::count_code_points("abc") == 3);
  CHECK(text::count_code_points("网友") == 2);
  CHECK(text::count_code_points("😀👍") == 2);
  CHECK(text::count_code_points("a中😀é") == 4);
  CHECK(text::count_code_points(std::string(2000, 'x')) == 2000);
}

TEST_CASE("is_white_space is the full Unicode White_Space property") {
  const std::vector<char32_t> white = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000,
                                       0x2001, 0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
  for (const char32_t cp : white) {
    CAPTURE(static_cast<unsigned>(cp));
    CHECK(text::is_white_space(cp));
  }
  // Look-alikes that are not White_Space: zero-width characters, BOM,
  // Mongolian vowel separator (removed in Unicode 6.3), controls.
  const std::vector<char32_t> not_white = {0x00, 0x08, 0x0E, 0x1F, 0x7F, 0x84, 0x86, 0x200B, 0x200C, 0x200D,
                                           0x2060, 0xFEFF, 0x180E, 0x2027, 0x202A, 0x3001, U'a', U'中', 0x10FFFF};
  for (const char32_t cp : not_white) {
    CAPTURE(static_cast<unsigned>(cp));
    CHECK_FALSE(text::is_white_space(cp));
  }
}

TEST_CASE("is_control is exactly Cc: C0, DEL and C1") {
  for (char32_t cp = 0; cp <= 0x1F; ++cp) CHECK(text::is_control(cp));
  for (char32_t cp = 0x7F; cp <= 0x9F; ++cp) CHECK(text::is_control(cp));
  for (const char32_t cp : {0x20u, 0x7Eu, 0xA0u, 0x200Bu, 0xFEFFu, 0x2028u, 0x3000u, 0x4E2Du}) {
    CAPTURE(static_cast<unsigned>(cp));
    CHECK_FALSE(text::is_control(cp));
  }
  CHECK(text::has_control("tab\there"));
  CHECK(text::has_control("nul\0"s));
  CHECK(text::has_control("c1 \xC2\x85 next line"));
  CHECK(text::has_control("del \x7F"));
  CHECK_FALSE(text::has_control("曹文泽 Cao Wenze"));
  CHECK_FALSE(text::has_control("zero\u200Bwidth is Cf, not Cc"));
  CHECK_FALSE(text::has_control(""));
}

TEST_CASE("trim removes leading and trailing White_Space only") {
  CHECK(text::trim("  hello  ") == "hello");
  CHECK(text::trim("\u3000\u3000网友\u3000") == "网友");
  CHECK(text::trim("\t\n\r\v\f x \u00A0\u1680\u2000\u200A\u2028\u2029\u202F\u205F\u0085") == "x");
  CHECK(text::trim("a b\u3000c") == "a b\u3000c");
  CHECK(text::trim("\u200Bzero width stays\u200B") == "\u200Bzero width stays\u200B");
  CHECK(text::trim("") == "");
  CHECK(text::trim(" \u3000 ") == "");
  CHECK(text::trim("😀") == "😀");
  // The result is a view into the input.
  const std::string input = "  core  ";
  const std::string_view trimmed = text::trim(input);
  CHECK(trimmed.data() == input.data() + 2);
  CHECK(trimmed.size() == 4);
}

TEST_CASE("trim, which looks only at the ends, agrees with decoding every code point") {
  // The reference: the first and last code point that is not White_Space,
  // found by decoding the whole text (bytes that are not UTF-8 included).
  const auto reference = [](std::string_view utf8) {
    std::size_t begin = 0, end = 0, pos = 0;
    bool seen = false;
    while (pos < utf8.size()) {
      const std::size_t start = pos;
      if (!text::is_white_space(text::next_code_point(utf8, pos))) {
        if (!seen) begin = start;
        seen = true;
        end = pos;
      }
    }
    return seen ? utf8.substr(begin, end - begin) : utf8.substr(utf8.size());
  };
  static const std::string_view pieces[] = {" ", "\t", "\u3000", "\u00A0", "\u2028", "\u0085", "a", "网",
                                            "😀", "\xff", "\x80", "\xe3\x80", "\xed\xa0\x80", "\xc2", "\xe3"};
  comments::testing::Xorshift rng{0x7e1a'5eedULL};
  for (int i = 0; i < 20'000; ++i) {
    std::string s;
    for (std::size_t n = rng.below(8); n > 0; --n) s += pieces[rng.below(std::size(pieces))];
    const std::string_view got = text::trim(s), want = reference(s);
    INFO("text: " << s);
    CHECK(got.data() == want.data());
    CHECK(got.size() == want.size());
  }
}

TEST_CASE("is_blank is true for empty and all-White_Space text") {
  CHECK(text::is_blank(""));
  CHECK(text::is_blank(" "));
  CHECK(text::is_blank("\u3000\u00A0\t\n\u2028"));
  CHECK_FALSE(text::is_blank("\u200B"));  // invisible, but not White_Space
  CHECK_FALSE(text::is_blank(" . "));
  CHECK_FALSE(text::is_blank("\u3000字"));
}

TEST_CASE("leading_code_points counts characters, not bytes") {
  using comments::text::leading_code_points;
  CHECK(leading_code_points("网友评论", 2) == "网友");
  CHECK(leading_code_points("ab网", 3) == "ab网");
  CHECK(leading_code_points("ab", 5) == "ab");
  CHECK(leading_code_points("😀x", 1) == "😀");
  CHECK(leading_code_points("", 3).empty());
  CHECK(leading_code_points("abc", 0).empty());
}

TEST_CASE("quoted_excerpt quotes at most so many characters, marking a cut") {
  using comments::text::quoted_excerpt;
  CHECK(quoted_excerpt("敏感词", 20, "“", "”") == "“敏感词”");
  CHECK(quoted_excerpt("网友评论", 2, "\"", "\"") == "\"网友…\"");
  CHECK(quoted_excerpt("", 5, "(", ")") == "()");
}

TEST_CASE("html_escape: the five special characters, nothing else") {
  CHECK(comments::text::html_escape(R"(<a href="x" onclick='y'>&</a>)") ==
        "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  CHECK(comments::text::html_escape("网友评论：发表评论") == "网友评论：发表评论");
  CHECK(comments::text::html_escape("") == "");
}

TEST_CASE("lower follows Unicode's simple lowercase mapping and leaves Chinese alone") {
  CHECK(text::lower("Hello WORLD") == "hello world");
  CHECK(text::lower("ÄÖÜ ΣΑΣ Привет") == "äöü σασ привет");
  CHECK(text::lower("ＡＢＣ") == "ａｂｃ");  // full-width letters have lower case too
  CHECK(text::lower("长三角 100%_") == "长三角 100%_");
  CHECK(text::simple_lower(U'İ') == U'i');
  CHECK(text::simple_lower(U'ß') == U'ß');  // no simple mapping
  CHECK(text::ascii_lower("HTTPS://Example.COM/Ä") == "https://example.com/Ä");
}

TEST_CASE("iso_utc and civil_date agree with the proleptic Gregorian calendar") {
  CHECK(comments::iso_utc(1'605'107'052'000) == "2020-11-11T15:04:12.000Z");
  CHECK(comments::iso_utc(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(comments::iso_utc(951'782'400'000) == "2000-02-29T00:00:00.000Z");  // a leap day
  const auto beijing = comments::civil_date(1'605'107'052'000 + 9 * 3'600'000, 8 * 60);
  CHECK(beijing.year == 2020);
  CHECK(beijing.month == 11u);
  CHECK(beijing.day == 12u);
}

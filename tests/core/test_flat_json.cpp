// core/src/flat_json.hpp, the fast path for flat client frames: whatever it
// accepts must be exactly what nlohmann::json::parse builds (value and number
// type alike), and whatever it is unsure of it must leave to nlohmann.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "../../core/src/flat_json.hpp"
#include "json_same.hpp"
#include "xorshift.hpp"

using comments::flat_json::parse_flat_object;
using nlohmann::json;

namespace {

// The fast path's answer for `text`, checked against nlohmann's; true when
// the fast path took it.
bool taken_and_agrees(std::string_view text) {
  const auto flat = parse_flat_object(text);
  if (!flat) return false;
  const json reference = json::parse(text.begin(), text.end(), nullptr, false);
  INFO("frame: " << std::string(text));
  REQUIRE_FALSE(reference.is_discarded());
  CHECK(comments::testing::same_json(*flat, reference));
  return true;
}

}  // namespace

TEST_CASE("flat_json takes the frames a widget sends, as nlohmann builds them") {
  CHECK(taken_and_agrees(
      R"({"type":"post","req":"p1","thread":"2020-11-11-caowenze","author":"网友","body":"顶一个","parent":null})"));
  CHECK(taken_and_agrees(R"({"type":"join","thread":"t","limit":10})"));
  CHECK(taken_and_agrees(R"({"type":"more","thread":"t","before":9007199254740993,"limit":10})"));
  CHECK(taken_and_agrees(" {\n\t\"a\" : true ,\r\"b\":false, \"c\":null, \"d\":-0, \"e\":0} \n"));
  CHECK(taken_and_agrees(R"({})"));
  CHECK(taken_and_agrees(R"({"":""})"));
  CHECK(taken_and_agrees(R"({"min":-9223372036854775808,"max":18446744073709551615})"));
  // Non-negative integers are number_unsigned, negative ones number_integer.
  const auto numbers = parse_flat_object(R"({"u":7,"i":-7})");
  REQUIRE(numbers);
  CHECK((*numbers)["u"].is_number_unsigned());
  CHECK((*numbers)["i"].is_number_integer());
  CHECK_FALSE((*numbers)["i"].is_number_unsigned());
}

TEST_CASE("flat_json leaves to nlohmann what it does not handle") {
  for (const std::string_view text : {
           R"({"a":"\n"})",                            // an escape
           R"({"a":[1]})", R"({"a":{}})",              // nesting
           R"({"a":1.5})", R"({"a":1e3})",             // not an integer
           R"({"a":18446744073709551616})",            // beyond uint64: a double to nlohmann
           R"({"a":-9223372036854775809})",            // beyond int64
           R"({"a":01})", R"({"a":-})", R"({"a":+1})",  // not JSON numbers
           R"({"a":1,"a":2})",                         // a repeated name (nlohmann keeps the last)
           "{\"a\":\"\x01\"}",                          // a raw control character
           "{\"a\":\"\xff\"}", "{\"a\":\"\xed\xa0\x80\"}",  // not UTF-8, a UTF-16 surrogate
           "\xef\xbb\xbf{}",                           // a byte order mark (nlohmann skips it)
           R"({"a":1,})", R"({"a" 1})", R"({"a":1)", R"({"a":tru})", R"({"a":nulll})",
           R"([])", R"("a")", "", "{} {}", R"({a:1})", "{\"a\":1}\v"}) {
    INFO("frame: " << std::string(text));
    CHECK_FALSE(parse_flat_object(text));
  }
}

TEST_CASE("flat_json agrees with nlohmann on random frames") {
  // Frames assembled from JSON pieces, valid and not; the fast path must take
  // a good share of them and agree on each one it takes.
  static const std::string_view pieces[] = {
      "{", "}", "\"type\"", "\"post\"", "\"网友评论\"", "\"😀\"", ":", ",", " ", "\n", "0", "-1", "42",
      "18446744073709551615", "9223372036854775808", "-9223372036854775808", "1.0", "true", "false",
      "null", "[", "]", "\"a\\\"b\"", "\"\xff\"", "\"x\"", "\"y\"", "\"\"", "e5", "-", "\t"};
  comments::testing::Xorshift rng{0x5eed'f1a7'0b1e'c7ULL};
  int taken = 0;
  for (int i = 0; i < 50'000; ++i) {
    std::string frame;
    if (rng.below(3) == 0) {
      // Well-formed flat objects, so the accepting paths are exercised often.
      frame = "{";
      const std::size_t members = rng.below(5);
      for (std::size_t m = 0; m < members; ++m) {
        if (m) frame += rng.below(8) ? "," : ", ";
        frame += "\"k" + std::to_string(m + rng.below(3)) + "\":";
        frame += pieces[3 + rng.below(std::size(pieces) - 3)];
      }
      frame += "}";
    } else {
      const std::size_t n = rng.below(14);
      for (std::size_t k = 0; k < n; ++k) frame += pieces[rng.below(std::size(pieces))];
    }
    if (taken_and_agrees(frame)) ++taken;
  }
  CHECK(taken > 1'000);
}

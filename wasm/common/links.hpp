// Splits a plain-text comment body into text and link runs so links can be
// made clickable while every character still goes into the DOM as text.
// A link starts at "http://", "https://" (ASCII, any case) or at "www." after a
// non-alphanumeric character, and runs to whitespace, a quote or angle
// bracket, or any non-ASCII character (so "见http://a.cn，谢谢" stops at "，");
// trailing sentence punctuation is left out. Pure; unit-tested natively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cmweb {

struct TextRun {
  std::string_view text;  // a view into the body
  bool is_link = false;
  std::string href;       // only for links: always http:// or https://
};

std::vector<TextRun> split_links(std::string_view body);

}  // namespace cmweb

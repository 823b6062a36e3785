#include "common/links.hpp"

#include <cctype>

namespace cmweb {
namespace {

bool starts_with_ci(std::string_view text, std::size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) != prefix[i]) return false;
  }
  return true;
}

bool ends_link(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' ||
         c == '{' || c == '}' || c == '|' || c == '\\' || c == '^';
}

bool is_trailing_punctuation(char c) {
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
         c == ']';
}

// Length of the prefix that starts a link at `pos`, or 0.
std::size_t link_prefix_at(std::string_view body, std::size_t pos) {
  if (starts_with_ci(body, pos, "https://")) return 8;
  if (starts_with_ci(body, pos, "http://")) return 7;
  if (starts_with_ci(body, pos, "www.") &&
      (pos == 0 || !std::isalnum(static_cast<unsigned char>(body[pos - 1])))) {
    return 4;
  }
  return 0;
}

}  // namespace

std::vector<TextRun> split_links(std::string_view body) {
  std::vector<TextRun> runs;
  std::size_t text_start = 0;
  std::size_t pos = 0;
  while (pos < body.size()) {
    const std::size_t prefix = link_prefix_at(body, pos);
    if (prefix == 0) {
      ++pos;
      continue;
    }
    std::size_t end = pos + prefix;
    while (end < body.size() && !ends_link(static_cast<unsigned char>(body[end]))) ++end;
    std::string_view link = body.substr(pos, end - pos);
    // "(see http://x.cn/a)" keeps ")" out unless the link opened a parenthesis.
    while (link.size() > prefix && is_trailing_punctuation(link.back()) &&
           !(link.back() == ')' && link.find('(') != std::string_view::npos)) {
      link.remove_suffix(1);
    }
    if (link.size() == prefix) {  // a bare "http://" or "www." is not a link
      pos += prefix;
      continue;
    }
    if (pos > text_start) runs.push_back({body.substr(text_start, pos - text_start), false, {}});
    std::string href = prefix == 4 ? "http://" + std::string(link) : std::string(link);
    runs.push_back({link, true, std::move(href)});
    pos += link.size();
    text_start = pos;
  }
  if (text_start < body.size()) runs.push_back({body.substr(text_start), false, {}});
  return runs;
}

}  // namespace cmweb

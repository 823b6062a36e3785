// The moderation filter, differential: a few words taken from the input make
// the banned list, and a text built from the rest of the input with one of
// them inserted verbatim must be blocked. Input layout: NUL-separated fields;
// byte 0 picks how many fields are words (1-4) and byte 1 which word is
// inserted and where.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "comments/filter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return -1;
  const std::size_t word_count = 1 + data[0] % 4;
  const std::uint8_t pick = data[1];
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);

  std::vector<std::string> words;
  while (words.size() < word_count) {
    const std::size_t end = rest.find('\0');
    const std::string_view field = rest.substr(0, end);
    if (comments::check_filter_word(field)) words.emplace_back(field);
    if (end == std::string_view::npos) {
      rest = {};
      break;
    }
    rest.remove_prefix(end + 1);
  }
  if (words.empty()) return -1;

  const std::string& word = words[pick % words.size()];
  const std::size_t at = rest.empty() ? 0 : (pick * 131u) % (rest.size() + 1);
  // Insert at a code point boundary only: inside a multi-byte sequence the
  // text would no longer be valid UTF-8 (and is then blocked anyway).
  std::size_t cut = at;
  while (cut < rest.size() && (static_cast<unsigned char>(rest[cut]) & 0xC0) == 0x80) ++cut;
  std::string body(rest.substr(0, cut));
  body += word;
  body += rest.substr(cut);

  comments::FilterLists lists;
  lists.banned = words;
  const comments::ModerationFilter filter(lists);
  const comments::FilterDecision d = filter.check("reader", body);
  if (d.verdict != comments::Verdict::block) {
    std::fprintf(stderr, "banned word not found: verdict %d, reason '%s'\n",
                 static_cast<int>(d.verdict), d.reason.c_str());
    std::abort();
  }
  return 0;
}

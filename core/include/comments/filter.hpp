// The moderation filter: the one piece of code that decides, in the browser
// and on the server alike, whether a text is published, held or blocked.
//
// Folding (docs/filter.md has the exact classes): full-width forms U+FF01..FF5E
// become their ASCII twins (and U+3000 a space), letters are lower-cased, then
// White_Space, punctuation (P*), symbols (S*) and format characters (Cf) are
// dropped. Words and texts are folded alike and a word matches anywhere in the
// folded text. Matching uses one Aho-Corasick automaton per list, so the cost
// is linear in the text whatever the number of words.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comments/result.hpp"

namespace comments {

// Folds one code point: returns 0 when the character is dropped, else the
// folded code point (full-width to ASCII, lower case).
char32_t fold_code_point(char32_t cp) noexcept;

// Folds valid UTF-8 text into code points (dropped characters removed).
std::u32string fold(std::string_view utf8);

// Number of links in a body: occurrences of "http://", "https://" and "www."
// after full-width-to-ASCII and lower-casing (nothing dropped); "https://www."
// counts once.
int count_links(std::string_view utf8);

// Whether `word` can be a filter word: else filter_word_invalid_utf8,
// filter_word_too_long or filter_word_folds_to_nothing, with a sentence for
// moderators that starts with `label` (FilterLists::validate passes e.g.
// "The banned word #2"). The filter module words the ids anew for readers.
Result<void> check_filter_word(std::string_view word, std::string_view label = "The word");

// A set of words matched anywhere in a folded text (Aho-Corasick).
class WordMatcher {
 public:
  WordMatcher();
  // Words are folded here; a word that folds to nothing is skipped (callers
  // reject such words beforehand, see FilterLists::validate).
  explicit WordMatcher(const std::vector<std::string>& words);
  ~WordMatcher();
  WordMatcher(WordMatcher&&) noexcept;
  WordMatcher& operator=(WordMatcher&&) noexcept;

  bool empty() const noexcept;
  // Index (into the constructor's list) of one word found in `folded`, if any.
  std::optional<std::size_t> find(std::u32string_view folded) const noexcept;

 private:
  struct Automaton;
  std::unique_ptr<Automaton> automaton_;
};

enum class Verdict : std::uint8_t { publish, hold, block };

struct FilterDecision {
  Verdict verdict = Verdict::publish;
  // Why, for moderators and logs: "banned word: …", "suspect word: …",
  // "3 links"; empty when published.
  std::string reason;
  std::string word;  // the banned or suspect word that decided, if one did
  int links = 0;     // the body's links when they decided a hold
};

// Where `word` first matches in valid UTF-8 `text` under the filter's
// folding: the byte range [first, second) of `text` from the first to the
// last code point that took part (what a console marks); nullopt when it
// does not match or folds to nothing.
std::optional<std::pair<std::size_t, std::size_t>> find_folded(std::string_view text,
                                                               std::string_view word);

struct FilterLists {
  std::vector<std::string> banned;
  std::vector<std::string> suspect;

  // Fine, or the first problem: a list of too many words
  // (filter_list_too_long) or a bad word (check_filter_word), named.
  Result<void> validate() const;
};

// Banned + suspect lists compiled into automata. Immutable once built, so a
// server can share one between threads and swap it atomically.
class ModerationFilter {
 public:
  ModerationFilter() = default;
  explicit ModerationFilter(FilterLists lists);

  const FilterLists& lists() const noexcept { return lists_; }

  // Banned word in author or body -> block; suspect word in author or body,
  // or more than limits::max_links_before_hold links in body -> hold.
  FilterDecision check(std::string_view author, std::string_view body) const;

 private:
  FilterLists lists_;
  WordMatcher banned_;
  WordMatcher suspect_;
};

}  // namespace comments

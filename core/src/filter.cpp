// The moderation filter (comments/filter.hpp, docs/filter.md).
//
// Hot path: ModerationFilter::check folds the author and the body once (one
// pass: UTF-8 decode + fold, with fast paths for ASCII and CJK ideographs)
// and runs each list's Aho-Corasick automaton over the folded code points.
#include "comments/filter.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "comments/limits.hpp"
#include "comments/text.hpp"

#include "unicode_tables.inc"

namespace comments {
namespace {

namespace tables = unicode_tables;

constexpr char32_t max_code_point = 0x10FFFF;
constexpr char32_t replacement_character = 0xFFFD;
constexpr char32_t full_width_first = 0xFF01;
constexpr char32_t full_width_last = 0xFF5E;
constexpr char32_t full_width_to_ascii = 0xFEE0;

bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0) == 0x80; }

// Decodes one multi-byte sequence at `p` (lead byte >= 0x80) under the same
// strict rules as text::is_valid_utf8, advancing `p`. A byte that does not
// start a well-formed sequence gives U+FFFD, clears `valid` and is skipped
// alone. Written here rather than calling text::next_code_point so that the
// fold loop stays one inlined pass.
inline char32_t decode_multibyte(const unsigned char*& p, const unsigned char* end, bool& valid) noexcept {
  const unsigned char lead = p[0];
  const std::size_t left = static_cast<std::size_t>(end - p);
  if (lead >= 0xE0 && lead < 0xF0) {
    if (left >= 3) {
      const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
      const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
      if (p[1] >= low && p[1] <= high && is_continuation(p[2])) {
        const char32_t cp = (char32_t{lead & 0x0Fu} << 12) | (char32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
        p += 3;
        return cp;
      }
    }
  } else if (lead >= 0xC2 && lead < 0xE0) {
    if (left >= 2 && is_continuation(p[1])) {
      const char32_t cp = (char32_t{lead & 0x1Fu} << 6) | (p[1] & 0x3Fu);
      p += 2;
      return cp;
    }
  } else if (lead >= 0xF0 && lead < 0xF5) {
    if (left >= 4) {
      const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
      const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
      if (p[1] >= low && p[1] <= high && is_continuation(p[2]) && is_continuation(p[3])) {
        const char32_t cp = (char32_t{lead & 0x07u} << 18) | (char32_t{p[1] & 0x3Fu} << 12) |
                            (char32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
        p += 4;
        return cp;
      }
    }
  }
  valid = false;
  ++p;
  return replacement_character;
}

// Simple lowercase mapping (binary search over the generated runs).
char32_t lower_case(char32_t cp) noexcept {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 0x20 : cp;
  const auto* runs_end = std::end(tables::lower_runs);
  const auto* run = std::upper_bound(std::begin(tables::lower_runs), runs_end, cp,
                                     [](char32_t value, const tables::LowerRun& r) { return value < r.first; });
  if (run == std::begin(tables::lower_runs)) return cp;
  --run;
  if (cp > run->last || (cp - run->first) % run->stride != 0) return cp;
  return static_cast<char32_t>(static_cast<std::int32_t>(cp) + run->delta);
}

bool is_dropped(char32_t cp) noexcept {
  const auto* ranges_end = std::end(tables::fold_drop_ranges);
  const auto* range = std::upper_bound(std::begin(tables::fold_drop_ranges), ranges_end, cp,
                                       [](char32_t value, const tables::CodeRange& r) { return value < r.first; });
  if (range == std::begin(tables::fold_drop_ranges)) return false;
  return cp <= (range - 1)->last;
}

// The fold of a code point at or above U+0080 outside the CJK fast path.
char32_t fold_uncommon(char32_t cp) noexcept {
  if (cp >= full_width_first && cp <= full_width_last) return tables::ascii_fold[cp - full_width_to_ascii];
  if (cp - tables::cjk_symbols_first < 64) {
    return (tables::cjk_symbols_drop_mask >> (cp - tables::cjk_symbols_first)) & 1 ? 0 : cp;
  }
  // Surrogates and values past U+10FFFF are not characters: dropped.
  if (cp > max_code_point || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  const char32_t lowered = lower_case(cp);
  return is_dropped(lowered) ? 0 : lowered;
}

inline char32_t fold_non_ascii(char32_t cp) noexcept {
  if (cp >= tables::cjk_ideographs_first && cp <= tables::cjk_ideographs_last) return cp;
  return fold_uncommon(cp);
}

// Folds `utf8` into `out` (room for utf8.size() code points); returns the
// number written. `valid` is cleared when the input is not valid UTF-8 (each
// bad byte then counts as U+FFFD, which the fold drops).
std::size_t fold_into(std::string_view utf8, char32_t* out, bool& valid) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* const end = p + utf8.size();
  char32_t* write = out;
  while (p < end) {
    char32_t folded;
    if (*p < 0x80) {
      folded = tables::ascii_fold[*p];
      ++p;
    } else {
      folded = fold_non_ascii(decode_multibyte(p, end, valid));
    }
    *write = folded;
    write += folded != 0;  // branch-free drop
  }
  return static_cast<std::size_t>(write - out);
}

// A folded text in a buffer that is not zero-filled first (std::u32string
// would be: resize() writes every element before we do).
struct FoldedText {
  std::unique_ptr<char32_t[]> buffer;
  std::size_t size = 0;
  bool valid = true;

  explicit FoldedText(std::string_view utf8) : buffer(new char32_t[utf8.size() + 1]) {
    size = fold_into(utf8, buffer.get(), valid);
  }
  std::u32string_view view() const noexcept { return {buffer.get(), size}; }
};

}  // namespace

char32_t fold_code_point(char32_t cp) noexcept {
  if (cp < 0x80) return tables::ascii_fold[cp];
  return fold_non_ascii(cp);
}

std::u32string fold(std::string_view utf8) {
  const FoldedText folded(utf8);
  return std::u32string(folded.view());
}

int count_links(std::string_view utf8) {
  // The last eight code points after full-width-to-ASCII and lower-casing,
  // one byte each (anything outside ASCII as 0x80), newest in the low byte.
  // A scheme ("http://", "https://") or "www." is recognised when it ends
  // the window; a "www." that starts exactly where a scheme ended belongs
  // to that link and is not counted again.
  constexpr std::uint64_t http = 0x687474703a2f2fULL;      // "http://"
  constexpr std::uint64_t https = 0x68747470733a2f2fULL;   // "https://"
  constexpr std::uint64_t www = 0x7777772eULL;             // "www."
  constexpr std::uint64_t mask7 = (1ULL << 56) - 1;
  constexpr std::uint64_t mask4 = (1ULL << 32) - 1;
  std::uint64_t window = 0;
  std::size_t position = 0;           // code points consumed so far
  std::size_t scheme_end = 0;         // position just after the last scheme
  bool scheme_seen = false;
  int links = 0;
  bool valid = true;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* const end = p + utf8.size();
  while (p < end) {
    char32_t cp;
    if (*p < 0x80) {
      cp = *p++;
    } else {
      cp = decode_multibyte(p, end, valid);
      if (cp >= full_width_first && cp <= full_width_last) cp -= full_width_to_ascii;
    }
    cp = lower_case(cp);
    window = (window << 8) | (cp < 0x80 ? cp : 0x80);
    ++position;
    if ((window & mask7) == http || window == https) {
      ++links;
      scheme_end = position;
      scheme_seen = true;
    } else if ((window & mask4) == www && !(scheme_seen && scheme_end + 4 == position)) {
      ++links;
    }
  }
  return links;
}

// ---------------------------------------------------------------------------
// WordMatcher

// Aho-Corasick over a dense alphabet: only code points that occur in some
// folded word get a symbol (1..n); any other code point cannot continue a
// match and sends the automaton back to the root without a lookup.
//
// Transitions: the root has a full table indexed by symbol (most steps start
// or restart there); every other edge lives in one open-addressing hash keyed
// by (state, symbol), about 12 bytes per edge at a load of at most one half.
// Failure links are followed at match time; `match` already folds in the
// output links (the longest proper suffix that is also a word), so one load
// per step tells whether any word ends here.
struct WordMatcher::Automaton {
  static constexpr std::uint32_t no_word = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t page_bits = 8;
  static constexpr std::size_t page_size = std::size_t{1} << page_bits;
  static constexpr std::size_t page_count = (max_code_point >> page_bits) + 1;

  struct Edge {
    std::uint32_t state = 0;  // 0 = empty slot (root edges are not stored here)
    std::uint32_t symbol = 0;
    std::uint32_t target = 0;
  };

  std::array<std::uint32_t, 128> ascii_symbols{};
  std::vector<std::uint16_t> page_of;           // cp >> 8 -> 1 + page in page_symbols, 0 = none
  std::vector<std::uint32_t> page_symbols;      // page_size symbols per page
  std::uint32_t alphabet_size = 0;

  std::vector<std::uint32_t> root_next;         // by symbol; 0 = stay at root
  std::vector<Edge> edges;                      // power-of-two sized hash
  std::uint64_t edge_shift = 64;
  std::vector<std::uint32_t> fail;              // by state
  std::vector<std::uint32_t> match;             // by state: a word ending here, or no_word

  std::uint32_t symbol_of(char32_t cp) const noexcept {
    if (cp < 128) return ascii_symbols[cp];
    const std::size_t page = cp >> page_bits;
    if (page >= page_of.size()) return 0;
    const std::uint16_t slot = page_of[page];
    return slot == 0 ? 0 : page_symbols[(std::size_t{slot} - 1) * page_size + (cp & (page_size - 1))];
  }

  std::uint32_t add_symbol(char32_t cp) {
    if (cp < 128) {
      if (ascii_symbols[cp] == 0) ascii_symbols[cp] = ++alphabet_size;
      return ascii_symbols[cp];
    }
    if (page_of.empty()) page_of.assign(page_count, 0);
    std::uint16_t& slot = page_of[cp >> page_bits];
    if (slot == 0) {
      page_symbols.resize(page_symbols.size() + page_size, 0);
      slot = static_cast<std::uint16_t>(page_symbols.size() / page_size);
    }
    std::uint32_t& symbol = page_symbols[(std::size_t{slot} - 1) * page_size + (cp & (page_size - 1))];
    if (symbol == 0) symbol = ++alphabet_size;
    return symbol;
  }

  std::size_t slot_of(std::uint32_t state, std::uint32_t symbol) const noexcept {
    const std::uint64_t key = (std::uint64_t{state} << 32) | symbol;
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> edge_shift);
  }

  // Target of the edge (state, symbol) for state != 0, or 0 when absent.
  std::uint32_t edge(std::uint32_t state, std::uint32_t symbol) const noexcept {
    const std::size_t mask = edges.size() - 1;
    for (std::size_t slot = slot_of(state, symbol);; slot = (slot + 1) & mask) {
      const Edge& e = edges[slot];
      if (e.state == state && e.symbol == symbol) return e.target;
      if (e.state == 0) return 0;
    }
  }

  void size_edge_table(std::size_t edge_count) {
    std::size_t capacity = 16;
    unsigned bits = 4;
    while (capacity < 2 * edge_count) {
      capacity <<= 1;
      ++bits;
    }
    edges.assign(capacity, Edge{});
    edge_shift = 64 - bits;
  }

  void insert_edge(std::uint32_t state, std::uint32_t symbol, std::uint32_t target) {
    const std::size_t mask = edges.size() - 1;
    std::size_t slot = slot_of(state, symbol);
    while (edges[slot].state != 0) slot = (slot + 1) & mask;
    edges[slot] = Edge{state, symbol, target};
  }

  explicit Automaton(const std::vector<std::string>& words);
  std::optional<std::size_t> find(std::u32string_view folded) const noexcept;
};

WordMatcher::Automaton::Automaton(const std::vector<std::string>& words) {
  // Folded words as symbol strings; the alphabet grows as they are read.
  std::vector<std::vector<std::uint32_t>> symbol_words(words.size());
  std::size_t total_symbols = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (const char32_t cp : fold(words[i])) symbol_words[i].push_back(add_symbol(cp));
    total_symbols += symbol_words[i].size();
  }
  root_next.assign(std::size_t{alphabet_size} + 1, 0);

  // The trie. State 0 is the root; parents and symbols are kept for the
  // breadth-first pass below.
  std::vector<std::uint32_t> parent{0};
  std::vector<std::uint32_t> via_symbol{0};
  std::vector<std::uint32_t> depth{0};
  std::vector<std::uint32_t> own_word{no_word};
  size_edge_table(total_symbols);
  for (std::size_t i = 0; i < symbol_words.size(); ++i) {
    if (symbol_words[i].empty()) continue;  // folds to nothing: cannot match
    std::uint32_t state = 0;
    for (const std::uint32_t symbol : symbol_words[i]) {
      std::uint32_t next = state == 0 ? root_next[symbol] : edge(state, symbol);
      if (next == 0) {
        next = static_cast<std::uint32_t>(parent.size());
        parent.push_back(state);
        via_symbol.push_back(symbol);
        depth.push_back(depth[state] + 1);
        own_word.push_back(no_word);
        if (state == 0) {
          root_next[symbol] = next;
        } else {
          insert_edge(state, symbol, next);
        }
      }
      state = next;
    }
    if (own_word[state] == no_word) own_word[state] = static_cast<std::uint32_t>(i);  // first of duplicates
  }
  const std::size_t state_count = parent.size();

  // Shrink the edge table to the edges actually made (shared prefixes and
  // duplicates make fewer than total_symbols).
  const std::size_t inner_edges = std::count_if(parent.begin() + 1, parent.end(), [](std::uint32_t p) { return p != 0; });
  if (4 * inner_edges < edges.size()) {
    size_edge_table(inner_edges);
    for (std::size_t s = 1; s < state_count; ++s) {
      if (parent[s] != 0) insert_edge(parent[s], via_symbol[s], static_cast<std::uint32_t>(s));
    }
  }

  // States in breadth-first order (counting sort by depth), so that a
  // state's failure target is finished before the state itself.
  std::uint32_t max_depth = 0;
  for (const std::uint32_t d : depth) max_depth = std::max(max_depth, d);
  std::vector<std::uint32_t> depth_start(std::size_t{max_depth} + 2, 0);
  for (const std::uint32_t d : depth) ++depth_start[d + 1];
  for (std::size_t d = 1; d < depth_start.size(); ++d) depth_start[d] += depth_start[d - 1];
  std::vector<std::uint32_t> order(state_count);
  for (std::size_t s = 0; s < state_count; ++s) order[depth_start[depth[s]]++] = static_cast<std::uint32_t>(s);

  fail.assign(state_count, 0);
  match.assign(state_count, no_word);
  for (const std::uint32_t s : order) {
    if (s == 0) continue;
    const std::uint32_t symbol = via_symbol[s];
    std::uint32_t target = 0;
    if (parent[s] != 0) {
      for (std::uint32_t f = fail[parent[s]];; f = fail[f]) {
        target = f == 0 ? root_next[symbol] : edge(f, symbol);
        if (target != 0 || f == 0) break;
      }
    }
    fail[s] = target;
    match[s] = own_word[s] != no_word ? own_word[s] : match[target];
  }
}

std::optional<std::size_t> WordMatcher::Automaton::find(std::u32string_view folded) const noexcept {
  std::uint32_t state = 0;
  for (const char32_t cp : folded) {
    const std::uint32_t symbol = symbol_of(cp);
    if (symbol == 0) {
      state = 0;
      continue;
    }
    for (;;) {
      if (state == 0) {
        state = root_next[symbol];
        break;
      }
      if (const std::uint32_t next = edge(state, symbol); next != 0) {
        state = next;
        break;
      }
      state = fail[state];
    }
    if (match[state] != no_word) return match[state];
  }
  return std::nullopt;
}

WordMatcher::WordMatcher() = default;

WordMatcher::WordMatcher(const std::vector<std::string>& words) {
  auto automaton = std::make_unique<Automaton>(words);
  if (automaton->fail.size() > 1) automaton_ = std::move(automaton);  // no state but the root: empty
}

WordMatcher::~WordMatcher() = default;
WordMatcher::WordMatcher(WordMatcher&&) noexcept = default;
WordMatcher& WordMatcher::operator=(WordMatcher&&) noexcept = default;

bool WordMatcher::empty() const noexcept { return automaton_ == nullptr; }

std::optional<std::size_t> WordMatcher::find(std::u32string_view folded) const noexcept {
  if (!automaton_) return std::nullopt;
  return automaton_->find(folded);
}

// ---------------------------------------------------------------------------
// Lists and the filter

namespace {

// The first few code points of `word` in quotes, for error messages.
std::string quoted_prefix(std::string_view word) {
  constexpr std::size_t shown = 20;
  std::string out = "\"";
  std::size_t pos = 0;
  for (std::size_t n = 0; pos < word.size() && n < shown; ++n) text::append_utf8(out, text::next_code_point(word, pos));
  if (pos < word.size()) out += "…";
  out += "\"";
  return out;
}

bool folds_to_nothing(std::string_view utf8) noexcept {
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    if (fold_code_point(text::next_code_point(utf8, pos)) != 0) return false;
  }
  return true;
}

std::string validate_list(std::string_view name, const std::vector<std::string>& words) {
  if (words.size() > limits::max_filter_words) {
    return "The " + std::string(name) + " list has " + std::to_string(words.size()) + " words; at most " +
           std::to_string(limits::max_filter_words) + " are allowed.";
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words[i];
    const std::string label = std::string(name) + " word #" + std::to_string(i + 1);
    if (!text::is_valid_utf8(word)) return "The " + label + " is not valid UTF-8.";
    if (text::count_code_points(word) > limits::max_filter_word_chars) {
      return "The " + label + " (" + quoted_prefix(word) + ") is longer than " +
             std::to_string(limits::max_filter_word_chars) + " characters.";
    }
    if (folds_to_nothing(word)) {
      return "The " + label + " (" + quoted_prefix(word) +
             ") folds to nothing: it has only whitespace, punctuation, symbols or invisible characters.";
    }
  }
  return {};
}

}  // namespace

std::string FilterLists::validate() const {
  if (std::string error = validate_list("banned", banned); !error.empty()) return error;
  return validate_list("suspect", suspect);
}

ModerationFilter::ModerationFilter(FilterLists lists)
    : lists_(std::move(lists)), banned_(lists_.banned), suspect_(lists_.suspect) {}

FilterDecision ModerationFilter::check(std::string_view author, std::string_view body) const {
  const FoldedText folded_author(author);
  const FoldedText folded_body(body);
  // The server only passes valid UTF-8; anything else cannot be published
  // faithfully, so it is refused rather than guessed at.
  if (!folded_author.valid || !folded_body.valid) return {Verdict::block, "text is not valid UTF-8"};

  const auto found = [](const WordMatcher& matcher, const FoldedText& a, const FoldedText& b) {
    std::optional<std::size_t> word = matcher.find(a.view());
    return word ? word : matcher.find(b.view());
  };
  if (const auto word = found(banned_, folded_author, folded_body)) {
    return {Verdict::block, "banned word: " + lists_.banned[*word]};
  }
  if (const auto word = found(suspect_, folded_author, folded_body)) {
    return {Verdict::hold, "suspect word: " + lists_.suspect[*word]};
  }
  if (const int links = count_links(body); links > limits::max_links_before_hold) {
    return {Verdict::hold, std::to_string(links) + " links"};
  }
  return {};
}

}  // namespace comments

// The moderation filter (comments/filter.hpp, docs/filter.md).
//
// Hot path: ModerationFilter::check folds the author and the body once (one
// pass: UTF-8 decode + fold, with fast paths for ASCII and CJK ideographs)
// and runs each list's Aho-Corasick automaton over the folded code points.
#include "comments/filter.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <utility>

#include "comments/limits.hpp"
#include "comments/text.hpp"

#include "han_fold_table.inc"
#include "unicode_tables.inc"

namespace comments {
namespace {

namespace tables = unicode_tables;
namespace han = han_fold_table;

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

bool is_dropped(char32_t cp) noexcept {
  const auto* ranges_end = std::end(tables::fold_drop_ranges);
  const auto* range = std::upper_bound(std::begin(tables::fold_drop_ranges), ranges_end, cp,
                                       [](char32_t value, const tables::CodeRange& r) { return value < r.first; });
  if (range == std::begin(tables::fold_drop_ranges)) return false;
  return cp <= (range - 1)->last;
}

static_assert(han::main_first == tables::cjk_ideographs_first && han::main_last == tables::cjk_ideographs_last,
              "the Han table's main block is the fold's CJK fast path");

// Step 4 of the fold for U+4E00..9FFF: Traditional (and HK/TW variant) to
// Simplified. Most ideographs are not mapped: one load and one bit test.
inline char32_t han_fold_main(char32_t cp) noexcept {
  const char32_t offset = cp - han::main_first;
  const std::uint64_t word = han::main_bits[offset / 64];
  const std::uint64_t bit = std::uint64_t{1} << (offset % 64);
  if (!(word & bit)) return cp;
  return han::main_to[han::main_rank[offset / 64] + std::popcount(word & (bit - 1))];
}

// Step 4 for every other code point (extension A, compatibility and astral
// ideographs): rare in text, so a binary search.
char32_t han_fold_rare(char32_t cp) noexcept {
  if (cp < han::rare[0].from) return cp;
  const auto* end = std::end(han::rare);
  const auto* it = std::lower_bound(std::begin(han::rare), end, cp,
                                    [](const han::Pair& pair, char32_t value) { return pair.from < value; });
  return it != end && it->from == cp ? it->to : cp;
}

// The fold of a code point at or above U+0080 outside the CJK fast path.
char32_t fold_uncommon(char32_t cp) noexcept {
  if (cp >= full_width_first && cp <= full_width_last) return tables::ascii_fold[cp - full_width_to_ascii];
  if (cp - tables::cjk_symbols_first < 64) {
    return (tables::cjk_symbols_drop_mask >> (cp - tables::cjk_symbols_first)) & 1 ? 0 : cp;
  }
  // Surrogates and values past U+10FFFF are not characters: dropped.
  if (cp > max_code_point || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  const char32_t lowered = text::simple_lower(cp);
  return is_dropped(lowered) ? 0 : han_fold_rare(lowered);
}

inline char32_t fold_non_ascii(char32_t cp) noexcept {
  if (cp >= tables::cjk_ideographs_first && cp <= tables::cjk_ideographs_last) return han_fold_main(cp);
  return fold_uncommon(cp);
}

// Counts links over a stream of code points given one byte each: the code
// point after full-width-to-ASCII and lower-casing, or 0x80 when that is not
// ASCII. The last eight bytes form a window (newest in the low byte); a
// scheme ("http://", "https://") or "www." is recognised when it ends the
// window, and a "www." that starts exactly where a scheme ended belongs to
// that link and is not counted again.
class LinkCounter {
 public:
  void push(unsigned char byte) noexcept {
    constexpr std::uint64_t http = 0x687474703a2f2fULL;     // "http://"
    constexpr std::uint64_t https = 0x68747470733a2f2fULL;  // "https://"
    constexpr std::uint64_t www = 0x7777772eULL;            // "www."
    constexpr std::uint64_t last7 = (1ULL << 56) - 1;
    constexpr std::uint64_t last4 = (1ULL << 32) - 1;
    window_ = (window_ << 8) | byte;
    ++since_scheme_;
    if ((window_ & last7) == http || window_ == https) {
      ++links_;
      since_scheme_ = 0;
    } else if ((window_ & last4) == www && since_scheme_ != 4) {
      ++links_;
    }
  }
  int links() const noexcept { return links_; }

 private:
  std::uint64_t window_ = 0;
  std::size_t since_scheme_ = 5;  // code points since the last scheme ended; never 4 before one
  int links_ = 0;
};

inline unsigned char ascii_lower(char32_t cp) noexcept {
  return static_cast<unsigned char>(cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp);
}

// The LinkCounter byte of a code point at or above U+0080.
inline unsigned char link_byte_non_ascii(char32_t cp) noexcept {
  if (cp >= tables::cjk_ideographs_first && cp <= tables::cjk_ideographs_last) return 0x80;
  cp = cp >= full_width_first && cp <= full_width_last ? cp - full_width_to_ascii : text::simple_lower(cp);
  return cp < 0x80 ? ascii_lower(cp) : 0x80;
}

// Folds `utf8` into `out` (room for utf8.size() code points) and returns the
// number written; with a LinkCounter, counts links in the same pass. `valid`
// is cleared when the input is not valid UTF-8 (each bad byte then counts
// as U+FFFD, which the fold drops).
template <bool CountLinks>
std::size_t fold_into(std::string_view utf8, char32_t* out, bool& valid, LinkCounter* links) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* const end = p + utf8.size();
  char32_t* write = out;
  while (p < end) {
    char32_t folded;
    if (*p < 0x80) {
      if constexpr (CountLinks) links->push(ascii_lower(*p));
      folded = tables::ascii_fold[*p];
      ++p;
    } else {
      const char32_t cp = decode_multibyte(p, end, valid);
      if constexpr (CountLinks) links->push(link_byte_non_ascii(cp));
      folded = fold_non_ascii(cp);
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

  explicit FoldedText(std::string_view utf8, LinkCounter* links = nullptr)
      : buffer(new char32_t[utf8.size() + 1]) {
    size = links ? fold_into<true>(utf8, buffer.get(), valid, links)
                 : fold_into<false>(utf8, buffer.get(), valid, nullptr);
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

std::optional<std::pair<std::size_t, std::size_t>> find_folded(std::string_view text,
                                                               std::string_view word) {
  const std::u32string needle = fold(word);
  if (needle.empty() || !text::is_valid_utf8(text)) return std::nullopt;
  // The folded text with, for each folded code point, the byte range of the
  // code point it came from (folding is one to one or drops).
  std::u32string folded;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const char32_t cp = fold_code_point(text::next_code_point(text, pos));
    if (cp == 0) continue;
    folded.push_back(cp);
    spans.emplace_back(start, pos);
  }
  const std::size_t at = folded.find(needle);
  if (at == std::u32string::npos) return std::nullopt;
  return std::make_pair(spans[at].first, spans[at + needle.size() - 1].second);
}

int count_links(std::string_view utf8) {
  LinkCounter links;
  bool valid = true;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* const end = p + utf8.size();
  while (p < end) {
    if (*p < 0x80) {
      links.push(ascii_lower(*p));
      ++p;
    } else {
      links.push(link_byte_non_ascii(decode_multibyte(p, end, valid)));
    }
  }
  return links.links();
}

// ---------------------------------------------------------------------------
// WordMatcher

// Aho-Corasick over a dense alphabet: only code points that occur in some
// folded word get a symbol (1..n); any other code point cannot continue a
// match and sends the automaton back to the root without a lookup.
//
// Layout, chosen for cache locality (10,000 words make ~40,000 states):
// - the root has a full table indexed by symbol, since most steps start or
//   restart there;
// - every other state's edges are contiguous and sorted by symbol (CSR), so
//   a failed lookup touches only that state's few edges, which for the hot
//   shallow states stay in cache (a hash keyed by (state, symbol) would hit
//   a random cache line on every miss);
// - each state keeps, next to its edge range and failure link, a 64-bit
//   mask of (symbol mod 64) over its edges: most lookups fail, and the mask
//   turns almost all of them into one load and one bit test, with no search
//   and no mispredicted branches inside it;
// - states are numbered breadth-first, so depth-1 states (whose failure link
//   is the root) are recognised by number without loading their link;
// - a target's top bit says whether some word ends there (own word or
//   through output links), so the loop reads `match` only on a hit.
//
// Skipping: while the automaton is at the root or at depth 1, all it
// remembers is the last symbol. From there, a deeper state can only be
// reached through a pair of symbols that starts some word, so find() runs a
// tight loop over the text testing each adjacent pair against a hashed
// bitmap of the words' first two symbols (and each symbol against the
// one-symbol words), and hands over to the automaton only where a pair may
// start a word. The loop's iterations do not depend on each other's loads,
// unlike automaton steps, which is most of the speed. False positives of the
// bitmap only cost a step; every code point is still visited once, so the
// cost stays linear in the text.
struct WordMatcher::Automaton {
  static constexpr std::uint32_t no_word = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t word_ends = 0x80000000u;  // flag on targets
  static constexpr std::size_t page_bits = 8;
  static constexpr std::size_t page_size = std::size_t{1} << page_bits;
  static constexpr std::size_t page_count = (max_code_point >> page_bits) + 1;
  static constexpr std::uint32_t linear_search_edges = 8;

  struct State {
    std::uint64_t child_mask = 0;  // bit (symbol % 64) set for each edge's symbol
    std::uint32_t edge_begin = 0;  // edges are [edge_begin, next state's edge_begin)
    std::uint32_t fail = 0;
  };

  std::array<std::uint32_t, 128> ascii_symbols{};
  std::vector<std::uint16_t> page_of;        // cp >> 8 -> 1 + page in page_symbols, 0 = none
  std::vector<std::uint32_t> page_symbols;   // page_size symbols per page
  std::uint32_t alphabet_size = 0;

  std::vector<std::uint32_t> root_next;      // by symbol: target (0 = stay at root)
  std::vector<State> states;                 // by state, plus an end marker
  std::vector<std::uint32_t> edge_symbol;    // sorted within each state
  std::vector<std::uint32_t> edge_target;
  std::vector<std::uint32_t> match;          // by state: a word ending here, or no_word
  std::uint32_t first_deep_state = 1;        // states below this are the root and depth 1
  std::vector<std::uint64_t> pair_bits;      // hashed (first, second) symbols of words
  unsigned pair_shift = 63;

  std::size_t pair_bit(std::uint32_t first, std::uint32_t second) const noexcept {
    const std::uint64_t key = (std::uint64_t{first} << 32) | second;
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> pair_shift);
  }
  bool may_start_word(std::uint32_t first, std::uint32_t second) const noexcept {
    const std::size_t bit = pair_bit(first, second);
    return (pair_bits[bit / 64] >> (bit % 64)) & 1;
  }

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

  // Target (with its word_ends flag) of the edge (state, symbol) of a
  // non-root state, or 0 when there is none.
  std::uint32_t child(std::uint32_t state, std::uint32_t symbol) const noexcept {
    const State& s = states[state];
    if (((s.child_mask >> (symbol & 63)) & 1) == 0) return 0;
    const std::uint32_t* first = edge_symbol.data() + s.edge_begin;
    const std::uint32_t* last = edge_symbol.data() + states[state + 1].edge_begin;
    if (last - first <= static_cast<std::ptrdiff_t>(linear_search_edges)) {
      for (const std::uint32_t* e = first; e != last; ++e) {
        if (*e == symbol) return edge_target[static_cast<std::size_t>(e - edge_symbol.data())];
      }
      return 0;
    }
    const std::uint32_t* e = std::lower_bound(first, last, symbol);
    return e != last && *e == symbol ? edge_target[static_cast<std::size_t>(e - edge_symbol.data())] : 0;
  }

  // One step of the automaton from `state` on `symbol` (symbol != 0).
  std::uint32_t step(std::uint32_t state, std::uint32_t symbol) const noexcept {
    for (;;) {
      if (state == 0) return root_next[symbol];
      if (const std::uint32_t next = child(state, symbol); next != 0) return next;
      state = state < first_deep_state ? 0 : states[state].fail;
    }
  }

  explicit Automaton(const std::vector<std::string>& words);
  std::optional<std::size_t> find(std::u32string_view folded) const noexcept;
};

WordMatcher::Automaton::Automaton(const std::vector<std::string>& words) {
  // Folded words as symbol strings; the alphabet grows as they are read.
  std::vector<std::vector<std::uint32_t>> symbol_words(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (const char32_t cp : fold(words[i])) symbol_words[i].push_back(add_symbol(cp));
  }

  // The trie, from the words in lexicographic order: each word shares the
  // path of its longest common prefix with the one before it, so no lookup
  // structure is needed while building. Trie state 0 is the root.
  struct TrieState {
    std::uint32_t parent = 0;
    std::uint32_t symbol = 0;
    std::uint32_t depth = 0;
    std::uint32_t word = no_word;
  };
  std::vector<std::uint32_t> sorted;
  for (std::size_t i = 0; i < symbol_words.size(); ++i) {
    if (!symbol_words[i].empty()) sorted.push_back(static_cast<std::uint32_t>(i));  // empty: cannot match
  }
  // Equal words stay in list order (ties go by index), so the first of
  // duplicates is reported. std::sort with the tie-break, not stable_sort:
  // the same order without a second sort instantiation in the widget.
  std::sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (symbol_words[a] != symbol_words[b]) return symbol_words[a] < symbol_words[b];
    return a < b;
  });
  std::vector<TrieState> trie(1);
  std::vector<std::uint32_t> path{0};  // path[d]: the state at depth d of the previous word
  const std::vector<std::uint32_t>* previous = nullptr;
  for (const std::uint32_t i : sorted) {
    const std::vector<std::uint32_t>& word = symbol_words[i];
    std::size_t shared = 0;
    if (previous != nullptr) {
      const std::size_t limit = std::min(previous->size(), word.size());
      while (shared < limit && (*previous)[shared] == word[shared]) ++shared;
    }
    path.resize(shared + 1);
    for (std::size_t d = shared; d < word.size(); ++d) {
      trie.push_back({path[d], word[d], static_cast<std::uint32_t>(d + 1), no_word});
      path.push_back(static_cast<std::uint32_t>(trie.size() - 1));
    }
    if (trie[path[word.size()]].word == no_word) trie[path[word.size()]].word = i;
    previous = &word;
  }
  const std::size_t state_count = trie.size();

  // Breadth-first numbering (counting sort by depth): final state n is trie
  // state order[n].
  std::uint32_t max_depth = 0;
  for (const TrieState& t : trie) max_depth = std::max(max_depth, t.depth);
  std::vector<std::uint32_t> depth_start(std::size_t{max_depth} + 2, 0);
  for (const TrieState& t : trie) ++depth_start[t.depth + 1];
  for (std::size_t d = 1; d < depth_start.size(); ++d) depth_start[d] += depth_start[d - 1];
  first_deep_state = depth_start.size() > 2 ? depth_start[2] : static_cast<std::uint32_t>(state_count);
  std::vector<std::uint32_t> order(state_count);
  std::vector<std::uint32_t> number(state_count);
  for (std::size_t s = 0; s < state_count; ++s) {
    const std::uint32_t n = depth_start[trie[s].depth]++;
    order[n] = static_cast<std::uint32_t>(s);
    number[s] = n;
  }

  // Edges of non-root states grouped by (numbered) parent; root edges go to
  // the full table. Each parent's edges come out sorted by symbol because
  // the trie was built from sorted words, so children were made in symbol
  // order. Targets get their flag later.
  root_next.assign(std::size_t{alphabet_size} + 1, 0);
  states.assign(state_count + 1, State{});
  for (std::size_t s = 1; s < state_count; ++s) {
    if (trie[s].parent != 0) ++states[number[trie[s].parent] + 1].edge_begin;
  }
  for (std::size_t n = 1; n <= state_count; ++n) states[n].edge_begin += states[n - 1].edge_begin;
  edge_symbol.resize(states[state_count].edge_begin);
  edge_target.resize(states[state_count].edge_begin);
  {
    std::vector<std::uint32_t> fill(state_count);
    for (std::size_t n = 0; n < state_count; ++n) fill[n] = states[n].edge_begin;
    for (std::size_t s = 1; s < state_count; ++s) {
      if (trie[s].parent == 0) {
        root_next[trie[s].symbol] = number[s];
      } else {
        State& parent = states[number[trie[s].parent]];
        parent.child_mask |= std::uint64_t{1} << (trie[s].symbol & 63);
        const std::uint32_t e = fill[number[trie[s].parent]]++;
        edge_symbol[e] = trie[s].symbol;
        edge_target[e] = number[s];
      }
    }
  }
  // Failure links and matches in breadth-first order, so that a state's
  // failure target (always shallower) is finished first. Targets carry no
  // flags yet, so step() sees plain state numbers.
  match.assign(state_count, no_word);
  for (std::uint32_t n = 1; n < state_count; ++n) {
    const TrieState& t = trie[order[n]];
    const std::uint32_t target = t.parent == 0 ? 0 : step(states[number[t.parent]].fail, t.symbol);
    states[n].fail = target;
    match[n] = t.word != no_word ? t.word : match[target];
  }

  const auto flagged = [&](std::uint32_t target) {
    return target != 0 && match[target] != no_word ? target | word_ends : target;
  };
  for (std::uint32_t& target : root_next) target = flagged(target);
  for (std::uint32_t& target : edge_target) target = flagged(target);

  // The pair bitmap: about 16 bits per distinct pair (a few percent false
  // positives), at least 512 bits, at most 2^20 bits (128 KiB).
  const std::size_t pair_count = states[first_deep_state].edge_begin;  // edges of depth-1 states
  unsigned bits = 9;
  while (bits < 20 && (std::size_t{1} << bits) < 16 * pair_count) ++bits;
  pair_bits.assign((std::size_t{1} << bits) / 64, 0);
  pair_shift = 64 - bits;
  for (std::uint32_t n = 1; n < first_deep_state; ++n) {
    const std::uint32_t first = trie[order[n]].symbol;
    for (std::uint32_t e = states[n].edge_begin; e < states[n + 1].edge_begin; ++e) {
      const std::size_t bit = pair_bit(first, edge_symbol[e]);
      pair_bits[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
  }
}

std::optional<std::size_t> WordMatcher::Automaton::find(std::u32string_view folded) const noexcept {
  const std::size_t size = folded.size();
  std::size_t next = 0;       // index of the next code point to read
  std::uint32_t last = 0;     // the automaton is at the depth-1 state of `last` (0: at the root)
  while (next < size) {
    // Shallow: skip while the pair (last, symbol) starts no word. Reading
    // `symbol` then leaves the automaton at the depth-1 state of `symbol`,
    // which reports a match only if `symbol` alone is a word.
    std::uint32_t symbol = symbol_of(folded[next]);
    while (last == 0 || !may_start_word(last, symbol)) {
      if (const std::uint32_t single = root_next[symbol]; single & word_ends) return match[single & ~word_ends];
      last = symbol;
      if (++next == size) return std::nullopt;
      symbol = symbol_of(folded[next]);
    }
    // Deep: run the automaton from the depth-1 state of `last` until it is
    // shallow again.
    std::uint32_t state = root_next[last];
    for (;;) {
      state = symbol == 0 ? 0 : step(state, symbol);
      if (state & word_ends) return match[state & ~word_ends];
      ++next;
      if (state < first_deep_state) {
        last = state == 0 ? 0 : symbol;
        break;
      }
      if (next == size) return std::nullopt;
      symbol = symbol_of(folded[next]);
    }
  }
  return std::nullopt;
}

WordMatcher::WordMatcher() = default;

WordMatcher::WordMatcher(const std::vector<std::string>& words) {
  auto automaton = std::make_unique<Automaton>(words);
  if (automaton->match.size() > 1) automaton_ = std::move(automaton);  // no state but the root: empty
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
std::string quoted_prefix(std::string_view word) { return text::quoted_excerpt(word, 20, "\"", "\""); }

bool folds_to_nothing(std::string_view utf8) noexcept {
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    if (fold_code_point(text::next_code_point(utf8, pos)) != 0) return false;
  }
  return true;
}

Result<void> validate_list(std::string_view name, const std::vector<std::string>& words) {
  if (words.size() > limits::max_filter_words) {
    return Error{ErrorId::filter_list_too_long,
                 "The " + std::string(name) + " list has " + std::to_string(words.size()) +
                     " words; at most " + std::to_string(limits::max_filter_words) + " are allowed."};
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string label = "The " + std::string(name) + " word #" + std::to_string(i + 1);
    if (Result<void> checked = check_filter_word(words[i], label); !checked) return checked;
  }
  return {};
}

}  // namespace

Result<void> check_filter_word(std::string_view word, std::string_view label) {
  if (!text::is_valid_utf8(word)) {
    return Error{ErrorId::filter_word_invalid_utf8, std::string(label) + " is not valid UTF-8."};
  }
  if (text::count_code_points(word) > limits::max_filter_word_chars) {
    return Error{ErrorId::filter_word_too_long,
                 std::string(label) + " (" + quoted_prefix(word) + ") is longer than " +
                     std::to_string(limits::max_filter_word_chars) + " characters."};
  }
  if (folds_to_nothing(word)) {
    return Error{ErrorId::filter_word_folds_to_nothing,
                 std::string(label) + " (" + quoted_prefix(word) +
                     ") folds to nothing: it has only whitespace, punctuation, symbols or "
                     "invisible characters."};
  }
  return {};
}

Result<void> FilterLists::validate() const {
  if (Result<void> checked = validate_list("banned", banned); !checked) return checked;
  return validate_list("suspect", suspect);
}

ModerationFilter::ModerationFilter(FilterLists lists)
    : lists_(std::move(lists)), banned_(lists_.banned), suspect_(lists_.suspect) {}

FilterDecision ModerationFilter::check(std::string_view author, std::string_view body) const {
  // One pass over the body folds it and counts its links.
  LinkCounter body_links;
  const FoldedText folded_author(author);
  const FoldedText folded_body(body, &body_links);
  // The server only passes valid UTF-8; anything else cannot be published
  // faithfully, so it is refused rather than guessed at.
  if (!folded_author.valid || !folded_body.valid) return {Verdict::block, "text is not valid UTF-8", {}, 0};

  const auto found = [](const WordMatcher& matcher, const FoldedText& a, const FoldedText& b) {
    std::optional<std::size_t> word = matcher.find(a.view());
    return word ? word : matcher.find(b.view());
  };
  if (const auto word = found(banned_, folded_author, folded_body)) {
    return {Verdict::block, "banned word: " + lists_.banned[*word], lists_.banned[*word]};
  }
  if (const auto word = found(suspect_, folded_author, folded_body)) {
    return {Verdict::hold, "suspect word: " + lists_.suspect[*word], lists_.suspect[*word]};
  }
  if (const int links = body_links.links(); links > limits::max_links_before_hold) {
    return {Verdict::hold, std::to_string(links) + " links", {}, links};
  }
  return {};
}

}  // namespace comments

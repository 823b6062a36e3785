// The moderation filter: folding, link counting, the Aho-Corasick matcher,
// list validation and the publish/hold/block decision.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "comments/filter.hpp"
#include "comments/limits.hpp"
#include "comments/text.hpp"
#include "xorshift.hpp"

// The generated tables, for their checksums (the files are private to core/src).
#include "../../core/src/han_fold_table.inc"
#include "../../core/src/unicode_tables.inc"

using namespace std::string_literals;
using comments::FilterLists;
using comments::ModerationFilter;
using comments::Verdict;
using comments::WordMatcher;

namespace {

std::optional<std::size_t> find_in(const WordMatcher& matcher, std::string_view utf8) {
  return matcher.find(comments::fold(utf8));
}

using comments::testing::Xorshift;

// Naive reference: does any non-empty folded word occur in the folded text?
bool naive_contains_any(const std::vector<std::u32string>& words, const std::u32string& text) {
  for (const auto& w : words) {
    if (!w.empty() && text.find(w) != std::u32string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("fold_code_point: full-width to ASCII, lower case, drops") {
  using comments::fold_code_point;
  CHECK(fold_code_point(U'A') == U'a');
  CHECK(fold_code_point(U'z') == U'z');
  CHECK(fold_code_point(U'7') == U'7');
  CHECK(fold_code_point(U'Ａ') == U'a');   // U+FF21
  CHECK(fold_code_point(U'ｚ') == U'z');   // U+FF5A
  CHECK(fold_code_point(U'０') == U'0');   // U+FF10
  CHECK(fold_code_point(U'！') == 0);      // U+FF01 -> '!' -> dropped
  CHECK(fold_code_point(U'～') == 0);      // U+FF5E -> '~' -> dropped
  CHECK(fold_code_point(U'中') == U'中');
  CHECK(fold_code_point(0x9FFF) == 0x9FFF);
  CHECK(fold_code_point(U'É') == U'é');
  CHECK(fold_code_point(U'Σ') == U'σ');
  CHECK(fold_code_point(U'Д') == U'д');
  CHECK(fold_code_point(0x0100) == 0x0101);  // alternating Latin Extended-A pair
  CHECK(fold_code_point(0x0101) == 0x0101);
  CHECK(fold_code_point(0x0130) == U'i');    // simple mapping of İ
  CHECK(fold_code_point(0x212A) == U'k');    // KELVIN SIGN
  CHECK(fold_code_point(0x10400) == 0x10428);  // Deseret, outside the BMP
  CHECK(fold_code_point(U'ぁ') == U'ぁ');
  CHECK(fold_code_point(U'가') == U'가');
  // Dropped: White_Space, P*, S*, Cf, Cc.
  for (const char32_t cp : std::u32string{0x20u, 0x3000u, 0xA0u, 0x2028u, 0x09u, 0x00u, 0x7Fu, 0x85u, 0x9Fu,   // Z*, Cc
                            0x200Bu, 0x200Cu, 0x200Du, 0x2060u, 0xFEFFu, 0x00ADu, 0x202Eu,    // Cf
                            U'-', U'_', U'，', U'。', U'、', U'“', U'》', U'…', U'·',          // P*
                            U'$', U'+', U'¥', U'©', U'😀', U'👍', 0x1F3FDu, U'★', 0x3004u}) {  // S*
    CAPTURE(static_cast<unsigned>(cp));
    CHECK(fold_code_point(cp) == 0);
  }
  CHECK(fold_code_point(U'々') == U'々');   // U+3005 is Lm: kept
  CHECK(fold_code_point(0x0301) == 0x0301);  // combining acute (Mn) is kept
  CHECK(fold_code_point(0xE000) == 0xE000);  // private use is kept
  // Not characters at all.
  CHECK(fold_code_point(0xD800) == 0);
  CHECK(fold_code_point(0x110000) == 0);
}

namespace {
// Whether the Han table (step 4 of the fold) maps `cp`, read from the table
// itself rather than through the filter's lookup.
bool han_mapped(char32_t cp) {
  namespace han = comments::han_fold_table;
  if (cp >= han::main_first && cp <= han::main_last) {
    const char32_t offset = cp - han::main_first;
    return (han::main_bits[offset / 64] >> (offset % 64)) & 1;
  }
  return std::any_of(std::begin(han::rare), std::end(han::rare),
                     [cp](const han::Pair& pair) { return pair.from == cp; });
}
}  // namespace

TEST_CASE("fold_code_point reproduces the generated Unicode tables for every code point") {
  // tools/gen_unicode_tables.py computed this checksum from Python's
  // unicodedata; any lookup slip (a run's stride, a range edge, a fast path)
  // changes it. The Unicode steps leave the Han table's characters as they are
  // (the Han generator checks they are all Lo), so those count as themselves.
  namespace tables = comments::unicode_tables;
  std::uint64_t checksum = tables::fold_checksum_seed;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const char32_t unicode_fold = han_mapped(cp) ? cp : comments::fold_code_point(cp);
    checksum = (checksum ^ unicode_fold) * tables::fold_checksum_prime;
  }
  CHECK(checksum == tables::fold_checksum);
  CHECK(std::string_view(tables::unicode_version) == "14.0.0");  // docs/filter.md names this version
}

TEST_CASE("fold_code_point reproduces OpenCC's Traditional -> Simplified table for every code point") {
  // tools/gen_han_fold_table.py computed this checksum over the sorted
  // (from, to) pairs it took from OpenCC; the bitmap, rank and rare lookups
  // must give back exactly those pairs.
  namespace han = comments::han_fold_table;
  std::uint64_t checksum = han::checksum_seed;
  std::size_t mapped = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (!han_mapped(cp)) continue;
    ++mapped;
    const char32_t to = comments::fold_code_point(cp);
    CHECK(to != cp);
    CHECK(comments::fold_code_point(to) == to);  // idempotent: a result is never mapped again
    checksum = (checksum ^ cp) * han::checksum_prime;
    checksum = (checksum ^ to) * han::checksum_prime;
  }
  CHECK(mapped == han::size);
  CHECK(checksum == han::checksum);
}

TEST_CASE("Traditional, Simplified and HK/TW variant characters fold together") {
  using comments::fold;
  CHECK(fold("傳銷") == fold("传销"));
  CHECK(fold("傳銷") == U"传销");
  CHECK(fold("發財 機會") == U"发财机会");
  CHECK(fold("衞生") == fold("卫生"));          // Hong Kong variant 衞 -> 卫
  CHECK(fold("痺") == fold("痹"));              // Taiwan variant
  CHECK(fold("薴") == fold("苎"));              // a chain in OpenCC's table, taken to its end
  CHECK(fold("么") == U"么");                   // everyday Simplified characters are never rewritten
  CHECK(fold("抬头") == U"抬头");
  CHECK(fold("著名") == U"著名");
  CHECK(fold("𠮷野家") == U"𠮷野家");          // an astral ideograph without a mapping stays

  comments::ModerationFilter filter({.banned = {"传销"}, .suspect = {"發票"}});
  CHECK(filter.check("网友", "加入傳銷组织").verdict == comments::Verdict::block);
  CHECK(filter.check("网友", "加入傳 銷组织").verdict == comments::Verdict::block);
  CHECK(filter.check("网友", "代开发票").verdict == comments::Verdict::hold);
  CHECK(filter.check("网友", "代開發票").verdict == comments::Verdict::hold);
  CHECK(filter.check("网友", "传说中的销售").verdict == comments::Verdict::publish);
}

TEST_CASE("fold agrees with fold_code_point on every BMP character") {
  // The fold loop has its own fast paths; it must decide like the function.
  std::string all;
  std::u32string expected;
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    comments::text::append_utf8(all, cp);
    if (const char32_t f = comments::fold_code_point(cp)) expected.push_back(f);
  }
  CHECK(comments::fold(all) == expected);
}

TEST_CASE("fold: the contract's examples") {
  using comments::fold;
  CHECK(fold("敏 感-词") == U"敏感词");
  CHECK(fold("敏\u200b感词") == U"敏感词");
  CHECK(fold("ＡＢＣ") == fold("abc"));
  CHECK(fold("ＡＢＣ") == U"abc");
  CHECK(fold("Hello, World!") == U"helloworld");
  CHECK(fold("\u3000敏。感，词！") == U"敏感词");
  CHECK(fold("\uFEFFb\u00ADa\u2060d") == U"bad");
  CHECK(fold("😀😀😀") == U"");
  CHECK(fold("") == U"");
  CHECK(fold("第１２３号") == U"第123号");
  // Invalid bytes decode to U+FFFD, a symbol, and vanish.
  CHECK(fold("a\xFF" "b\xC0\x80" "c") == U"abc");
  CHECK(fold("敏\xED\xA0\x80感") == U"敏感");
}

TEST_CASE("count_links follows the contract") {
  using comments::count_links;
  CHECK(count_links("") == 0);
  CHECK(count_links("no links here") == 0);
  CHECK(count_links("http://a.cn") == 1);
  CHECK(count_links("https://a.cn") == 1);
  CHECK(count_links("www.a.cn") == 1);
  CHECK(count_links("https://www.x") == 1);
  CHECK(count_links("http://www.x") == 1);
  CHECK(count_links("HTTPS://WWW.X.CN") == 1);
  CHECK(count_links("ｈｔｔｐｓ：／／ｗｗｗ．ｘ") == 1);        // full-width forms
  CHECK(count_links("ＷＷＷ．ｘ ＨＴＴＰ：／／ｙ") == 2);
  CHECK(count_links("see http://a.cn and https://b.cn and www.c.cn") == 3);
  CHECK(count_links("http://a http://b http://c") == 3);
  CHECK(count_links("http://a.cn/www.b.cn") == 2);              // www. not right after the scheme
  CHECK(count_links("https://www.a.cn https://www.b.cn") == 2);
  CHECK(count_links("wwww.x") == 1);
  CHECK(count_links("www.www.x") == 2);
  CHECK(count_links("http://http://") == 2);
  CHECK(count_links("链接：http://例子.中国，还有www.例子.cn") == 2);
  // Nothing is dropped: broken-up schemes are not links.
  CHECK(count_links("h t t p://x") == 0);
  CHECK(count_links("http:/ /x") == 0);
  CHECK(count_links("www .x") == 0);
  CHECK(count_links("http\u200B://x") == 0);
  CHECK(count_links("ftp://x") == 0);
  CHECK(count_links("http:") == 0);
  CHECK(count_links("www") == 0);
  CHECK(count_links("www。x") == 0);  // the ideographic full stop is not a full-width form
}

TEST_CASE("WordMatcher: empty matchers find nothing") {
  const WordMatcher none;
  CHECK(none.empty());
  CHECK_FALSE(none.find(U"anything").has_value());
  const WordMatcher no_words(std::vector<std::string>{});
  CHECK(no_words.empty());
  // Words that fold to nothing are skipped; a matcher of only those is empty
  // and must not match everything.
  const WordMatcher only_noise({"", "   ", "!!!", "\u200B", "😀", "\u3000—"});
  CHECK(only_noise.empty());
  CHECK_FALSE(find_in(only_noise, "any text at all 😀 !!!").has_value());
}

TEST_CASE("WordMatcher finds folded words anywhere, across word boundaries") {
  const WordMatcher matcher({"敏感词", "Spam", "ＦＲＥＥ Money", "😀", "casino"});
  CHECK_FALSE(matcher.empty());
  CHECK(find_in(matcher, "这里有敏感词") == 0u);
  CHECK(find_in(matcher, "敏 感-词") == 0u);
  CHECK(find_in(matcher, "敏\u200b感词") == 0u);
  CHECK(find_in(matcher, "敏，感。词") == 0u);
  CHECK(find_in(matcher, "this is SPAM!") == 1u);
  CHECK(find_in(matcher, "s.p.a.m") == 1u);
  CHECK(find_in(matcher, "ｓｐａｍ") == 1u);
  CHECK(find_in(matcher, "get free money now") == 2u);
  CHECK(find_in(matcher, "freemoney") == 2u);
  CHECK(find_in(matcher, "online CASINO games") == 4u);
  CHECK(find_in(matcher, "aspamb") == 1u);  // inside another word: still a match
  CHECK_FALSE(find_in(matcher, "敏感").has_value());
  CHECK_FALSE(find_in(matcher, "感词敏").has_value());
  CHECK_FALSE(find_in(matcher, "spa").has_value());
  CHECK_FALSE(find_in(matcher, "free mone").has_value());
  CHECK_FALSE(find_in(matcher, "a happy 😀 face").has_value());  // "😀" folds to nothing: skipped
  CHECK_FALSE(find_in(matcher, "").has_value());
}

TEST_CASE("WordMatcher follows failure and output links") {
  // The classic Aho-Corasick example: "she" ends inside "hers" paths.
  const WordMatcher matcher({"he", "she", "his", "hers"});
  CHECK(find_in(matcher, "ushers").has_value());
  CHECK(find_in(matcher, "she") == 1u);   // "she" ends first at 'e' (and "he" with it)
  CHECK(find_in(matcher, "hi s") == 2u);
  CHECK_FALSE(find_in(matcher, "hxs sxh").has_value());

  // A word that is a suffix of a longer path is found through output links.
  const WordMatcher suffix({"abcd", "bc"});
  CHECK(find_in(suffix, "abcx") == 1u);
  const WordMatcher nested({"abcde", "cd"});
  CHECK(find_in(nested, "xabcdx") == 1u);
  // Failure to a shorter prefix must keep progress: "aab" contains "ab".
  const WordMatcher restart({"ab", "aaa c"});
  CHECK(find_in(restart, "aab") == 0u);
  CHECK(find_in(restart, "aaaab") == 0u);
  CHECK(find_in(restart, "aaaac") == 1u);
  // Chinese overlaps.
  const WordMatcher chinese({"长三角一体化", "一体"});
  CHECK(find_in(chinese, "长三角一") == std::nullopt);
  CHECK(find_in(chinese, "长三角一体") == 1u);
}

TEST_CASE("WordMatcher: duplicates, single characters and long words") {
  const WordMatcher duplicates({"Bad", "bad", "ＢＡＤ"});
  CHECK(find_in(duplicates, "so bad") == 0u);  // the first of equal folded words
  const WordMatcher single({"x", "中"});
  CHECK(find_in(single, "aaaxa") == 0u);
  CHECK(find_in(single, "中") == 1u);
  CHECK_FALSE(find_in(single, "abc国").has_value());
  const std::string hundred(100, 'q');
  const WordMatcher long_word({hundred});
  CHECK(find_in(long_word, std::string(250, 'q')) == 0u);
  CHECK_FALSE(find_in(long_word, std::string(99, 'q')).has_value());
  // Characters outside any word reset the automaton (and nothing crashes on
  // code points a fold never produces).
  const WordMatcher reset({"ab"});
  CHECK_FALSE(reset.find(U"a\U0010FFFFb").has_value());
  CHECK_FALSE(reset.find(std::u32string{U'a', char32_t{0x7FFFFFFF}, U'b'}).has_value());
  CHECK(reset.find(U"zzab").has_value());
}

TEST_CASE("WordMatcher is movable") {
  WordMatcher a({"move"});
  WordMatcher b(std::move(a));
  CHECK(find_in(b, "remove") == 0u);
  WordMatcher c;
  c = std::move(b);
  CHECK(find_in(c, "moved") == 0u);
}

TEST_CASE("WordMatcher with a huge list agrees with a naive search") {
  // 20,000 random words over a small alphabet (ASCII + CJK + one astral
  // letter), so that prefixes are shared and failures are frequent.
  const std::vector<std::string> alphabet = {"a", "b", "c", "D", "中", "文", "字", "Ａ", "\U00010400", "-"};
  Xorshift rng{0x2545F4914F6CDD1DULL};
  std::vector<std::string> words;
  std::vector<std::u32string> folded_words;
  for (std::size_t i = 0; i < comments::limits::max_filter_words; ++i) {
    std::string word;
    const std::size_t length = 5 + rng.below(6);
    for (std::size_t j = 0; j < length; ++j) word += alphabet[rng.below(alphabet.size())];
    words.push_back(word);
    folded_words.push_back(comments::fold(word));
  }
  const WordMatcher matcher(words);
  std::size_t hits = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const std::size_t length = 1 + rng.below(40);
    for (std::size_t j = 0; j < length; ++j) text += alphabet[rng.below(alphabet.size())];
    const std::u32string folded = comments::fold(text);
    const auto found = matcher.find(folded);
    CAPTURE(text);
    CHECK(found.has_value() == naive_contains_any(folded_words, folded));
    if (found) {
      REQUIRE(*found < words.size());
      CHECK(folded.find(folded_words[*found]) != std::u32string::npos);
      ++hits;
    }
  }
  // The generator must exercise both outcomes or this test proves little.
  CHECK(hits > 10);
  CHECK(hits < 290);
}

TEST_CASE("FilterLists::validate names the first bad word") {
  using comments::ErrorId;
  // The failure's id and message (the id is checked by the caller).
  const auto failure = [](const FilterLists& lists) {
    const comments::Result<void> checked = lists.validate();
    CHECK_FALSE(checked.ok());
    return checked ? comments::Error{ErrorId::server_failed, ""} : checked.error();
  };
  FilterLists good{{"敏感词", "spam", "ＡＢＣ", "a b"}, {"casino", "\u200B赌\u200B博"}};
  CHECK(good.validate().ok());
  CHECK(FilterLists{}.validate().ok());

  FilterLists empty_word{{"ok", ""}, {}};
  const comments::Error empty_error = failure(empty_word);
  CHECK(empty_error.id == ErrorId::filter_word_folds_to_nothing);
  CHECK(empty_error.message.find("banned word #2") != std::string::npos);
  CHECK(empty_error.message.find("folds to nothing") != std::string::npos);

  FilterLists noise{{"ok"}, {"fine", "!!! ---", "also bad 😀"}};
  const comments::Error noise_error = failure(noise);
  CHECK(noise_error.id == ErrorId::filter_word_folds_to_nothing);
  CHECK(noise_error.message.find("suspect word #2") != std::string::npos);
  CHECK(noise_error.message.find("\"!!! ---\"") != std::string::npos);

  for (const std::string& invisible : {"\u200B\u200D\uFEFF"s, "\u3000\t"s, "😀👍"s, "\x01\x7F"s}) {
    CAPTURE(invisible);
    CHECK(failure(FilterLists{{invisible}, {}}).id == ErrorId::filter_word_folds_to_nothing);
  }

  FilterLists invalid{{"ok", "bad\xFF"}, {}};
  const comments::Error invalid_error = failure(invalid);
  CHECK(invalid_error.id == ErrorId::filter_word_invalid_utf8);
  CHECK(invalid_error.message.find("banned word #2") != std::string::npos);
  CHECK(invalid_error.message.find("UTF-8") != std::string::npos);
  CHECK(comments::text::is_valid_utf8(invalid_error.message));  // the bad bytes are not echoed
  CHECK(failure(FilterLists{{"\xED\xA0\x80"}, {}}).id == ErrorId::filter_word_invalid_utf8);
  CHECK(failure(FilterLists{{"\xC0\xAF"}, {}}).id == ErrorId::filter_word_invalid_utf8);

  const std::string longest(comments::limits::max_filter_word_chars, 'x');
  CHECK(FilterLists{{longest}, {}}.validate().ok());
  std::string chinese_longest;
  for (std::size_t i = 0; i < comments::limits::max_filter_word_chars; ++i) chinese_longest += "词";
  CHECK(FilterLists{{chinese_longest}, {}}.validate().ok());  // counted in characters, not bytes
  const std::string too_long = chinese_longest + "词";
  const comments::Error long_error = failure(FilterLists{{"ok"}, {too_long}});
  CHECK(long_error.id == ErrorId::filter_word_too_long);
  CHECK(long_error.message.find("suspect word #1") != std::string::npos);
  CHECK(long_error.message.find("longer than 100") != std::string::npos);
  CHECK(comments::text::is_valid_utf8(long_error.message));

  FilterLists too_many;
  too_many.banned.assign(comments::limits::max_filter_words + 1, "word");
  const comments::Error many_error = failure(too_many);
  CHECK(many_error.id == ErrorId::filter_list_too_long);
  CHECK(many_error.message.find("at most") != std::string::npos);
  too_many.banned.pop_back();
  CHECK(too_many.validate().ok());
}

TEST_CASE("check_filter_word gives validate's reasons as ids") {
  using comments::ErrorId;
  const auto id_of = [](std::string_view word) {
    const comments::Result<void> checked = comments::check_filter_word(word);
    CHECK_FALSE(checked.ok());
    return checked ? ErrorId::server_failed : checked.error().id;
  };
  CHECK(comments::check_filter_word("敏感词").ok());
  CHECK(comments::check_filter_word("ＡＢＣ").ok());
  CHECK(id_of("") == ErrorId::filter_word_folds_to_nothing);
  CHECK(id_of("!!! ---") == ErrorId::filter_word_folds_to_nothing);
  CHECK(id_of("\u200B\u3000") == ErrorId::filter_word_folds_to_nothing);
  CHECK(id_of("bad\xFF") == ErrorId::filter_word_invalid_utf8);
  std::string longest;
  for (std::size_t i = 0; i < comments::limits::max_filter_word_chars; ++i) longest += "词";
  CHECK(comments::check_filter_word(longest).ok());
  CHECK(id_of(longest + "词") == ErrorId::filter_word_too_long);
  // The label starts the sentence.
  const comments::Result<void> labelled = comments::check_filter_word("", "The muted word");
  REQUIRE_FALSE(labelled.ok());
  CHECK(labelled.error().message.starts_with("The muted word"));
}

TEST_CASE("ModerationFilter::check decides publish, hold and block") {
  const ModerationFilter filter(FilterLists{{"敏感词", "Spam"}, {"赌博", "casino"}});
  CHECK(filter.lists().banned.size() == 2);

  const auto publish = filter.check("网友", "大力提升长三角一体化基层社会治理能力。");
  CHECK(publish.verdict == Verdict::publish);
  CHECK(publish.reason.empty());

  const auto banned_body = filter.check("网友", "这是敏 感-词吗");
  CHECK(banned_body.verdict == Verdict::block);
  CHECK(banned_body.reason == "banned word: 敏感词");
  const auto banned_author = filter.check("ＳＰＡＭ bot", "hello");
  CHECK(banned_author.verdict == Verdict::block);
  CHECK(banned_author.reason == "banned word: Spam");

  const auto suspect = filter.check("网友", "网上赌\u200B博");
  CHECK(suspect.verdict == Verdict::hold);
  CHECK(suspect.reason == "suspect word: 赌博");
  CHECK(filter.check("Casino King", "hi").verdict == Verdict::hold);

  // Banned beats suspect beats links.
  const auto both = filter.check("casino", "spam http://a http://b http://c");
  CHECK(both.verdict == Verdict::block);

  // Words do not run across the author/body boundary.
  CHECK(filter.check("敏感", "词").verdict == Verdict::publish);

  // Links: more than two holds; the author's links do not count.
  CHECK(filter.check("网友", "http://a https://b").verdict == Verdict::publish);
  const auto links = filter.check("网友", "http://a https://www.b www.c");
  CHECK(links.verdict == Verdict::hold);
  CHECK(links.reason == "3 links");
  CHECK(filter.check("www.a www.b www.c", "text").verdict == Verdict::publish);

  // Text the filter cannot read is never published.
  const auto invalid = filter.check("网友", "ok\xFF");
  CHECK(invalid.verdict == Verdict::block);
  CHECK(invalid.reason.find("UTF-8") != std::string::npos);
}

TEST_CASE("An empty ModerationFilter still counts links") {
  const ModerationFilter empty;
  CHECK(empty.check("网友", "anything 敏感词").verdict == Verdict::publish);
  CHECK(empty.check("网友", "www.a www.b www.c").verdict == Verdict::hold);
}

TEST_CASE("WordMatcher agrees with a naive search on a wider alphabet") {
  // One-symbol words, shared prefixes and pairs that start words mid-text:
  // the shallow skipping loop and the automaton hand over to each other often.
  const std::vector<std::string> alphabet = {"a", "b", "c", "d", "e", "f", "g", "h", "中", "文", "字", "词",
                                             "敏", "感", "E", "Ｆ", "\u200B", " ", "，", "😀"};
  Xorshift rng{0x9E3779B97F4A7C15ULL};
  for (int list = 0; list < 20; ++list) {
    std::vector<std::string> words;
    std::vector<std::u32string> folded_words;
    const std::size_t word_count = 1 + rng.below(60);
    for (std::size_t i = 0; i < word_count; ++i) {
      std::string word;
      const std::size_t length = 1 + rng.below(list % 2 == 0 ? 3 : 7);
      for (std::size_t j = 0; j < length; ++j) word += alphabet[rng.below(alphabet.size())];
      words.push_back(word);
      folded_words.push_back(comments::fold(word));
    }
    const WordMatcher matcher(words);
    for (int round = 0; round < 100; ++round) {
      std::string text;
      const std::size_t length = rng.below(30);
      for (std::size_t j = 0; j < length; ++j) text += alphabet[rng.below(alphabet.size())];
      const std::u32string folded = comments::fold(text);
      const auto found = matcher.find(folded);
      CAPTURE(list);
      CAPTURE(text);
      REQUIRE(found.has_value() == naive_contains_any(folded_words, folded));
      if (found) CHECK(folded.find(folded_words.at(*found)) != std::u32string::npos);
    }
  }
}

TEST_CASE("Words are found at the very start and the very end of a text") {
  const WordMatcher matcher({"ab", "中文", "x"});
  CHECK(find_in(matcher, "ab") == 0u);
  CHECK(find_in(matcher, "abzz") == 0u);
  CHECK(find_in(matcher, "zzab") == 0u);
  CHECK(find_in(matcher, "中文") == 1u);
  CHECK(find_in(matcher, "说中文") == 1u);
  CHECK(find_in(matcher, "x") == 2u);
  CHECK(find_in(matcher, "zzx") == 2u);
  CHECK_FALSE(find_in(matcher, "a").has_value());
  CHECK_FALSE(find_in(matcher, "中").has_value());
  CHECK_FALSE(find_in(matcher, "ba文中").has_value());
}

TEST_CASE("count_links agrees with a reference count, alone and inside check") {
  // Fragments that build and break links, in ASCII, full-width and mixed case.
  const std::vector<std::string> fragments = {"http://", "https://", "www.", "ｗｗｗ．", "HTTP", "Https", ":",
                                              "/", "／", "w", "W", ".", "s", "中", " ", "x", "ｈｔｔｐ：／／"};
  // Reference: lower-case ASCII after full-width mapping (the fragments have
  // no other letters), then occurrences of each pattern, minus the "www." that
  // directly follows a scheme.
  const auto reference = [](const std::string& utf8) {
    std::u32string lowered;
    std::size_t pos = 0;
    while (pos < utf8.size()) {
      char32_t cp = comments::text::next_code_point(utf8, pos);
      if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
      if (cp >= U'A' && cp <= U'Z') cp += 0x20;
      lowered.push_back(cp);
    }
    const auto occurrences = [&](std::u32string_view pattern) {
      int n = 0;
      for (std::size_t at = lowered.find(pattern); at != std::u32string::npos; at = lowered.find(pattern, at + 1)) ++n;
      return n;
    };
    return occurrences(U"http://") + occurrences(U"https://") + occurrences(U"www.") -
           occurrences(U"http://www.") - occurrences(U"https://www.");
  };
  const ModerationFilter filter;
  Xorshift rng{0xD1B54A32D192ED03ULL};
  int held = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string body;
    const std::size_t length = rng.below(14);
    for (std::size_t j = 0; j < length; ++j) body += fragments[rng.below(fragments.size())];
    CAPTURE(body);
    const int expected = reference(body);
    REQUIRE(comments::count_links(body) == expected);
    const bool hold = filter.check("网友", body).verdict == Verdict::hold;
    CHECK(hold == (expected > comments::limits::max_links_before_hold));
    held += hold;
  }
  CHECK(held > 20);
}

TEST_CASE("find_folded: the original text a filter word matched, for the console to mark") {
  const std::string text = "这里有 敏 感-词，还有ＳＰＡＭ";
  const auto hit = comments::find_folded(text, "敏感词");
  REQUIRE(hit);
  CHECK(text.substr(hit->first, hit->second - hit->first) == "敏 感-词");
  const auto spam = comments::find_folded(text, "spam");
  REQUIRE(spam);
  CHECK(text.substr(spam->first, spam->second - spam->first) == "ＳＰＡＭ");
  CHECK_FALSE(comments::find_folded(text, "别的"));
  CHECK_FALSE(comments::find_folded(text, "---"));  // folds to nothing
  const ModerationFilter filter(FilterLists{{}, {"敏感词"}});
  const comments::FilterDecision d = filter.check("网友", text);
  CHECK(d.verdict == Verdict::hold);
  CHECK(d.word == "敏感词");
  const comments::FilterDecision links = ModerationFilter().check("a", "http://a http://b http://c");
  CHECK(links.links == 3);
  CHECK(links.word.empty());
}

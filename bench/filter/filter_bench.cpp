// filter_bench: throughput of ModerationFilter::check with a large banned list.
//
// Builds 10,000 banned words (60% Chinese, 40% English-like, generated
// deterministically) and about 20 MB of mixed comment bodies (roughly 60% of
// the characters Chinese, drawn with the character frequencies of a real
// Chinese news article, a quarter of the bodies in Traditional characters,
// the rest common English words, digits, punctuation and an occasional link). Bodies that happen to contain a banned word are
// regenerated, so every timed check scans its whole text: the worst case.
//
// Prints median, min and max MB/s over 7 runs for check() and for its parts
// (fold, WordMatcher::find on folded text, count_links).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "comments/filter.hpp"
#include "comments/text.hpp"
#include "xorshift.hpp"

namespace {

// Characters of the seed article (shared/seed/article-page.txt), most
// frequent first; text draws from them with a Zipf-like weight.
constexpr std::string_view common_hanzi =
    "的理治会基社层发长三角一体展化共中和力进推在民新全建制务区域实人不文合组织通要管现更党高站加网动能服强同是"
    "协政为多作以需设入最经济关创提数定度平领解成生章有地大五享感着持调上本者点引源年完善促面方重导挥局用策效战"
    "机接到市技字学研术议题表相赋立安融谋来于公系断群众得下坚分各统筹互行决法优势心做将好智城友首页收藏态科究果"
    "置链路业四水日十过国划了量开充把向整与权对思打等问保维式稳补情精代慧评论备浪微博交位观正云步快铁百曹泽报击"
    "间九届审个规二目及明出增获幸福质离必始终总改革取配深垒员凝聚责矛盾护应急纠纷眼比齐短板根之利移资疫防控放想"
    "谐口准衡省色计续所台项江办模据工便捷如案查产部院录告篇只版京号招考试流讨您专列徽伐序牵迈企综教育筑牢才蓄池"
    "热门荐升时央第远景标擘画未蓝图确健扎富裕都笔认可须揽程际益彰斗堡自团广宣传注先键举措破壁衔职清晰套适然造格"
    "障形头处元义环境较起突也念忧沉争阻足我们奋夺双胜就切植依靠前老姓难愁盼供细使惠让拥直略特顶盘棋绿赢布因宜扬"
    "施近几浙跑次苏见批海涌算迭给带验今已从医卡轨道码事跨档异询尤其探索努若看述请转该浦东干常副任编辑诉印此闭窗"
    "显示条内容场无邮箱申登信息";

// The same characters in Traditional form (OpenCC s2t, character by
// character): a quarter of the bodies are written with these, so the fold's
// Traditional -> Simplified step is on the measured path.
constexpr std::string_view common_hanzi_traditional =
    "的理治會基社層髮長三角一體展化共中和力進推在民新全建制務區域實人不文合組織通要管現更黨高站加網動能服強同是協"
    "政爲多作以需設入最經濟關創提數定度平領解成生章有地大五享感着持調上本者點引源年完善促面方重導揮局用策效戰機接"
    "到市技字學研術議題表相賦立安融謀來於公系斷羣衆得下堅分各統籌互行決法優勢心做將好智城友首頁收藏態科究果置鏈路"
    "業四水日十過國劃了量開充把向整與權對思打等問保維式穩補情精代慧評論備浪微博交位觀正雲步快鐵百曹澤報擊間九屆審"
    "個規二目及明出增獲幸福質離必始終總改革取配深壘員凝聚責矛盾護應急糾紛眼比齊短板根之利移資疫防控放想諧口準衡省"
    "色計續所臺項江辦模據工便捷如案查產部院錄告篇只版京號招考試流討您專列徽伐序牽邁企綜教育築牢才蓄池熱門薦升時央"
    "第遠景標擘畫未藍圖確健扎富裕都筆認可須攬程際益彰鬥堡自團廣宣傳注先鍵舉措破壁銜職清晰套適然造格障形頭處元義環"
    "境較起突也念憂沉爭阻足我們奮奪雙勝就切植依靠前老姓難愁盼供細使惠讓擁直略特頂盤棋綠贏布因宜揚施近幾浙跑次蘇見"
    "批海湧算迭給帶驗今已從醫卡軌道碼事跨檔異詢尤其探索努若看述請轉該浦東干常副任編輯訴印此閉窗顯示條內容場無郵箱"
    "申登信息";

constexpr std::string_view english_words[] = {
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "was", "on", "be", "by", "this",
    "are", "from", "or", "have", "an", "they", "which", "one", "you", "were", "all", "we", "when", "there",
    "can", "been", "has", "more", "if", "will", "would", "about", "how", "up", "out", "them", "then", "she",
    "many", "some", "so", "these", "its", "like", "into", "time", "two", "first", "could", "people", "water",
    "than", "way", "only", "new", "work", "city", "region", "policy", "growth", "public", "service", "China",
    "Shanghai", "Yangtze", "delta", "integration", "governance", "community", "article", "agree", "reform",
    "data", "economy", "development", "transport", "railway", "health", "education", "innovation", "plan",
    "five", "year", "local", "government", "think", "good", "point", "really", "great", "thanks", "read",
    "comment", "author", "question", "answer", "important", "support", "Beijing", "market", "future", "well",
};

constexpr std::string_view english_syllables[] = {
    "ba", "ko", "rin", "tel", "vor", "zu", "qua", "mex", "plo", "stra", "gri", "fen", "dal", "nox", "wy",
    "jet", "lum", "sar", "thi", "bro", "cy", "dex", "ga", "hul", "ix", "jor", "kle", "mau", "nib", "orp",
    "pez", "rho", "sku", "tro", "vel", "wix", "yam", "zor", "fla", "gue",
};

constexpr std::string_view chinese_punctuation[] = {"，", "。", "、", "！", "？", "；", "：", "“", "”", "（", "）"};
constexpr std::string_view authors[] = {"网友", "Cao Wenze", "长三角观察者", "reader_2020", "匿名用户", "Lin"};

constexpr std::size_t banned_word_count = 10'000;
constexpr std::size_t target_text_bytes = 20u << 20;
constexpr int runs = 7;

using comments::testing::Xorshift;

std::vector<std::string> split_code_points(std::string_view utf8) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    std::string one;
    comments::text::append_utf8(one, comments::text::next_code_point(utf8, pos));
    out.push_back(std::move(one));
  }
  return out;
}

// Zipf-like choice of a rank below n: weight 1 / (rank + 8).
struct ZipfTable {
  std::vector<double> cumulative;
  explicit ZipfTable(std::size_t n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) cumulative.push_back(sum += 1.0 / static_cast<double>(i + 8));
  }
  std::size_t pick(Xorshift& rng) const {
    const double x = static_cast<double>(rng.next() >> 11) / 9007199254740992.0 * cumulative.back();
    return static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin());
  }
};

std::vector<std::string> make_banned_words(Xorshift& rng, const std::vector<std::string>& hanzi) {
  std::vector<std::string> words;
  const std::size_t chinese = banned_word_count * 6 / 10;
  while (words.size() < chinese) {
    // Two-character words carry one rarer ideograph (outside the article's
    // set), as real lists of names and slang do; longer ones use common ones.
    const std::size_t length = 2 + rng.below(3);
    std::string word;
    const std::size_t rare_at = length == 2 ? rng.below(2) : length;
    for (std::size_t i = 0; i < length; ++i) {
      if (i == rare_at) {
        comments::text::append_utf8(word, static_cast<char32_t>(0x4E00 + rng.below(0x9FA5 - 0x4E00)));
      } else {
        word += hanzi[rng.below(hanzi.size())];
      }
    }
    words.push_back(word);
  }
  while (words.size() < banned_word_count) {
    std::string word;
    const std::size_t syllables = 3 + rng.below(3);
    for (std::size_t i = 0; i < syllables; ++i) word += english_syllables[rng.below(std::size(english_syllables))];
    if (rng.below(10) == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
    words.push_back(word);
  }
  return words;
}

std::string make_body(Xorshift& rng, const std::vector<std::string>& hanzi, const ZipfTable& zipf) {
  const std::size_t target_chars = 800 + rng.below(1200);
  std::string body;
  std::size_t chars = 0;
  bool linked = false;
  while (chars < target_chars) {
    if (rng.below(100) < 82) {
      const std::size_t clause = 6 + rng.below(14);
      for (std::size_t i = 0; i < clause; ++i) body += hanzi[zipf.pick(rng)];
      body += chinese_punctuation[rng.below(std::size(chinese_punctuation))];
      chars += clause + 1;
    } else {
      const std::size_t count = 2 + rng.below(6);
      for (std::size_t i = 0; i < count; ++i) {
        const std::string_view word = english_words[rng.below(std::size(english_words))];
        body += word;
        body += ' ';
        chars += word.size() + 1;
      }
      if (rng.below(8) == 0) {
        body += std::to_string(rng.below(100000));
        chars += 3;
      }
      if (!linked && rng.below(40) == 0) {
        body += "https://www.example.cn/news/2020-11-11 ";
        chars += 39;
        linked = true;
      }
      body += rng.below(2) ? ". " : ", ";
      chars += 2;
    }
  }
  return body;
}

struct Stats {
  double median, min, max;
};

Stats summarise(std::vector<double> rates) {
  std::sort(rates.begin(), rates.end());
  return {rates[rates.size() / 2], rates.front(), rates.back()};
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Runs `pass` (one sweep over `bytes` bytes) `runs` times and prints MB/s by
// wall clock and by this thread's CPU time. On a busy machine the second is
// the steadier measure of the code itself (time spent descheduled is left out).
template <typename Pass>
void measure(const char* what, std::size_t bytes, Pass&& pass) {
  std::vector<double> wall_rates;
  std::vector<double> cpu_rates;
  const double megabytes = static_cast<double>(bytes) / 1e6;
  for (int run = 0; run < runs; ++run) {
    const double cpu_start = thread_cpu_seconds();
    const auto wall_start = std::chrono::steady_clock::now();
    pass();
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
    const double cpu = thread_cpu_seconds() - cpu_start;
    wall_rates.push_back(megabytes / wall.count());
    cpu_rates.push_back(megabytes / cpu);
  }
  const Stats wall = summarise(wall_rates);
  const Stats cpu = summarise(cpu_rates);
  std::printf("  %-34s wall: median %7.1f MB/s (min %7.1f, max %7.1f)   cpu: median %7.1f MB/s (min %7.1f, max %7.1f)\n",
              what, wall.median, wall.min, wall.max, cpu.median, cpu.min, cpu.max);
}

}  // namespace

int main() {
  Xorshift rng{0x9E3779B97F4A7C15ULL};
  const std::vector<std::string> hanzi = split_code_points(common_hanzi);
  const std::vector<std::string> hanzi_traditional = split_code_points(common_hanzi_traditional);
  if (hanzi_traditional.size() != hanzi.size()) {
    std::fprintf(stderr, "the Traditional table does not match the Simplified one\n");
    return 1;
  }
  const ZipfTable zipf(hanzi.size());

  comments::FilterLists lists;
  lists.banned = make_banned_words(rng, hanzi);
  if (const comments::Result<void> valid = lists.validate(); !valid) {
    std::fprintf(stderr, "generated list is invalid: %s\n", valid.error().message.c_str());
    return 1;
  }
  const auto build_start = std::chrono::steady_clock::now();
  const comments::ModerationFilter filter(lists);
  const std::chrono::duration<double, std::milli> build_ms = std::chrono::steady_clock::now() - build_start;

  // Bodies that publish (no banned word, at most two links).
  std::vector<std::string> bodies;
  std::size_t total_bytes = 0;
  std::size_t regenerated = 0;
  while (total_bytes < target_text_bytes) {
    std::string body = make_body(rng, bodies.size() % 4 == 3 ? hanzi_traditional : hanzi, zipf);
    if (filter.check("网友", body).verdict != comments::Verdict::publish) {
      ++regenerated;
      continue;
    }
    total_bytes += body.size();
    bodies.push_back(std::move(body));
  }
  std::size_t code_points = 0;
  std::size_t cjk = 0;
  for (const std::string& body : bodies) {
    std::size_t pos = 0;
    while (pos < body.size()) {
      const char32_t cp = comments::text::next_code_point(body, pos);
      ++code_points;
      cjk += cp >= 0x4E00 && cp <= 0x9FFF;
    }
  }

  std::printf("filter_bench: %zu banned words (automaton built in %.1f ms)\n", lists.banned.size(), build_ms.count());
  std::printf("  text: %zu bodies, %.1f MB, %zu code points, %.0f%% CJK ideographs by character "
              "(%zu bodies regenerated because they matched)\n",
              bodies.size(), static_cast<double>(total_bytes) / 1e6, code_points,
              100.0 * static_cast<double>(cjk) / static_cast<double>(code_points), regenerated);

  // Results are accumulated into a sink so the optimiser keeps every call.
  std::size_t sink = 0;
  measure("ModerationFilter::check", total_bytes, [&] {
          for (std::size_t i = 0; i < bodies.size(); ++i) {
            sink += static_cast<std::size_t>(filter.check(authors[i % std::size(authors)], bodies[i]).verdict);
          }
  });
  measure("fold (UTF-8 to folded code points)", total_bytes, [&] {
          for (const std::string& body : bodies) sink += comments::fold(body).size();
  });
  std::vector<std::u32string> folded;
  for (const std::string& body : bodies) folded.push_back(comments::fold(body));
  const comments::WordMatcher matcher(lists.banned);
  measure("WordMatcher::find on folded text", total_bytes, [&] {
          for (const std::u32string& text : folded) sink += matcher.find(text).value_or(0);
  });
  measure("count_links", total_bytes, [&] {
          for (const std::string& body : bodies) sink += static_cast<std::size_t>(comments::count_links(body));
  });
  std::printf("  (MB/s are of UTF-8 input bytes; sink %zu)\n", sink);
  return 0;
}

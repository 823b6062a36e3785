// Native unit tests of the pure browser-side helpers in wasm/common (links,
// relative time, strings, reconnect backoff): the same sources the Wasm
// widget is built from, without a browser.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/backoff.hpp"
#include "common/i18n.hpp"
#include "common/links.hpp"
#include "common/relative_time.hpp"

using namespace cmweb;

namespace {

struct Run {
  std::string text;
  bool is_link;
  std::string href;
  bool operator==(const Run&) const = default;
};

std::vector<Run> runs(std::string_view body) {
  std::vector<Run> out;
  for (const auto& r : split_links(body)) out.push_back({std::string(r.text), r.is_link, r.href});
  return out;
}

constexpr std::int64_t minute = 60'000;
constexpr std::int64_t hour = 60 * minute;
constexpr std::int64_t day = 24 * hour;
// 2020-11-11T15:04:12Z, the seed article's update time in UTC.
constexpr std::int64_t seed_time = 1605107052000;

}  // namespace

TEST_CASE("links: http, https and www. become links; everything else stays text") {
  CHECK(runs("no links here") == std::vector<Run>{{"no links here", false, ""}});
  CHECK(runs("see https://a.cn/x?y=1 now") ==
        std::vector<Run>{{"see ", false, ""}, {"https://a.cn/x?y=1", true, "https://a.cn/x?y=1"},
                         {" now", false, ""}});
  CHECK(runs("www.example.com") == std::vector<Run>{{"www.example.com", true, "http://www.example.com"}});
  CHECK(runs("HTTP://A.CN") == std::vector<Run>{{"HTTP://A.CN", true, "HTTP://A.CN"}});
}

TEST_CASE("links: end at CJK text, quotes and trailing punctuation") {
  CHECK(runs("见http://a.cn/p，谢谢") ==
        std::vector<Run>{{"见", false, ""}, {"http://a.cn/p", true, "http://a.cn/p"}, {"，谢谢", false, ""}});
  CHECK(runs("(see http://a.cn/x).") ==
        std::vector<Run>{{"(see ", false, ""}, {"http://a.cn/x", true, "http://a.cn/x"}, {").", false, ""}});
  CHECK(runs("http://en.wikipedia.org/wiki/A_(b)") ==
        std::vector<Run>{{"http://en.wikipedia.org/wiki/A_(b)", true, "http://en.wikipedia.org/wiki/A_(b)"}});
  CHECK(runs("http://x.cn/\"onclick=\"1") ==
        std::vector<Run>{{"http://x.cn/", true, "http://x.cn/"}, {"\"onclick=\"1", false, ""}});
}

TEST_CASE("links: never a script URL, never a bare prefix") {
  CHECK(runs("javascript:alert(1)") == std::vector<Run>{{"javascript:alert(1)", false, ""}});
  CHECK(runs("http://") == std::vector<Run>{{"http://", false, ""}});
  CHECK(runs("awww.x.cn") == std::vector<Run>{{"awww.x.cn", false, ""}});
  for (const auto& r : split_links("a http://x.cn b www.y.cn c https://z.cn")) {
    if (r.is_link) CHECK((r.href.rfind("http://", 0) == 0 || r.href.rfind("https://", 0) == 0));
  }
}

TEST_CASE("relative time in zh-CN and en") {
  const std::int64_t now = seed_time;
  CHECK(relative_time(Lang::zh_CN, now - 10'000, now, 480) == "刚刚");
  CHECK(relative_time(Lang::en, now + 5'000, now, 0) == "just now");  // clock skew
  CHECK(relative_time(Lang::zh_CN, now - minute, now, 480) == "1 分钟前");
  CHECK(relative_time(Lang::en, now - 3 * minute, now, 0) == "3 minutes ago");
  CHECK(relative_time(Lang::zh_CN, now - 5 * hour, now, 480) == "5 小时前");
  CHECK(relative_time(Lang::en, now - hour, now, 0) == "1 hour ago");
  CHECK(relative_time(Lang::en, now - day, now, 0) == "yesterday");
  CHECK(relative_time(Lang::zh_CN, now - 3 * day, now, 480) == "3 天前");
  // Older than a week: the local calendar date (UTC+8 is already the 12th).
  CHECK(relative_time(Lang::zh_CN, seed_time + 9 * hour, seed_time + 30 * day, 480) == "2020-11-12");
  CHECK(relative_time(Lang::en, seed_time, seed_time + 30 * day, 0) == "11 Nov 2020");
}

TEST_CASE("dates: civil date and ISO form") {
  const CivilDate d = civil_date(seed_time, 0);
  CHECK(d.year == 2020);
  CHECK(d.month == 11u);
  CHECK(d.day == 11u);
  CHECK(iso_utc(seed_time) == "2020-11-11T15:04:12.000Z");
  CHECK(iso_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso_utc(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("strings: languages, placeholders and error codes") {
  CHECK(parse_lang("zh") == Lang::zh_CN);
  CHECK(parse_lang("zh-CN") == Lang::zh_CN);
  CHECK(parse_lang("zh-Hans-CN") == Lang::zh_CN);
  CHECK(parse_lang("en-GB") == Lang::en);
  CHECK(parse_lang("zu") == Lang::en);
  CHECK(parse_lang("") == Lang::en);
  CHECK(tr(Lang::zh_CN, Msg::disclaimer) == "评论内容只代表网友观点,与本站立场无关!");
  CHECK(fill_in(tr(Lang::zh_CN, Msg::err_rate_limited), "n", 42) == "发言太频繁，请 42 秒后再试。");
  CHECK(fill_in("{n}/{max}", "n", 3) == "3/{max}");
  for (const char* code : {"bad_json", "bad_request", "invalid", "blocked", "rate_limited", "banned",
                           "unauthorized", "not_found", "internal", "offline"}) {
    CHECK(error_message_for(code) != Msg::err_unknown);
  }
  CHECK(error_message_for("something_new") == Msg::err_unknown);
  // Every message has both languages.
  for (int i = 0; i < static_cast<int>(Msg::count_); ++i) {
    CHECK_FALSE(tr(Lang::zh_CN, static_cast<Msg>(i)).empty());
    CHECK_FALSE(tr(Lang::en, static_cast<Msg>(i)).empty());
  }
}

TEST_CASE("backoff doubles up to its ceiling, randomised within the upper half, and resets") {
  Backoff backoff(500, 4000);
  CHECK(backoff.next(0.0) == doctest::Approx(250));
  CHECK(backoff.next(0.999) == doctest::Approx(999.5).epsilon(0.001));
  CHECK(backoff.next(0.5) == doctest::Approx(1500));
  CHECK(backoff.next(1.0) == doctest::Approx(4000));
  CHECK(backoff.next(1.0) == doctest::Approx(4000));  // capped
  backoff.reset();
  CHECK(backoff.next(1.0) == doctest::Approx(500));
}

// relative_time: the words the server's HTML block and the widget both show
// for a comment's age (one definition, so nothing changes at the hand-over).
#include <doctest/doctest.h>

#include "comments/relative_time.hpp"

using comments::relative_time;

TEST_CASE("relative_time: ages in zh-CN and en; old comments get their date in the given zone") {
  const std::int64_t now = 1'700'000'000'000;
  const std::int64_t minute = 60'000, hour = 60 * minute, day = 24 * hour;
  CHECK(relative_time(true, now - 10'000, now, 480) == "刚刚");
  CHECK(relative_time(false, now + 5'000, now, 0) == "just now");
  CHECK(relative_time(true, now - minute, now, 480) == "1 分钟前");
  CHECK(relative_time(true, now - 12 * minute, now, 480) == "12 分钟前");
  CHECK(relative_time(false, now - 3 * minute, now, 0) == "3 minutes ago");
  CHECK(relative_time(true, now - 5 * hour, now, 480) == "5 小时前");
  CHECK(relative_time(false, now - day, now, 0) == "yesterday");
  CHECK(relative_time(true, now - 6 * day, now, 480) == "6 天前");
  // 2020-11-11T15:04:12Z is 23:04 in Beijing: the same day there, not at UTC+9.
  const std::int64_t seed = 1'605'107'052'000;
  CHECK(relative_time(true, seed, seed + 30 * day, 480) == "2020-11-11");
  CHECK(relative_time(true, seed, seed + 30 * day, 540) == "2020-11-12");
  CHECK(relative_time(false, seed, seed + 30 * day, 0) == "11 Nov 2020");
  // Never a clock time: nothing of the form HH:MM.
  CHECK(relative_time(true, seed, seed + 400 * day, 480).find(':') == std::string::npos);
}

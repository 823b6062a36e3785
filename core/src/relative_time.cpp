#include "comments/relative_time.hpp"

#include <array>
#include <string_view>

#include "comments/calendar.hpp"

namespace comments {
namespace {

struct TimeTexts {
  std::string_view just_now, minute, minutes, hour, hours, day, days;  // "{n}" is the number
};
constexpr TimeTexts zh{"刚刚", "1 分钟前", " 分钟前", "1 小时前", " 小时前", "1 天前", " 天前"};
constexpr TimeTexts en{"just now", "1 minute ago", " minutes ago", "1 hour ago", " hours ago", "yesterday",
                       " days ago"};

std::string count(std::int64_t n, std::string_view one, std::string_view many) {
  if (n == 1) return std::string(one);
  return std::to_string(n).append(many);
}

}  // namespace

std::string relative_time(bool zh_cn, std::int64_t created_ms, std::int64_t now_ms, int utc_offset_minutes) {
  const TimeTexts& t = zh_cn ? zh : en;
  const std::int64_t age_s = (now_ms - created_ms) / 1000;
  if (age_s < 45) return std::string(t.just_now);
  const std::int64_t minutes = (age_s + 30) / 60;
  if (minutes < 60) return count(minutes, t.minute, t.minutes);
  const std::int64_t hours = (minutes + 30) / 60;
  if (hours < 24) return count(hours, t.hour, t.hours);
  const std::int64_t days = (hours + 12) / 24;
  if (days < 7) return count(days, t.day, t.days);
  const CivilDate date = civil_date(created_ms, utc_offset_minutes);
  std::string out;
  if (zh_cn) {
    append_padded(out, date.year, 4);
    out.push_back('-');
    append_padded(out, date.month, 2);
    out.push_back('-');
    append_padded(out, date.day, 2);
  } else {
    static constexpr std::array<const char*, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    append_padded(out, date.day, 1);
    out.push_back(' ');
    out.append(months[(date.month - 1) % 12]);
    out.push_back(' ');
    append_padded(out, date.year, 4);
  }
  return out;
}

}  // namespace comments

#include "common/relative_time.hpp"

#include <array>

namespace cmweb {
std::string relative_time(Lang lang, std::int64_t created_ms, std::int64_t now_ms,
                          int utc_offset_minutes) {
  const std::int64_t age_s = (now_ms - created_ms) / 1000;
  if (age_s < 45) return std::string(tr(lang, Msg::time_just_now));
  const std::int64_t minutes = (age_s + 30) / 60;
  if (minutes < 60) {
    return minutes == 1 ? std::string(tr(lang, Msg::time_minute))
                        : fill_in(tr(lang, Msg::time_minutes), "n", minutes);
  }
  const std::int64_t hours = (minutes + 30) / 60;
  if (hours < 24) {
    return hours == 1 ? std::string(tr(lang, Msg::time_hour))
                      : fill_in(tr(lang, Msg::time_hours), "n", hours);
  }
  const std::int64_t days = (hours + 12) / 24;
  if (days < 7) {
    return days == 1 ? std::string(tr(lang, Msg::time_day))
                     : fill_in(tr(lang, Msg::time_days), "n", days);
  }
  const CivilDate date = civil_date(created_ms, utc_offset_minutes);
  std::string out;
  if (lang == Lang::zh_CN) {
    comments::append_padded(out, date.year, 4);
    out.push_back('-');
    comments::append_padded(out, date.month, 2);
    out.push_back('-');
    comments::append_padded(out, date.day, 2);
  } else {
    static constexpr std::array<const char*, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    comments::append_padded(out, date.day, 1);
    out.push_back(' ');
    out.append(months[(date.month - 1) % 12]);
    out.push_back(' ');
    comments::append_padded(out, date.year, 4);
  }
  return out;
}

}  // namespace cmweb

#include "comments/calendar.hpp"

namespace comments {

void append_padded(std::string& out, std::int64_t value, int width) {
  char digits[24];
  int count = 0;
  std::uint64_t magnitude = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  do {
    digits[count++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) out.push_back('-');
  for (int i = count; i < width; ++i) out.push_back('0');
  while (count > 0) out.push_back(digits[--count]);
}

CivilDate civil_date(std::int64_t ms, int utc_offset_minutes) noexcept {
  // Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
  const std::int64_t local_ms = ms + std::int64_t{utc_offset_minutes} * 60'000;
  std::int64_t days = local_ms / 86'400'000;
  if (local_ms % 86'400'000 < 0) --days;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const auto year = static_cast<int>(static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2));
  return {year, month, day};
}

std::string iso_utc(std::int64_t ms) {
  const CivilDate date = civil_date(ms, 0);
  std::int64_t ms_of_day = ms % 86'400'000;
  if (ms_of_day < 0) ms_of_day += 86'400'000;
  std::string out;
  append_padded(out, date.year, 4);
  out.push_back('-');
  append_padded(out, date.month, 2);
  out.push_back('-');
  append_padded(out, date.day, 2);
  out.push_back('T');
  append_padded(out, ms_of_day / 3'600'000, 2);
  out.push_back(':');
  append_padded(out, ms_of_day / 60'000 % 60, 2);
  out.push_back(':');
  append_padded(out, ms_of_day / 1000 % 60, 2);
  out.push_back('.');
  append_padded(out, ms_of_day % 1000, 3);
  out.push_back('Z');
  return out;
}

}  // namespace comments

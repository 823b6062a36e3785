// Calendar arithmetic on Unix milliseconds, without the C library's time
// functions (the browser build has no time zone database, and printf would
// pull its whole formatter into the reader's download): the server's log and no-JS fragment and
// the browser's widget and console format times with the same code.
#pragma once

#include <cstdint>
#include <string>

namespace comments {

// The calendar date of Unix-ms `ms` shifted by `utc_offset_minutes` (east
// positive): {year, month 1-12, day 1-31}, proleptic Gregorian.
struct CivilDate {
  int year;
  unsigned month;
  unsigned day;
};
CivilDate civil_date(std::int64_t ms, int utc_offset_minutes) noexcept;

// "2020-11-11T15:04:12.000Z": ISO 8601 UTC with milliseconds (the log's
// timestamps and the datetime attribute of <time>).
std::string iso_utc(std::int64_t ms);

// Appends `value` in decimal, zero-padded to `width` digits.
void append_padded(std::string& out, std::int64_t value, int width);

}  // namespace comments

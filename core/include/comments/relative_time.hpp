// "3 分钟前" / "3 minutes ago": the age of a comment in the reader's language.
// One definition for the server's HTML block (/embed/latest and the page
// include) and the widget that takes it over in place, so the time a reader
// sees does not change wording at the hand-over. Pure (the caller passes the
// clock and the time zone).
#pragma once

#include <cstdint>
#include <string>

namespace comments {

// `created_ms`, `now_ms`: Unix ms. `utc_offset_minutes`: the zone's offset
// (east positive) for the calendar date of old comments. Under 45 s (or in
// the future: clock skew) "just now"; then minutes, hours, days up to 7;
// older ones show their date in that zone (2020-11-11 / 11 Nov 2020): never a
// clock time, so never one without its zone.
std::string relative_time(bool zh_cn, std::int64_t created_ms, std::int64_t now_ms, int utc_offset_minutes);

}  // namespace comments

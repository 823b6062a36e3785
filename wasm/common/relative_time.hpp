// "3 分钟前" / "3 minutes ago": the age of a comment in the reader's language.
// Pure (the caller passes the clock and the time zone) so it is unit-tested
// natively.
#pragma once

#include <cstdint>
#include <string>

#include "comments/calendar.hpp"
#include "common/i18n.hpp"

namespace cmweb {

// `created_ms`, `now_ms`: Unix ms. `utc_offset_minutes`: the reader's local
// offset (east positive), used for the calendar date of old comments.
// Under 45 s (or in the future: clock skew) "just now"; then minutes, hours,
// days up to 7; older ones show their local date (2020-11-11 / 11 Nov 2020).
std::string relative_time(Lang lang, std::int64_t created_ms, std::int64_t now_ms,
                          int utc_offset_minutes);

// The calendar helpers live in core (the server formats times with them too).
using comments::civil_date;
using comments::CivilDate;
using comments::iso_utc;

}  // namespace cmweb

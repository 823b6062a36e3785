// "3 分钟前" / "3 minutes ago": the age of a comment in the reader's language,
// core's comments::relative_time (the server's HTML block uses the same code,
// so the widget taking the block over shows the same words).
#pragma once

#include <cstdint>
#include <string>

#include "comments/calendar.hpp"
#include "comments/relative_time.hpp"
#include "common/i18n.hpp"

namespace cmweb {

// `created_ms`, `now_ms`: Unix ms. `utc_offset_minutes`: the offset (east
// positive) used for the calendar date of old comments.
inline std::string relative_time(Lang lang, std::int64_t created_ms, std::int64_t now_ms,
                                 int utc_offset_minutes) {
  return comments::relative_time(lang == Lang::zh_CN, created_ms, now_ms, utc_offset_minutes);
}

// The calendar helpers live in core (the server formats times with them too).
using comments::civil_date;
using comments::CivilDate;
using comments::iso_utc;

}  // namespace cmweb

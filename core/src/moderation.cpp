#include "comments/moderation.hpp"

namespace comments {

std::string_view to_string(QueueStatus s) noexcept {
  switch (s) {
    case QueueStatus::published: return "published";
    case QueueStatus::pending: return "pending";
    case QueueStatus::rejected: return "rejected";
    case QueueStatus::deleted: return "deleted";
    case QueueStatus::flagged: return "flagged";
    case QueueStatus::all: return "all";
  }
  return "all";
}

std::string_view to_string(ModerateAction a) noexcept {
  switch (a) {
    case ModerateAction::approve: return "approve";
    case ModerateAction::reject: return "reject";
    case ModerateAction::remove: return "delete";
    case ModerateAction::pin: return "pin";
    case ModerateAction::unpin: return "unpin";
  }
  return "approve";
}

std::string_view to_string(BanDuration d) noexcept {
  switch (d) {
    case BanDuration::day: return "1d";
    case BanDuration::week: return "7d";
    case BanDuration::permanent: return "permanent";
  }
  return "permanent";
}

std::optional<std::int64_t> duration_ms(BanDuration d) noexcept {
  constexpr std::int64_t day_ms = 24LL * 60 * 60 * 1000;
  switch (d) {
    case BanDuration::day: return day_ms;
    case BanDuration::week: return 7 * day_ms;
    case BanDuration::permanent: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace comments

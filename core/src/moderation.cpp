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

}  // namespace comments

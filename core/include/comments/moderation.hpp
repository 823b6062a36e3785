// The moderation vocabulary shared by the wire protocol (protocol.hpp) and the
// server's storage engines, which must not depend on the wire format: what a
// moderator can do to a comment, which comments a queue shows, and one entry
// of the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace comments {

enum class QueueStatus : std::uint8_t { published, pending, rejected, deleted, flagged, all };
std::string_view to_string(QueueStatus s) noexcept;

enum class ModerateAction : std::uint8_t { approve, reject, remove, pin, unpin };
std::string_view to_string(ModerateAction a) noexcept;  // remove <-> "delete"

// One entry of the moderation audit log (a protocol extension carries it).
struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t at = 0;            // Unix ms
  std::string action;             // approve, reject, delete, pin, unpin, ban, filters
  std::optional<std::int64_t> comment;
  std::string thread;             // empty for filters
  std::string moderator;          // moderator session id (never the token)
  std::string detail;             // e.g. "pending -> published"
};

}  // namespace comments

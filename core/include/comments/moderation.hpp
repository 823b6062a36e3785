// The moderation vocabulary shared by the wire protocol (protocol.hpp) and the
// server's storage engines, which must not depend on the wire format: what a
// moderator can do to a comment, which comments a queue shows, and one entry
// of the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// How long a ban lasts, chosen when banning (the wire's `duration`).
enum class BanDuration : std::uint8_t { day, week, permanent };
std::string_view to_string(BanDuration d) noexcept;  // "1d", "7d", "permanent"
// Milliseconds, or nullopt for permanent.
std::optional<std::int64_t> duration_ms(BanDuration d) noexcept;

// A ban in force as every instance's policy holds it.
struct PosterBan {
  std::string poster;                   // keyed address hash
  std::optional<std::int64_t> expires;  // Unix ms; nullopt: permanent
  bool operator==(const PosterBan&) const = default;
};

// One row of the moderators' ban list.
struct BanEntry {
  std::string poster;                   // keyed address hash (the wire shows its first characters)
  std::int64_t at = 0;                  // Unix ms
  std::optional<std::int64_t> expires;  // Unix ms; nullopt: permanent
  std::string moderator;                // who banned
  std::string reason;                   // the moderator's note, may be empty
  std::optional<std::int64_t> comment;  // the comment banned from
  std::string author;                   // the poster's last name used (newest comment)
  std::string excerpt;                  // the start of the comment banned from
  std::int64_t posts = 0;               // comments stored from that poster, every status
};

// Why a queued comment is where it is, beside it in the queue.
struct FlagReasonCount {
  std::string reason;  // as the reader sent it ("spam", "abuse", "illegal", "other", free text, "")
  std::int64_t count = 0;
  bool operator==(const FlagReasonCount&) const = default;
};
struct QueueContext {
  // Why it was held, as stored when posted: "word:W" (a suspect word),
  // "links:N", "premoderate"; empty when it was not held.
  std::string held;
  std::vector<FlagReasonCount> reasons;  // the current flags by reason, most first
  std::optional<std::string> parent_author;  // a reply's parent, when it exists
  std::optional<std::string> parent_body;
  std::string title;   // the thread's article title and link, as its pages last said
  std::string url;
  std::string poster;  // what a ban keys on: the first characters of the address hash
};
struct QueueCounts {
  std::int64_t pending = 0;
  std::int64_t flagged = 0;
};

}  // namespace comments

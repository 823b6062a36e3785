// The console's audit log as data: the entries loaded (newest first), paging,
// live `audited` entries, and which moderator session is this console's own,
// learned from the entry of one of its own actions (the server never says it
// directly). Pure C++: audit_view.cpp reads the server's JSON into AuditRows
// and renders; wasm/moderator/tests runs it natively and as Wasm.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "comments/limits.hpp"
#include "common/i18n.hpp"

namespace cmmod {

// One entry of the server's audit log (the `audit` / `audited` extension).
struct AuditRow {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::string action;
  std::optional<std::int64_t> comment;
  std::string thread;
  std::string moderator;
  std::string detail;
};

// What a live `audited` entry means for the console.
struct AuditNews {
  bool listed = false;    // it went on top of the loaded log
  bool by_other = false;  // another console acted (another moderator, or ours elsewhere): what is shown may be out of date
};

class AuditLog {
 public:
  static constexpr int page_size = comments::limits::default_queue_limit;

  // An `audit` reply: `rows` of a page of `entries` entries (rows the console
  // could not read are left out); a page of the first entries replaces the
  // log, an older one is added behind it. A short page is the end.
  void page(std::vector<AuditRow> rows, int entries, bool older);
  // The `before` of the next older page; nullopt when there is none to ask for.
  std::optional<std::int64_t> older_before() const;
  bool loaded() const noexcept { return loaded_; }
  bool at_end() const noexcept { return at_end_; }
  const std::vector<AuditRow>& rows() const noexcept { return rows_; }

  // This console's own actions, whose entries tell its session id.
  // A new connection is a new moderator session: forget what was learned.
  void new_session();
  void expect_comment(std::int64_t id) { awaiting_comments_.insert(id); }
  void expect_filters(bool waiting) noexcept { awaiting_filters_ = waiting; }
  AuditNews audited(const AuditRow& row);
  bool is_own(const AuditRow& row) const { return !own_session_.empty() && row.moderator == own_session_; }

 private:
  std::vector<AuditRow> rows_;
  bool loaded_ = false;
  bool at_end_ = false;
  std::string own_session_;
  std::set<std::int64_t> awaiting_comments_;
  bool awaiting_filters_ = false;
};

// The server writes details in English words of the protocol ("pending ->
// published, pinned", "poster 1a2b…", "2 banned, 1 suspect"); the Chinese
// console shows those words in Chinese and leaves anything else as it is.
std::string localized_detail(std::string detail, cmweb::Lang lang);

// "2026-11-27 12:04:31" in the moderator's local time.
std::string local_timestamp(std::int64_t ms, int utc_offset_minutes);

}  // namespace cmmod

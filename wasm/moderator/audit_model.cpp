#include "moderator/audit_model.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "common/relative_time.hpp"

namespace cmmod {

namespace {

bool listed(const std::vector<AuditRow>& rows, std::int64_t id) {
  return std::any_of(rows.begin(), rows.end(), [id](const AuditRow& r) { return r.id == id; });
}

}  // namespace

void AuditLog::page(std::vector<AuditRow> rows, int entries, bool older) {
  if (!older) rows_.clear();
  for (AuditRow& row : rows) {
    if (!listed(rows_, row.id)) rows_.push_back(std::move(row));
  }
  std::sort(rows_.begin(), rows_.end(), [](const AuditRow& a, const AuditRow& b) { return a.id > b.id; });
  at_end_ = entries < page_size;
  loaded_ = true;
}

std::optional<std::int64_t> AuditLog::older_before() const {
  if (rows_.empty() || at_end_) return std::nullopt;
  return rows_.back().id;
}

void AuditLog::new_session() {
  own_session_.clear();
  awaiting_comments_.clear();
}

AuditNews AuditLog::audited(const AuditRow& row) {
  AuditNews news;
  // Learn our own session id from the first entry of one of our actions.
  bool ours = false;
  if (row.comment && awaiting_comments_.erase(*row.comment) != 0) ours = true;
  if (!row.comment && row.action == "filters" && awaiting_filters_) {
    awaiting_filters_ = false;
    ours = true;
  }
  if (ours) own_session_ = row.moderator;
  if (loaded_ && !listed(rows_, row.id)) {
    rows_.insert(rows_.begin(), row);
    news.listed = true;
  }
  // Not an action this console sent: another moderator's, or another console
  // of the same named moderator (names are shared by a moderator's sessions).
  news.by_other = !ours;
  return news;
}

std::string localized_detail(std::string detail, cmweb::Lang lang) {
  if (lang != cmweb::Lang::zh_CN) return detail;
  // A ban's reason is the moderator's own text: kept as written.
  std::string reason;
  if (const std::size_t at = detail.find(", reason: "); at != std::string::npos) {
    reason = "，原因：" + detail.substr(at + 10);
    detail.resize(at);
  }
  static constexpr std::pair<std::string_view, std::string_view> words[] = {
      {" -> ", " → "},      {"published", "已发表"}, {"pending", "待审核"},
      {"rejected", "已拒绝"}, {"deleted", "已删除"},   {", unpinned", "，取消置顶"},
      {", pinned", "，置顶"}, {"poster ", "发帖人 "},  {" banned, ", " 个禁止词，"},
      {" suspect", " 个可疑词"}, {", 1d", "，1 天"},     {", 7d", "，7 天"},
      {", permanent", "，永久"}};
  for (const auto& [en, zh] : words) {
    for (std::size_t at = detail.find(en); at != std::string::npos; at = detail.find(en, at + zh.size())) {
      detail.replace(at, en.size(), zh);
    }
  }
  return detail + reason;
}

std::string local_timestamp(std::int64_t ms, int utc_offset_minutes) {
  const std::string iso = cmweb::iso_utc(ms + std::int64_t{utc_offset_minutes} * 60'000);
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

}  // namespace cmmod

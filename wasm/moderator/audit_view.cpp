// The audit log panel of the Console: every moderation action the server
// recorded, newest first, with live `audited` entries on top.
#include <algorithm>
#include <string_view>
#include <utility>

#include "comments/limits.hpp"
#include "common/dom.hpp"
#include "common/relative_time.hpp"
#include "moderator/console.hpp"
#include "moderator/json_fields.hpp"

namespace cmmod {

using cmweb::append;
using cmweb::fill_in;
using cmweb::make_element;
using cmweb::set_attr;
using cmweb::set_text;
using nlohmann::json;

namespace {

constexpr int audit_page = comments::limits::default_queue_limit;

std::optional<AuditRow> audit_row_from(const json& j) {
  auto id = json_int(j, "id");
  auto at = json_int(j, "at");
  if (!id || !at) return std::nullopt;
  AuditRow row;
  row.id = *id;
  row.at = *at;
  row.action = json_string(j, "action");
  row.comment = json_int(j, "comment");
  row.thread = json_string(j, "thread");
  row.moderator = json_string(j, "moderator");
  row.detail = json_string(j, "detail");
  return row;
}

// The server writes details in English words of the protocol ("pending ->
// published, pinned", "poster 1a2b…", "2 banned, 1 suspect"); the Chinese
// console shows those words in Chinese and leaves anything else as it is.
std::string localized_detail(std::string detail, cmweb::Lang lang) {
  if (lang != cmweb::Lang::zh_CN) return detail;
  static constexpr std::pair<std::string_view, std::string_view> words[] = {
      {" -> ", " → "},      {"published", "已发表"}, {"pending", "待审核"},
      {"rejected", "已拒绝"}, {"deleted", "已删除"},   {", unpinned", "，取消置顶"},
      {", pinned", "，置顶"}, {"poster ", "发帖人 "},  {" banned, ", " 个禁止词，"},
      {" suspect", " 个可疑词"}};
  for (const auto& [en, zh] : words) {
    for (std::size_t at = detail.find(en); at != std::string::npos; at = detail.find(en, at + zh.size())) {
      detail.replace(at, en.size(), zh);
    }
  }
  return detail;
}

// "2026-11-27 12:04:31" in the moderator's local time.
std::string local_timestamp(std::int64_t ms, int utc_offset_minutes) {
  const std::string iso = cmweb::iso_utc(ms + std::int64_t{utc_offset_minutes} * 60'000);
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

}  // namespace

std::string Console::action_label(const std::string& action) const {
  if (action == "approve") return std::string(t(M::act_approve));
  if (action == "reject") return std::string(t(M::act_reject));
  if (action == "delete") return std::string(t(M::act_delete));
  if (action == "pin") return std::string(t(M::act_pin));
  if (action == "unpin") return std::string(t(M::act_unpin));
  if (action == "ban") return std::string(t(M::audit_ban));
  if (action == "filters") return std::string(t(M::audit_filters));
  return action;  // an action this console does not know yet: as the server names it
}

val Console::build_audit_panel() {
  val panel = make_element(document_, "section", "mod-panel mod-audit");
  val table = make_element(document_, "table", "mod-table mod-audit-table");
  set_attr(table, "aria-label", t(M::tab_audit));
  append(table, table_head({M::col_time, M::col_action, M::col_comment, M::col_thread,
                            M::col_moderator, M::col_detail}));
  audit_body_el_ = make_element(document_, "tbody");
  append(table, audit_body_el_);
  append(panel, table);
  audit_empty_el_ = make_element(document_, "p", "mod-empty");
  set_text(audit_empty_el_, t(M::audit_empty));
  append(panel, audit_empty_el_);
  audit_older_el_ = make_element(document_, "button", "mod-button mod-older");
  set_attr(audit_older_el_, "type", "button");
  set_attr(audit_older_el_, "data-command", "audit-older");
  set_text(audit_older_el_, t(M::load_older));
  cmweb::set_hidden(audit_older_el_, true);
  append(panel, audit_older_el_);
  return panel;
}

void Console::load_audit(bool older) {
  json message = {{"type", "audit"}, {"limit", audit_page}};
  if (older) {
    if (audit_.empty() || audit_at_end_) return;
    message["before"] = audit_.back().id;
  }
  connection_.request(std::move(message), [this, older](const json& reply) {
    if (json_string(reply, "type") != "audit") {
      if (json_string(reply, "code") != "offline") show_alert(error_text(reply));
      return;
    }
    if (!older) audit_.clear();
    auto it = reply.find("entries");
    int count = 0;
    if (it != reply.end() && it->is_array()) {
      for (const auto& entry : *it) {
        ++count;
        if (auto row = audit_row_from(entry)) {
          const bool known = std::any_of(audit_.begin(), audit_.end(),
                                         [&](const AuditRow& r) { return r.id == row->id; });
          if (!known) audit_.push_back(std::move(*row));
        }
      }
    }
    std::sort(audit_.begin(), audit_.end(),
              [](const AuditRow& a, const AuditRow& b) { return a.id > b.id; });
    audit_at_end_ = count < audit_page;
    audit_loaded_ = true;
    render_audit();
  });
}

void Console::on_audited(const json& entry) {
  auto row = audit_row_from(entry);
  if (!row) return;
  // Learn our own session id from the first entry of one of our actions.
  bool ours = false;
  if (row->comment && awaiting_audit_.erase(*row->comment) != 0) ours = true;
  if (!row->comment && row->action == "filters" && awaiting_filters_audit_) {
    awaiting_filters_audit_ = false;
    ours = true;
  }
  if (ours) own_session_ = row->moderator;
  if (audit_loaded_ &&
      std::none_of(audit_.begin(), audit_.end(), [&](const AuditRow& r) { return r.id == row->id; })) {
    audit_.insert(audit_.begin(), *row);
    render_audit();
  }
  if (ours || row->moderator == own_session_) return;
  // Another moderator acted: bring what this console shows up to date.
  if (row->comment && (model_.find(*row->comment) != nullptr || seen_.count(*row->comment) != 0)) {
    refetch(*row->comment);
  }
  if (row->action == "filters") load_filters();
}

void Console::render_audit() {
  cmweb::remove_children(audit_body_el_);
  for (const AuditRow& r : audit_) {
    val tr = make_element(document_, "tr", "mod-audit-" + r.action);
    set_attr(tr, "data-audit-id", std::to_string(r.id));
    val time = make_element(document_, "td");
    val time_el = make_element(document_, "time");
    set_attr(time_el, "datetime", cmweb::iso_utc(r.at));
    set_text(time_el, local_timestamp(r.at, utc_offset_minutes_));
    append(time, time_el);
    append(tr, time);
    val action = make_element(document_, "td", "mod-audit-action");
    set_text(action, action_label(r.action));
    append(tr, action);
    val comment = make_element(document_, "td");
    set_text(comment, r.comment ? "#" + std::to_string(*r.comment) : std::string());
    append(tr, comment);
    val thread = make_element(document_, "td", "mod-thread");
    set_text(thread, r.thread);
    append(tr, thread);
    val moderator = make_element(document_, "td", "mod-moderator");
    set_text(moderator, !own_session_.empty() && r.moderator == own_session_
                            ? fill_in(t(M::audit_you), "id", r.moderator)
                            : r.moderator);
    append(tr, moderator);
    val detail = make_element(document_, "td");
    set_text(detail, localized_detail(r.detail, config_.lang));
    append(tr, detail);
    append(audit_body_el_, tr);
  }
  cmweb::set_hidden(audit_empty_el_, !audit_.empty());
  cmweb::set_hidden(audit_older_el_, audit_.empty() || audit_at_end_);
}

}  // namespace cmmod

// The audit log panel of the Console: every moderation action the server
// recorded, newest first, with live `audited` entries on top.
#include <string_view>
#include <utility>

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

}  // namespace

std::string Console::action_label(const std::string& action) const {
  if (action == "approve") return std::string(t(M::act_approve));
  if (action == "reject") return std::string(t(M::act_reject));
  if (action == "delete") return std::string(t(M::act_delete));
  if (action == "pin") return std::string(t(M::act_pin));
  if (action == "unpin") return std::string(t(M::act_unpin));
  if (action == "ban") return std::string(t(M::audit_ban));
  if (action == "unban") return std::string(t(M::audit_unban));
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
  json message = {{"type", "audit"}, {"limit", AuditLog::page_size}};
  if (older) {
    const auto before = audit_.older_before();
    if (!before) return;
    message["before"] = *before;
  }
  connection_.request(std::move(message), [this, older](const json& reply) {
    if (json_string(reply, "type") != "audit") {
      if (json_string(reply, "code") != "offline") show_alert(error_text(reply));
      return;
    }
    auto it = reply.find("entries");
    int count = 0;
    std::vector<AuditRow> rows;
    if (it != reply.end() && it->is_array()) {
      for (const auto& entry : *it) {
        ++count;
        if (auto row = audit_row_from(entry)) rows.push_back(std::move(*row));
      }
    }
    audit_.page(std::move(rows), count, older);
    render_audit();
  });
}

void Console::on_audited(const json& entry) {
  auto row = audit_row_from(entry);
  if (!row) return;
  const AuditNews news = audit_.audited(*row);
  if (news.listed) render_audit();
  if (!news.by_other) return;
  // Another moderator acted: bring what this console shows up to date.
  if (row->comment && (model_.queue().find(*row->comment) != nullptr || model_.seen(*row->comment))) {
    refetch(*row->comment);
  }
  if (row->action == "filters") load_filters();
  if ((row->action == "ban" || row->action == "unban") && panel_ == Panel::bans) load_bans();
}

void Console::append_time_cell(val& tr, std::int64_t ms) {
  val td = make_element(document_, "td");
  val time = make_element(document_, "time");
  set_attr(time, "datetime", cmweb::iso_utc(ms));
  set_text(time, local_timestamp(ms, utc_offset_minutes_));
  append(td, time);
  append(tr, td);
}

void Console::render_audit() {
  cmweb::remove_children(audit_body_el_);
  for (const AuditRow& r : audit_.rows()) {
    val tr = make_element(document_, "tr", "mod-audit-" + r.action);
    set_attr(tr, "data-audit-id", std::to_string(r.id));
    append_time_cell(tr, r.at);
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
    set_text(moderator, audit_.is_own(r) ? fill_in(t(M::audit_you), "id", r.moderator) : r.moderator);
    append(tr, moderator);
    val detail = make_element(document_, "td");
    set_text(detail, localized_detail(r.detail, config_.lang));
    append(tr, detail);
    append(audit_body_el_, tr);
  }
  cmweb::set_hidden(audit_empty_el_, !audit_.rows().empty());
  cmweb::set_hidden(audit_older_el_, !audit_.older_before());
}

}  // namespace cmmod

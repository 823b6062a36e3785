// The bans panel of the Console: every ban in force, newest first — the
// poster's short address hash (never the address), their last name used, the
// post banned from, when, by whom, why, until when, how many posts — each
// with a button that lifts it.
#include <string>

#include "common/dom.hpp"
#include "moderator/console.hpp"
#include "moderator/json_fields.hpp"

namespace cmmod {

using cmweb::append;
using cmweb::fill_in;
using cmweb::make_element;
using cmweb::set_attr;
using cmweb::set_text;
using nlohmann::json;

val Console::build_bans_panel() {
  val panel = make_element(document_, "section", "mod-panel mod-bans");
  val table = make_element(document_, "table", "mod-table mod-bans-table");
  set_attr(table, "aria-label", t(M::tab_bans));
  append(table, table_head({M::col_poster, M::col_name, M::col_banned_from, M::col_time, M::col_by,
                            M::col_reason, M::col_until, M::col_posts, M::col_action}));
  bans_body_el_ = make_element(document_, "tbody");
  append(table, bans_body_el_);
  append(panel, table);
  bans_empty_el_ = make_element(document_, "p", "mod-empty");
  set_text(bans_empty_el_, t(M::bans_empty));
  append(panel, bans_empty_el_);
  return panel;
}

void Console::load_bans() {
  if (!signed_in_) return;
  connection_.request(json{{"type", "bans"}}, [this](const json& reply) {
    if (json_string(reply, "type") != "bans") {
      if (json_string(reply, "code") != "offline") show_alert(error_text(reply));
      return;
    }
    auto bans = reply.find("bans");
    render_bans(bans != reply.end() && bans->is_array() ? *bans : json::array());
  });
}

void Console::render_bans(const json& bans) {
  cmweb::remove_children(bans_body_el_);
  const auto cell = [this](val& tr, const std::string& text, std::string_view cls = {}) {
    val td = make_element(document_, "td", cls);
    set_text(td, text);
    append(tr, td);
    return td;
  };
  for (const json& b : bans) {
    const std::string key = json_string(b, "poster");
    val tr = make_element(document_, "tr", "mod-ban");
    set_attr(tr, "data-poster", key);
    cell(tr, key + "…", "mod-poster-key");
    cell(tr, json_string(b, "author"), "mod-ban-author");
    const auto comment = json_int(b, "comment");
    cell(tr, (comment ? "#" + std::to_string(*comment) + " " : std::string()) + json_string(b, "excerpt"),
         "mod-ban-excerpt");
    append_time_cell(tr, json_int(b, "at").value_or(0));
    cell(tr, json_string(b, "moderator"), "mod-moderator");
    cell(tr, json_string(b, "reason"), "mod-ban-reason");
    if (const auto expires = json_int(b, "expires")) {
      append_time_cell(tr, *expires);
    } else {
      cell(tr, std::string(t(M::dur_permanent)), "mod-ban-permanent");
    }
    cell(tr, std::to_string(json_int(b, "posts").value_or(0)), "mod-ban-posts");
    val actions = make_element(document_, "td");
    val button = make_element(document_, "button", "mod-button mod-unban");
    set_attr(button, "type", "button");
    set_attr(button, "data-command", "unban");
    set_attr(button, "data-poster", key);
    set_text(button, t(M::unban));
    append(actions, button);
    append(tr, actions);
    append(bans_body_el_, tr);
  }
  cmweb::set_hidden(bans_empty_el_, !bans.empty());
}

void Console::unban(const std::string& key) {
  if (key.empty()) return;
  connection_.request(json{{"type", "unban"}, {"poster", key}}, [this, key](const json& reply) {
    if (json_string(reply, "type") != "ok") {
      show_alert(error_text(reply));
    } else {
      show_alert("");
      announce(fill_in(t(M::unbanned), "key", key));
    }
    load_bans();
  });
}

}  // namespace cmmod

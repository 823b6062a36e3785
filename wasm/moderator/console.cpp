#include "moderator/console.hpp"

#include <cmath>
#include <cstdlib>
#include <utility>

#include <emscripten/eventloop.h>

#include "comments/limits.hpp"
#include "common/dom.hpp"
#include "common/session_storage.hpp"
#include "moderator/json_fields.hpp"

namespace cmmod {

using cmweb::append;
using cmweb::js_string;
using cmweb::make_element;
using cmweb::set_attr;
using cmweb::set_text;
using nlohmann::json;
namespace session = cmweb::session_storage;

Console::Console(val root, ConsoleConfig config)
    : root_(std::move(root)),
      document_(cmweb::owner_document(root_)),
      config_(std::move(config)),
      connection_(cmweb::websocket_url_for(config_.server),
                  cmweb::Connection::Handlers{
                      [this] { on_connected(); },
                      [this](double retry_ms) { on_disconnected(retry_ms); },
                      [this](const json& event) { on_event(event); }}) {}

Console::~Console() {
  for (int id : listener_ids_) cmweb::remove_listener(id);
  if (clock_timer_ != 0) emscripten_clear_interval(clock_timer_);
}

void Console::start() {
  // getTimezoneOffset() is minutes *west* of UTC.
  utc_offset_minutes_ = -val::global("Date").new_().call<int>("getTimezoneOffset");
  build();
  show_signed_in(false);
  // "3 分钟前" has to keep up with the clock while the console stays open.
  clock_timer_ = emscripten_set_interval(&Console::on_clock_tick, 30'000, this);
  if (connection_.url().empty()) {
    set_text(status_el_, cmweb::tr(config_.lang, cmweb::Msg::connect_failed));
    return;
  }
  set_text(status_el_, t(M::connecting));
  connection_.start();
}

// ---- Building the page ----------------------------------------------------------

val Console::labelled_control(const val& parent, std::string_view id, M label, std::string_view tag,
                              std::string_view field_class, std::string_view control_class) {
  val field = make_element(document_, "div", field_class);
  val label_el = make_element(document_, "label");
  set_attr(label_el, "for", id);
  set_text(label_el, t(label));
  val control = make_element(document_, tag, control_class);
  set_attr(control, "id", id);
  append(field, label_el);
  append(field, control);
  append(parent, field);
  return control;
}

val Console::labelled_input(const val& parent, std::string_view id, M label, std::string_view type) {
  val input = labelled_control(parent, id, label, "input", "mod-field", "mod-input");
  set_attr(input, "type", type);
  return input;
}

val Console::table_head(std::initializer_list<M> columns) {
  val thead = make_element(document_, "thead");
  val row = make_element(document_, "tr");
  for (M col : columns) {
    val th = make_element(document_, "th");
    set_attr(th, "scope", "col");
    set_text(th, t(col));
    append(row, th);
  }
  append(thead, row);
  return thead;
}

void Console::build() {
  cmweb::remove_children(root_);
  set_attr(root_, "lang", cmweb::lang_tag(config_.lang));
  document_.set("title", js_string(t(M::page_title)));

  val header = make_element(document_, "header", "mod-header");
  val title = make_element(document_, "h1", "mod-title");
  set_text(title, t(M::page_title));
  append(header, title);
  status_el_ = make_element(document_, "p", "mod-connection");
  set_attr(status_el_, "role", "status");
  append(header, status_el_);
  val tools = make_element(document_, "div", "mod-header-tools");
  if (!config_.other_language_href.empty()) {
    val other = make_element(document_, "a", "mod-lang");
    set_attr(other, "href", config_.other_language_href);
    set_attr(other, "lang", config_.lang == cmweb::Lang::zh_CN ? "en" : "zh-CN");
    set_text(other, t(M::other_language));
    append(tools, other);
  }
  help_button_el_ = make_element(document_, "button", "mod-button mod-quiet");
  set_attr(help_button_el_, "type", "button");
  set_attr(help_button_el_, "data-command", "help");
  set_attr(help_button_el_, "aria-keyshortcuts", "?");
  set_attr(help_button_el_, "aria-haspopup", "dialog");
  set_text(help_button_el_, std::string(t(M::help_button)) + " (?)");
  append(tools, help_button_el_);
  signout_el_ = make_element(document_, "button", "mod-button mod-quiet");
  set_attr(signout_el_, "type", "button");
  set_attr(signout_el_, "data-command", "sign-out");
  set_text(signout_el_, t(M::sign_out));
  append(tools, signout_el_);
  append(header, tools);
  append(root_, header);

  alert_el_ = make_element(document_, "p", "mod-alert");
  set_attr(alert_el_, "role", "alert");
  cmweb::set_hidden(alert_el_, true);
  append(root_, alert_el_);

  live_el_ = make_element(document_, "div", "mod-visually-hidden");
  set_attr(live_el_, "aria-live", "polite");
  append(root_, live_el_);

  signin_el_ = build_signin();
  append(root_, signin_el_);

  app_el_ = make_element(document_, "div", "mod-app");
  val nav = make_element(document_, "div", "mod-panel-tabs");
  set_attr(nav, "role", "tablist");
  set_attr(nav, "aria-label", t(M::page_title));
  const std::pair<Panel, M> panel_names[] = {{Panel::queues, M::tab_queues},
                                             {Panel::filters, M::tab_filters},
                                             {Panel::audit, M::tab_audit},
                                             {Panel::bans, M::tab_bans}};
  const char* panel_ids[] = {"queues", "filters", "audit", "bans"};
  for (const auto& [panel, name] : panel_names) {
    const std::string id = panel_ids[static_cast<int>(panel)];
    val tab = make_element(document_, "button", "mod-panel-tab");
    set_attr(tab, "type", "button");
    set_attr(tab, "role", "tab");
    set_attr(tab, "id", "mod-tab-" + id);
    set_attr(tab, "aria-controls", "mod-panel-" + id);
    set_attr(tab, "data-panel", id);
    set_text(tab, t(name));
    append(nav, tab);
    panel_tabs_.emplace(panel, tab);
  }
  append(app_el_, nav);
  panels_.emplace(Panel::queues, build_queue_panel());
  panels_.emplace(Panel::filters, build_filters_panel());
  panels_.emplace(Panel::audit, build_audit_panel());
  panels_.emplace(Panel::bans, build_bans_panel());
  for (const auto& [panel, name] : panel_names) {
    val el = panels_.at(panel);
    const std::string id = panel_ids[static_cast<int>(panel)];
    set_attr(el, "role", "tabpanel");
    set_attr(el, "id", "mod-panel-" + id);
    set_attr(el, "aria-labelledby", "mod-tab-" + id);
    append(app_el_, el);
  }
  append(root_, app_el_);

  help_el_ = build_help();
  append(root_, help_el_);

  listener_ids_.push_back(cmweb::add_listener(root_, "click", [this](const val& e) { on_click(e); }));
  listener_ids_.push_back(cmweb::add_listener(signin_el_, "submit", [this](const val& e) {
    e.call<void>("preventDefault");
    submit_signin();
  }));
  listener_ids_.push_back(cmweb::add_listener(document_, "keydown",
                                              [this](const val& e) { on_keydown(e); }));
  select_panel(Panel::queues);
}

val Console::build_signin() {
  val form = make_element(document_, "form", "mod-signin");
  set_attr(form, "aria-labelledby", "mod-signin-heading");
  set_attr(form, "novalidate", "");
  val heading = make_element(document_, "h2");
  set_attr(heading, "id", "mod-signin-heading");
  set_text(heading, t(M::signin_heading));
  append(form, heading);
  token_el_ = labelled_input(form, "mod-token", M::token_label, "password");
  // A token, not a password of the person: no autofill, no spell checking.
  set_attr(token_el_, "autocomplete", "off");
  set_attr(token_el_, "spellcheck", "false");
  set_attr(token_el_, "aria-describedby", "mod-signin-help mod-signin-error");
  val help = make_element(document_, "p", "mod-help-text");
  set_attr(help, "id", "mod-signin-help");
  set_text(help, t(M::signin_help));
  append(form, help);
  signin_submit_el_ = make_element(document_, "button", "mod-button mod-primary");
  set_attr(signin_submit_el_, "type", "submit");
  set_text(signin_submit_el_, t(M::signin_button));
  append(form, signin_submit_el_);
  signin_error_el_ = make_element(document_, "p", "mod-error");
  set_attr(signin_error_el_, "id", "mod-signin-error");
  set_attr(signin_error_el_, "role", "alert");
  append(form, signin_error_el_);
  return form;
}

val Console::build_help() {
  val overlay = make_element(document_, "div", "mod-help-overlay");
  cmweb::set_hidden(overlay, true);
  val dialog = make_element(document_, "div", "mod-help");
  set_attr(dialog, "role", "dialog");
  set_attr(dialog, "aria-modal", "true");
  set_attr(dialog, "aria-labelledby", "mod-help-title");
  val heading = make_element(document_, "h2");
  set_attr(heading, "id", "mod-help-title");
  set_text(heading, t(M::help_heading));
  append(dialog, heading);
  val keys = make_element(document_, "dl", "mod-keys");
  const std::pair<std::string_view, M> rows[] = {
      {"j", M::key_next},     {"k", M::key_prev},   {"a", M::key_approve},
      {"r", M::key_reject},   {"d", M::key_delete}, {"p", M::key_pin},
      {"b", M::key_ban},      {"x", M::key_select}, {"/", M::key_search},
      {"?", M::key_help},     {"Esc", M::key_escape}};
  for (const auto& [key, what] : rows) {
    val dt = make_element(document_, "dt");
    val kbd = make_element(document_, "kbd");
    set_text(kbd, key);
    append(dt, kbd);
    val dd = make_element(document_, "dd");
    set_text(dd, t(what));
    append(keys, dt);
    append(keys, dd);
  }
  append(dialog, keys);
  val note = make_element(document_, "p", "mod-help-text");
  set_text(note, t(M::help_bulk));
  append(dialog, note);
  help_close_el_ = make_element(document_, "button", "mod-button mod-primary");
  set_attr(help_close_el_, "type", "button");
  set_attr(help_close_el_, "data-command", "close-help");
  set_text(help_close_el_, t(M::help_close));
  append(dialog, help_close_el_);
  append(overlay, dialog);
  return overlay;
}

// ---- Connection and sign-in ---------------------------------------------------------

void Console::on_connected() {
  set_text(status_el_, t(M::connected));
  // A reconnect (or a reload of the tab) signs in again with the session's token.
  if (auto token = session::get(session::moderator_token_key); token && !token->empty()) {
    authenticate(*token, false);
  }
}

void Console::on_disconnected(double retry_ms) {
  const auto seconds = static_cast<long long>(std::ceil(retry_ms / 1000));
  set_text(status_el_, std::string(cmweb::tr(config_.lang, cmweb::Msg::offline)) + " " +
                           cmweb::fill_in(cmweb::tr(config_.lang, cmweb::Msg::reconnecting_in),
                                          "n", seconds));
  queue_loading_ = false;
  signing_in_ = false;
  cmweb::remove_attr(signin_submit_el_, "disabled");
}

void Console::submit_signin() {
  const std::string token = cmweb::get_value(token_el_);
  if (token.empty()) {
    set_text(signin_error_el_, t(M::err_empty_token));
    token_el_.call<void>("focus");
    return;
  }
  authenticate(token, true);
}

void Console::authenticate(const std::string& token, bool typed) {
  if (signing_in_) return;
  json message = {{"type", "auth"}, {"token", token}};
  const bool sent = connection_.request(std::move(message), [this, token, typed](const json& reply) {
    signing_in_ = false;
    cmweb::remove_attr(signin_submit_el_, "disabled");
    const std::string type = json_string(reply, "type");
    if (type == "ok") {
      // Kept for this tab's session only; never in a URL, never logged.
      session::set(session::moderator_token_key, token);
      cmweb::set_value(token_el_, "");
      set_text(signin_error_el_, "");
      on_signed_in();
      return;
    }
    const std::string code = json_string(reply, "code");
    if (code == "offline") {
      if (typed) set_text(signin_error_el_, cmweb::tr(config_.lang, cmweb::Msg::err_offline));
      return;
    }
    if (code == "unauthorized") {
      session::remove(session::moderator_token_key);
      show_signed_in(false);
      set_text(signin_error_el_, t(M::err_wrong_token));
    } else if (code == "rate_limited") {
      const auto ms = json_int(reply, "retry_after_ms").value_or(comments::limits::rate_window_ms);
      set_text(signin_error_el_, cmweb::fill_in(t(M::err_too_many_tries), "n", (ms + 999) / 1000));
    } else {
      set_text(signin_error_el_, error_text(reply));
    }
    cmweb::set_value(token_el_, "");
    token_el_.call<void>("focus");
  });
  if (!sent) {
    if (typed) set_text(signin_error_el_, cmweb::tr(config_.lang, cmweb::Msg::err_offline));
    return;
  }
  signing_in_ = true;
  set_attr(signin_submit_el_, "disabled", "");
  if (typed) set_text(signin_error_el_, t(M::signing_in));
}

void Console::on_signed_in() {
  const bool first = !signed_in_;
  show_signed_in(true);
  set_text(status_el_, std::string(t(M::connected)) + " · " + std::string(t(M::signed_in_as)));
  audit_.new_session();  // a new connection gets a new moderator session id
  load_queue(false);
  if (filters_.loaded() || panel_ == Panel::filters) load_filters();
  if (audit_.loaded() || panel_ == Panel::audit) load_audit(false);
  if (first) select_panel(panel_);
}

void Console::show_signed_in(bool signed_in) {
  signed_in_ = signed_in;
  cmweb::set_hidden(signin_el_, signed_in);
  cmweb::set_hidden(app_el_, !signed_in);
  cmweb::set_hidden(signout_el_, !signed_in);
  cmweb::set_hidden(help_button_el_, !signed_in);
  cmweb::set_attr(root_, "data-signed-in", signed_in ? "true" : "false");
  if (!signed_in) token_el_.call<void>("focus");
}

void Console::sign_out() {
  session::remove(session::moderator_token_key);
  // The server keeps a connection's role until it closes: a fresh page is a
  // fresh, unauthenticated connection.
  val::global("location").call<void>("reload");
}

// ---- Panels, clicks and keys ---------------------------------------------------------

void Console::select_panel(Panel panel) {
  panel_ = panel;
  for (auto& [p, tab] : panel_tabs_) {
    set_attr(tab, "aria-selected", p == panel ? "true" : "false");
    set_attr(tab, "tabindex", p == panel ? "0" : "-1");
    cmweb::set_hidden(panels_.at(p), p != panel);
  }
  if (!signed_in_) return;
  if (panel == Panel::filters) {
    if (!filters_.loaded()) load_filters();
    if (!sample_loaded_) load_preview_sample();
  } else if (panel == Panel::audit && !audit_.loaded()) {
    load_audit(false);
  } else if (panel == Panel::bans) {
    load_bans();
  }
}

void Console::on_click(const val& event) {
  if (val cmd = cmweb::closest_with_attr(event, "data-command"); !cmd.isUndefined()) {
    const std::string command = cmweb::get_attr(cmd, "data-command");
    if (command == "help") open_help();
    else if (command == "close-help") close_help();
    else if (command == "sign-out") sign_out();
    else if (command == "filter-clear") clear_filter_form();
    else if (command == "older") load_queue(true);
    else if (command == "audit-older") load_audit(true);
    else if (command == "filters-save") save_filters();
    else if (command == "filters-revert") revert_filters();
    else if (command == "select-all") toggle_select_all();
    else if (command == "unban") unban(cmweb::get_attr(cmd, "data-poster"));
    return;
  }
  if (val tab = cmweb::closest_with_attr(event, "data-panel"); !tab.isUndefined()) {
    const std::string name = cmweb::get_attr(tab, "data-panel");
    select_panel(name == "filters" ? Panel::filters
                 : name == "audit" ? Panel::audit
                 : name == "bans"  ? Panel::bans
                                   : Panel::queues);
    return;
  }
  if (val tab = cmweb::closest_with_attr(event, "data-queue"); !tab.isUndefined()) {
    const std::string name = cmweb::get_attr(tab, "data-queue");
    for (Queue q : all_queues) {
      if (wire_name(q) == name) select_queue(q);
    }
    return;
  }
  if (val button = cmweb::closest_with_attr(event, "data-act"); !button.isUndefined()) {
    const std::string name = cmweb::get_attr(button, "data-act");
    if (name == "approve") act(Action::approve);
    else if (name == "reject") act(Action::reject);
    else if (name == "delete") act(Action::remove);
    else if (name == "pin") act(Action::pin_toggle);
    else if (name == "ban") act(Action::ban);
    return;
  }
  if (val check = cmweb::closest_with_attr(event, "data-select"); !check.isUndefined()) {
    const std::string id = cmweb::get_attr(check, "data-select");
    const auto value = std::strtoll(id.c_str(), nullptr, 10);
    model_.queue().toggle_selected(value);
    model_.queue().set_cursor(value);
    disarm_ban();
    render_queue();
    return;
  }
  if (val item = cmweb::closest_with_attr(event, "data-id"); !item.isUndefined()) {
    // A click on a comment makes it the current one (links inside still work).
    model_.queue().set_cursor(std::strtoll(cmweb::get_attr(item, "data-id").c_str(), nullptr, 10));
    disarm_ban();
    render_queue();
  }
}

void Console::on_keydown(const val& event) {
  if (event["ctrlKey"].as<bool>() || event["metaKey"].as<bool>() || event["altKey"].as<bool>()) return;
  const std::string key = event["key"].isString() ? event["key"].as<std::string>() : std::string();
  const bool help_open = !help_el_["hidden"].as<bool>();
  if (help_open) {
    if (key == "Escape" || key == "?") {
      event.call<void>("preventDefault");
      close_help();
    } else if (key == "Tab") {
      // The dialog has one control: keep the focus inside it.
      event.call<void>("preventDefault");
      help_close_el_.call<void>("focus");
    }
    return;
  }
  val target = event["target"];
  // Tab lists follow the ARIA pattern: arrows (and Home/End) move between tabs.
  if (cmweb::get_attr(target, "role") == "tab" &&
      (key == "ArrowLeft" || key == "ArrowRight" || key == "Home" || key == "End")) {
    val tabs = target["parentNode"].call<val>("querySelectorAll", js_string("[role=tab]"));
    const int count = tabs["length"].as<int>();
    int index = 0;
    for (int i = 0; i < count; ++i) {
      if (tabs[i].strictlyEquals(target)) index = i;
    }
    if (key == "ArrowLeft") index = (index + count - 1) % count;
    else if (key == "ArrowRight") index = (index + 1) % count;
    else if (key == "Home") index = 0;
    else index = count - 1;
    event.call<void>("preventDefault");
    tabs[index].call<void>("focus");
    tabs[index].call<void>("click");
    return;
  }
  if (!signed_in_ || panel_ != Panel::queues) return;
  // Typing in a field is typing, not a command.
  const std::string tag = target["tagName"].isString() ? target["tagName"].as<std::string>() : "";
  const std::string input_type = tag == "INPUT" ? cmweb::get_attr(target, "type") : "";
  const bool typing = (tag == "INPUT" && input_type != "checkbox" && input_type != "radio" &&
                       input_type != "button" && input_type != "submit") ||
                      tag == "TEXTAREA" || tag == "SELECT" || target["isContentEditable"].isTrue();
  if (typing) {
    if (key == "Escape" && tag == "INPUT") target.call<void>("blur");
    return;
  }
  bool handled = true;
  if (key == "j" || key == "ArrowDown") move_cursor(1);
  else if (key == "k" || key == "ArrowUp") move_cursor(-1);
  else if (key == "a") act(Action::approve);
  else if (key == "r") act(Action::reject);
  else if (key == "d") act(Action::remove);
  else if (key == "p") act(Action::pin_toggle);
  else if (key == "b") act(Action::ban);
  else if (key == "x") {
    if (const comments::Comment* c = model_.queue().current()) {
      model_.queue().toggle_selected(c->id);
      disarm_ban();
      render_queue();
      focus_cursor();
    }
  } else if (key == "/") {
    text_filter_el_.call<void>("focus");
  } else if (key == "?") {
    open_help();
  } else if (key == "Escape") {
    if (!model_.ban_armed()) model_.queue().clear_selection();
    disarm_ban();
    render_queue();
  } else {
    handled = false;
  }
  if (handled) event.call<void>("preventDefault");
}

void Console::open_help() {
  help_return_focus_ = document_["activeElement"];
  cmweb::set_hidden(help_el_, false);
  help_close_el_.call<void>("focus");
}

void Console::close_help() {
  cmweb::set_hidden(help_el_, true);
  if (!help_return_focus_.isUndefined() && !help_return_focus_.isNull()) {
    help_return_focus_.call<void>("focus");
  }
}

void Console::announce(const std::string& message) {
  set_text(live_el_, "");
  set_text(live_el_, message);
}

void Console::show_alert(const std::string& message) {
  set_text(alert_el_, message);
  cmweb::set_hidden(alert_el_, message.empty());
}

std::string Console::error_text(const json& reply) const {
  return std::string(cmweb::tr(config_.lang, cmweb::error_message_for(json_string(reply, "code"))));
}

void Console::on_event(const json& event) {
  const std::string type = json_string(event, "type");
  if (type == "queued") {
    if (auto c = json_comment(event, "comment")) on_queued(*c);
  } else if (type == "edited") {
    if (auto c = json_comment(event, "comment")) on_edited(*c);
  } else if (type == "audited") {
    auto it = event.find("entry");
    if (it != event.end() && it->is_object()) on_audited(*it);
  }
}

}  // namespace cmmod

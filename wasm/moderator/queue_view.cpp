// The queue panel of the Console: status tabs, filters, the list with its
// cursor and selection, and the actions.
#include <algorithm>
#include <memory>

#include <emscripten/html5.h>

#include "comments/filter.hpp"
#include "comments/limits.hpp"
#include "comments/text.hpp"
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
using comments::Comment;
using comments::Status;
using nlohmann::json;

namespace {

constexpr int page_size = comments::limits::default_queue_limit;

M queue_label(Queue q) {
  switch (q) {
    case Queue::pending: return M::queue_pending;
    case Queue::flagged: return M::queue_flagged;
    case Queue::published: return M::queue_published;
    case Queue::rejected: return M::queue_rejected;
    case Queue::deleted: return M::queue_deleted;
    case Queue::all: return M::queue_all;
  }
  return M::queue_all;
}

M status_label(Status s) {
  switch (s) {
    case Status::published: return M::status_published;
    case Status::pending: return M::status_pending;
    case Status::rejected: return M::status_rejected;
    case Status::deleted: return M::status_deleted;
  }
  return M::status_pending;
}

}  // namespace

val Console::build_queue_panel() {
  val panel = make_element(document_, "section", "mod-panel mod-queues");

  val tabs = make_element(document_, "div", "mod-queue-tabs");
  set_attr(tabs, "role", "tablist");
  set_attr(tabs, "aria-label", t(M::queue_tabs_label));
  for (Queue q : all_queues) {
    val tab = make_element(document_, "button", "mod-queue-tab");
    set_attr(tab, "type", "button");
    set_attr(tab, "role", "tab");
    set_attr(tab, "aria-controls", "mod-list");
    set_attr(tab, "data-queue", wire_name(q));
    val name = make_element(document_, "span", "mod-queue-name");
    set_text(name, t(queue_label(q)));
    append(tab, name);
    if (q == Queue::pending || q == Queue::flagged) {
      val total = make_element(document_, "span", "mod-total");
      cmweb::set_hidden(total, true);
      append(tab, total);
      queue_totals_.emplace(q, total);
      val badge = make_element(document_, "span", "mod-badge-count");
      cmweb::set_hidden(badge, true);
      append(tab, badge);
      queue_badges_.emplace(q, badge);
    }
    append(tabs, tab);
    queue_tabs_.emplace(q, tab);
  }
  append(panel, tabs);

  val filters = make_element(document_, "form", "mod-filters");
  set_attr(filters, "role", "search");
  thread_filter_el_ = labelled_input(filters, "mod-filter-thread", M::filter_thread, "text");
  author_filter_el_ = labelled_input(filters, "mod-filter-author", M::filter_author, "text");
  text_filter_el_ = labelled_input(filters, "mod-filter-text", M::filter_text, "search");
  set_attr(text_filter_el_, "aria-keyshortcuts", "/");
  val apply = make_element(document_, "button", "mod-button");
  set_attr(apply, "type", "submit");
  set_text(apply, t(M::filter_apply));
  append(filters, apply);
  val clear = make_element(document_, "button", "mod-button mod-quiet");
  set_attr(clear, "type", "button");
  set_attr(clear, "data-command", "filter-clear");
  set_text(clear, t(M::filter_clear));
  append(filters, clear);
  append(panel, filters);
  listener_ids_.push_back(cmweb::add_listener(filters, "submit", [this](const val& e) {
    e.call<void>("preventDefault");
    apply_filter_form();
  }));

  val toolbar = make_element(document_, "div", "mod-toolbar");
  set_attr(toolbar, "role", "toolbar");
  set_attr(toolbar, "aria-label", t(M::actions_label));
  val select_all_label = make_element(document_, "label", "mod-select-all");
  select_all_el_ = make_element(document_, "input", "mod-check");
  set_attr(select_all_el_, "type", "checkbox");
  set_attr(select_all_el_, "data-command", "select-all");
  append(select_all_label, select_all_el_);
  val select_all_text = make_element(document_, "span");
  set_text(select_all_text, t(M::select_all));
  append(select_all_label, select_all_text);
  append(toolbar, select_all_label);
  selected_el_ = make_element(document_, "span", "mod-selected-count");
  append(toolbar, selected_el_);
  const struct {
    const char* act;
    M label;
    const char* key;
  } buttons[] = {{"approve", M::act_approve, "a"}, {"reject", M::act_reject, "r"},
                 {"delete", M::act_delete, "d"},   {"pin", M::act_pin_toggle, "p"},
                 {"ban", M::act_ban, "b"}};
  for (const auto& b : buttons) {
    val button = make_element(document_, "button", std::string("mod-button mod-act-") + b.act);
    set_attr(button, "type", "button");
    set_attr(button, "data-act", b.act);
    set_attr(button, "aria-keyshortcuts", b.key);
    val label = make_element(document_, "span", "mod-act-label");
    set_text(label, t(b.label));
    append(button, label);
    val kbd = make_element(document_, "kbd");
    set_attr(kbd, "aria-hidden", "true");
    set_text(kbd, b.key);
    append(button, kbd);
    append(toolbar, button);
    if (std::string_view(b.act) == "ban") ban_button_el_ = label;
  }
  // What a ban asks for besides its target: how long, and why (optional).
  ban_duration_el_ = labelled_control(toolbar, "mod-ban-duration", M::ban_duration_label, "select",
                                      "mod-field mod-ban-field", "mod-input");
  const std::pair<const char*, M> durations[] = {
      {"1d", M::dur_1d}, {"7d", M::dur_7d}, {"permanent", M::dur_permanent}};
  for (const auto& [value, label] : durations) {
    val option = make_element(document_, "option");
    set_attr(option, "value", value);
    set_text(option, t(label));
    append(ban_duration_el_, option);
  }
  cmweb::set_value(ban_duration_el_, "permanent");
  ban_reason_el_ = labelled_input(toolbar, "mod-ban-reason", M::ban_reason_label, "text");
  set_attr(ban_reason_el_, "maxlength", std::to_string(comments::limits::max_ban_reason_chars));
  toolbar_status_el_ = make_element(document_, "p", "mod-toolbar-status");
  set_attr(toolbar_status_el_, "role", "status");
  append(toolbar, toolbar_status_el_);
  append(panel, toolbar);

  list_el_ = make_element(document_, "ol", "mod-list");
  set_attr(list_el_, "id", "mod-list");
  set_attr(list_el_, "aria-label", t(M::list_label));
  append(panel, list_el_);
  queue_empty_el_ = make_element(document_, "p", "mod-empty");
  append(panel, queue_empty_el_);
  older_el_ = make_element(document_, "button", "mod-button mod-older");
  set_attr(older_el_, "type", "button");
  set_attr(older_el_, "data-command", "older");
  set_text(older_el_, t(M::load_older));
  cmweb::set_hidden(older_el_, true);
  append(panel, older_el_);
  render_tabs();
  render_toolbar();
  return panel;
}

void Console::select_queue(Queue queue) {
  model_.select_queue(queue);
  load_queue(false);
}

void Console::apply_filter_form() {
  QueueFilter f;
  f.thread = std::string(comments::text::trim(cmweb::get_value(thread_filter_el_)));
  f.author = std::string(comments::text::trim(cmweb::get_value(author_filter_el_)));
  f.text = std::string(comments::text::trim(cmweb::get_value(text_filter_el_)));
  model_.set_filter(std::move(f));
  load_queue(false);
}

void Console::clear_filter_form() {
  cmweb::set_value(thread_filter_el_, "");
  cmweb::set_value(author_filter_el_, "");
  cmweb::set_value(text_filter_el_, "");
  apply_filter_form();
}

void Console::load_queue(bool older) {
  if (!signed_in_) return;
  if (!older) {
    model_.reload();
  } else if (queue_loading_ || model_.queue().at_end()) {
    return;
  }
  const std::uint64_t generation = ++queue_generation_;
  json message = {{"type", "queue"}, {"status", wire_name(model_.queue().queue())}, {"limit", page_size}};
  const QueueFilter& f = model_.queue().filter();
  if (!f.thread.empty()) message["thread"] = f.thread;
  if (!f.author.empty()) message["author"] = f.author;
  if (!f.text.empty()) message["text"] = f.text;
  if (older) {
    if (auto oldest = model_.queue().oldest_id()) message["before"] = *oldest;
  }
  queue_loading_ = connection_.request(std::move(message), [this, generation](const json& reply) {
    if (generation != queue_generation_) return;  // a newer query replaced this one
    queue_loading_ = false;
    if (json_string(reply, "type") != "queue") {
      if (json_string(reply, "code") != "offline") show_alert(error_text(reply));
      render_queue();
      return;
    }
    show_alert("");
    remember_contexts(reply);
    auto items = json_comments(reply, "items");
    for (const Comment& c : items) model_.remember(c);
    model_.queue().append_page(items, page_size);
    render_queue();
  });
  render_queue();
}

void Console::render_tabs() {
  for (auto& [q, tab] : queue_tabs_) {
    const bool active = q == model_.queue().queue();
    set_attr(tab, "aria-selected", active ? "true" : "false");
  }
  for (auto& [q, total] : queue_totals_) {
    const auto it = totals_.find(q);
    cmweb::set_hidden(total, it == totals_.end());
    if (it == totals_.end()) continue;
    set_text(total, std::to_string(it->second));
    set_attr(total, "aria-label", fill_in(t(M::queue_total), "n", static_cast<long long>(it->second)));
  }
  for (auto& [q, badge] : queue_badges_) {
    const int count = model_.new_count(q);
    cmweb::set_hidden(badge, count == 0);
    set_text(badge, std::to_string(count));
    set_attr(badge, "aria-label", fill_in(t(M::new_count), "n", count));
  }
}

void Console::render_toolbar() {
  const auto selected = static_cast<long long>(model_.queue().selected_count());
  set_text(selected_el_, selected > 0 ? fill_in(t(M::selected_count), "n", selected) : "");
  select_all_el_.set("checked", model_.queue().all_selected());
  set_text(ban_button_el_, t(model_.ban_armed() ? M::act_ban_confirm : M::act_ban));
  if (model_.ban_armed()) {
    const auto targets = model_.queue().targets();
    const auto count = static_cast<long long>(targets.size());
    std::string prompt =
        count == 1 ? std::string(t(M::ban_confirm_one)) : fill_in(t(M::ban_confirm_prompt), "n", count);
    // What the ban keys on: each poster's short address hash, never the address.
    std::string keys;
    for (const Comment& c : targets) {
      const auto it = contexts_.find(c.id);
      const std::string key = it == contexts_.end() ? std::string() : json_string(it->second, "poster");
      if (key.empty() || keys.find(key) != std::string::npos) continue;
      if (!keys.empty()) keys += ", ";
      keys += key;
    }
    if (!keys.empty()) prompt += " " + fill_in(t(M::ban_key), "key", keys);
    set_text(toolbar_status_el_, prompt);
  }
}

val Console::render_item(const Comment& c) {
  const bool current = model_.queue().cursor_id() == c.id;
  const bool selected = model_.queue().is_selected(c.id);
  std::string cls = "mod-item mod-status-" + std::string(comments::to_string(c.status));
  if (current) cls += " mod-current";
  if (selected) cls += " mod-selected";
  if (model_.is_fresh(c.id)) cls += " mod-fresh";
  val li = make_element(document_, "li", cls);
  set_attr(li, "id", "mod-c-" + std::to_string(c.id));
  set_attr(li, "data-id", std::to_string(c.id));
  set_attr(li, "tabindex", current ? "0" : "-1");
  if (current) set_attr(li, "aria-current", "true");

  val check = make_element(document_, "input", "mod-check");
  set_attr(check, "type", "checkbox");
  set_attr(check, "data-select", std::to_string(c.id));
  set_attr(check, "aria-label", fill_in(t(M::select_comment), "id", c.id));
  check.set("checked", selected);
  append(li, check);

  val main = make_element(document_, "div", "mod-item-main");
  val meta = make_element(document_, "div", "mod-meta");
  val author = make_element(document_, "span", "mod-author");
  set_text(author, c.author);
  append(meta, author);
  val status = make_element(document_, "span", "mod-status");
  set_text(status, t(status_label(c.status)));
  append(meta, status);
  if (c.pinned) {
    val pinned = make_element(document_, "span", "mod-tag mod-tag-pinned");
    set_text(pinned, t(M::badge_pinned));
    append(meta, pinned);
  }
  if (c.flags > 0) {
    val flags = make_element(document_, "span", "mod-tag mod-tag-flags");
    set_text(flags, fill_in(t(M::badge_flags), "n", c.flags));
    append(meta, flags);
  }
  append_edited_mark(meta, c);
  if (model_.poster_banned(c.id)) {
    val banned = make_element(document_, "span", "mod-tag mod-tag-banned");
    set_text(banned, t(M::badge_banned));
    append(meta, banned);
  }
  val id = make_element(document_, "span", "mod-id");
  set_text(id, "#" + std::to_string(c.id));
  append(meta, id);
  const auto context_it = contexts_.find(c.id);
  const json* context = context_it == contexts_.end() ? nullptr : &context_it->second;
  // The article's title and link where its pages gave them; else the key.
  const std::string title = context ? json_string(*context, "title") : std::string();
  const std::string url = context ? json_string(*context, "url") : std::string();
  val thread = make_element(document_, url.empty() ? "span" : "a", "mod-thread");
  set_text(thread, title.empty() ? c.thread : title);
  if (!title.empty()) set_attr(thread, "title", c.thread);
  if (!url.empty()) {
    set_attr(thread, "href", url);  // the server accepts http(s) links only
    set_attr(thread, "target", "_blank");
    set_attr(thread, "rel", "noopener noreferrer");
  }
  append(meta, thread);
  if (c.parent) {
    val parent = make_element(document_, "span", "mod-parent");
    set_text(parent, fill_in(t(M::reply_to), "id", *c.parent));
    append(meta, parent);
  }
  val time = make_element(document_, "time", "mod-time");
  set_attr(time, "datetime", cmweb::iso_utc(c.created));
  set_text(time, cmweb::relative_time(config_.lang, c.created,
                                      static_cast<std::int64_t>(emscripten_date_now()),
                                      utc_offset_minutes_));
  append(meta, time);
  append(main, meta);
  render_context(main, c, context);
  append(li, main);
  return li;
}

void Console::render_queue() {
  const bool focus_in_list = list_el_.call<bool>("contains", document_["activeElement"]);
  cmweb::remove_children(list_el_);
  for (const Comment& c : model_.queue().items()) append(list_el_, render_item(c));
  const bool empty = model_.queue().items().empty();
  cmweb::set_hidden(queue_empty_el_, !empty && !queue_loading_);
  set_text(queue_empty_el_, t(queue_loading_ ? M::loading : M::queue_empty));
  cmweb::set_hidden(older_el_, empty || model_.queue().at_end());
  if (!model_.ban_armed()) set_text(toolbar_status_el_, "");
  render_tabs();
  render_toolbar();
  if (focus_in_list) focus_cursor();
}

void Console::focus_cursor() {
  if (!model_.queue().cursor_id()) return;
  val el = document_.call<val>("getElementById", cmweb::js_string("mod-c-" + std::to_string(*model_.queue().cursor_id())));
  if (el.isNull()) return;
  el.call<void>("focus", val::object());
  val options = val::object();
  options.set("block", "nearest");
  el.call<void>("scrollIntoView", options);
}

void Console::refresh_times() {
  const auto now = static_cast<std::int64_t>(emscripten_date_now());
  for (const Comment& c : model_.queue().items()) {
    val time = document_.call<val>("querySelector",
                                   cmweb::js_string("#mod-c-" + std::to_string(c.id) + " time"));
    if (time.isNull()) continue;
    set_text(time, cmweb::relative_time(config_.lang, c.created, now, utc_offset_minutes_));
  }
}

void Console::on_clock_tick(void* self) { static_cast<Console*>(self)->refresh_times(); }

void Console::move_cursor(int delta) {
  model_.queue().move_cursor(delta);
  // Reaching the last loaded comment fetches the next page.
  if (delta > 0 && !model_.queue().items().empty() && model_.queue().cursor_id() == model_.queue().items().back().id) {
    load_queue(true);
  }
  disarm_ban();
  render_queue();
  focus_cursor();
}

void Console::disarm_ban() {
  if (!model_.disarm_ban()) return;
  set_text(toolbar_status_el_, "");
  render_toolbar();
}

void Console::act(Action action) {
  if (action != Action::ban) disarm_ban();
  switch (model_.begin_action(action)) {
    case ActionStep::nothing_selected:
      set_text(toolbar_status_el_, t(M::nothing_selected));
      return;
    case ActionStep::armed:
      render_toolbar();
      return;
    case ActionStep::send:
      break;
  }
  const std::vector<Comment> targets = model_.queue().targets();
  if (action == Action::ban) {
    run_ban(targets);
    return;
  }
  const M label = action == Action::approve  ? M::act_approve
                  : action == Action::reject ? M::act_reject
                  : action == Action::remove ? M::act_delete
                                             : M::act_pin_toggle;
  send_batch(
      targets,
      [action](const Comment& c) {
        return json{{"type", "moderate"}, {"id", c.id}, {"action", wire_action(action, c)}};
      },
      label,
      [this](std::int64_t id, const json& reply) {
        const bool ok = json_string(reply, "type") == "ok" &&
                        model_.moderated(json_comment(reply, "comment"));
        if (ok) audit_.expect_comment(id);
        return ok;
      },
      [this, label](int done) {
        return fill_in(fill_in(t(M::done), "action", t(label)), "n", static_cast<long long>(done));
      });
}

void Console::run_ban(const std::vector<Comment>& targets) {
  const std::string duration = cmweb::get_value(ban_duration_el_);
  const std::string reason(comments::text::trim(cmweb::get_value(ban_reason_el_)));
  send_batch(
      targets,
      [duration, reason](const Comment& c) {
        json message = {{"type", "ban"}, {"id", c.id}};
        if (!duration.empty()) message["duration"] = duration;
        if (!reason.empty()) message["reason"] = reason;
        return message;
      },
      M::act_ban,
      [this](std::int64_t id, const json& reply) {
        if (json_string(reply, "type") != "ok") return false;
        model_.banned(id);
        audit_.expect_comment(id);
        return true;
      },
      [this](int done) {
        return done == 1 ? std::string(t(M::banned_one))
                         : fill_in(t(M::banned_done), "n", static_cast<long long>(done));
      });
}

void Console::send_batch(const std::vector<Comment>& targets,
                         const std::function<json(const Comment&)>& message_for, M label,
                         std::function<bool(std::int64_t, const json&)> accept,
                         std::function<std::string(int)> summary_of) {
  auto batch = std::make_shared<ActionBatch>();
  for (const Comment& c : targets) {
    const std::int64_t id = c.id;
    const bool sent = connection_.request(
        message_for(c), [this, batch, id, label, accept, summary_of](const json& reply) {
          const bool ok = accept(id, reply);
          const bool last = batch->reply(
              ok, ok ? std::string()
                     : fill_in(fill_in(fill_in(t(M::failed), "action", t(label)), "id", id), "reason",
                               error_text(reply)));
          if (!last) return;
          const std::string summary = summary_of(batch->done());
          announce(summary);
          show_alert(batch->failures());
          render_queue();
          set_text(toolbar_status_el_, summary);
        });
    if (sent) {
      batch->sent();
    } else {
      show_alert(std::string(cmweb::tr(config_.lang, cmweb::Msg::err_offline)));
      break;
    }
  }
  model_.queue().clear_selection();
  render_queue();
}

void Console::on_queued(const Comment& c) {
  if (model_.on_queued(c, signed_in_ && panel_ == Panel::queues)) {
    announce(fill_in(t(M::new_arrival), "name", c.author));
  }
  render_queue();
  if (panel_ == Panel::filters) render_preview();
  // The event carries the comment alone: its context (why it is held, the
  // reports' reasons) comes with the comment read again.
  refetch(c.id);
}

void Console::on_edited(const Comment& c) {
  if (model_.on_edited(c)) announce(fill_in(t(M::edited_by_author), "id", c.id));
  render_queue();
  if (panel_ == Panel::filters) render_preview();
}

void Console::append_edited_mark(val& parent, const Comment& c) {
  const auto mark = edited_mark(config_.lang, c, utc_offset_minutes_);
  if (!mark) return;
  val el = make_element(document_, "span", "mod-tag mod-tag-edited");
  set_text(el, mark->label);
  set_attr(el, "title", mark->title);
  append(parent, el);
}

// One comment as it is now: the newest comment with an id below id + 1.
void Console::refetch(std::int64_t id) {
  json message = {{"type", "queue"}, {"status", "all"}, {"before", id + 1}, {"limit", 1}};
  connection_.request(std::move(message), [this, id](const json& reply) {
    remember_contexts(reply);
    for (const Comment& c : json_comments(reply, "items")) {
      if (c.id != id) continue;
      model_.remember(c);
      if (model_.queue().apply(c)) announce(fill_in(t(M::changed_elsewhere), "id", id));
      render_queue();
    }
  });
}

void Console::remember_contexts(const json& reply) {
  if (auto counts = reply.find("counts"); counts != reply.end() && counts->is_object()) {
    if (auto n = json_int(*counts, "pending")) totals_[Queue::pending] = *n;
    if (auto n = json_int(*counts, "flagged")) totals_[Queue::flagged] = *n;
  }
  auto items = reply.find("items");
  if (items == reply.end() || !items->is_array()) return;
  for (const json& item : *items) {
    const auto id = json_int(item, "id");
    auto context = item.find("context");
    if (id && context != item.end() && context->is_object()) contexts_[*id] = *context;
  }
}

std::string Console::reason_label(const std::string& reason) const {
  if (reason == "spam") return std::string(t(M::reason_spam));
  if (reason == "abuse") return std::string(t(M::reason_abuse));
  if (reason == "illegal") return std::string(t(M::reason_illegal));
  if (reason == "other") return std::string(t(M::reason_other));
  if (reason.empty()) return std::string(t(M::reason_none));
  return reason;  // a reason in the reader's own words, as text
}

void Console::render_context(val& main, const Comment& c, const json* context) {
  std::string word;
  if (context) {
    auto held = context->find("held");
    if (held != context->end() && held->is_object()) {
      const std::string why = json_string(*held, "why");
      std::string line;
      if (why == "word") {
        word = json_string(*held, "word");
        line = fill_in(t(M::held_word), "w", word);
      } else if (why == "links") {
        line = fill_in(t(M::held_links), "n", static_cast<long long>(json_int(*held, "links").value_or(0)));
      } else if (why == "premoderate") {
        line = t(M::held_premoderate);
      }
      if (!line.empty()) {
        val el = make_element(document_, "p", "mod-why mod-why-" + why);
        set_text(el, line);
        append(main, el);
      }
    }
    auto reasons = context->find("reasons");
    if (reasons != context->end() && reasons->is_array() && !reasons->empty()) {
      std::string list;
      for (const json& r : *reasons) {
        if (!list.empty()) list += config_.lang == cmweb::Lang::zh_CN ? "，" : ", ";
        list += reason_label(json_string(r, "reason")) + " ×" + std::to_string(json_int(r, "count").value_or(0));
      }
      val el = make_element(document_, "p", "mod-reasons");
      set_text(el, fill_in(t(M::flag_reasons), "list", list));
      append(main, el);
    }
    auto parent = context->find("parent");
    if (parent != context->end() && parent->is_object()) {
      val quote = make_element(document_, "blockquote", "mod-parent-text");
      val who = make_element(document_, "span", "mod-parent-author");
      set_text(who, fill_in(t(M::reply_quote), "name", json_string(*parent, "author")));
      append(quote, who);
      val text = make_element(document_, "span");
      set_text(text, json_string(*parent, "body"));
      append(quote, text);
      append(main, quote);
    }
  }
  // Plain text, never HTML; CSS keeps its line breaks. The text the held
  // word matched (folded as the server folds) is marked.
  val body = make_element(document_, "div", "mod-body");
  const auto hit = word.empty() ? std::nullopt : comments::find_folded(c.body, word);
  if (!hit) {
    set_text(body, c.body);
  } else {
    const auto piece = [&](std::string_view tag, std::size_t from, std::size_t to) {
      val el = make_element(document_, tag, tag == "mark" ? "mod-match" : "");
      set_text(el, c.body.substr(from, to - from));
      append(body, el);
    };
    piece("span", 0, hit->first);
    piece("mark", hit->first, hit->second);
    piece("span", hit->second, c.body.size());
  }
  append(main, body);
}

void Console::toggle_select_all() {
  model_.queue().select_all(!model_.queue().all_selected());
  disarm_ban();
  render_queue();
}

}  // namespace cmmod

#include "widget/moderator_mode.hpp"


#include <emscripten/html5.h>

#include "comments/limits.hpp"
#include "common/dom.hpp"
#include "common/js_message.hpp"
#include "common/relative_time.hpp"
#include "common/session_storage.hpp"

namespace cmwidget {

using comments::Comment;

namespace {

// The few strings of moderator mode (the widget's reader strings stay in
// common/i18n), zh-CN then en.
enum Text : int {
  held_title,      // {n}
  held_note,
  approve,
  reject,
  remove,
  pin,
  unpin,
  approve_flags,   // {n}
  action_on,       // {action} {name}
  pending_state,
  text_count
};
constexpr std::string_view texts[text_count][2] = {
    {"待审核评论（{n}，仅审核员可见）", "Held for review ({n}, visible to moderators only)"},
    {"你已在审核台登录，本页处于审核模式。", "You are signed in to the moderation console: this page is in moderator mode."},
    {"通过", "Approve"},
    {"拒绝", "Reject"},
    {"删除", "Delete"},
    {"置顶", "Pin"},
    {"取消置顶", "Unpin"},
    {"通过（举报 {n}）", "Approve ({n} flags)"},
    {"{action}：{name} 的评论", "{action}: comment by {name}"},
    {"待审核", "Pending"},
};

}  // namespace

std::unique_ptr<ModeratorMode> ModeratorMode::from_session(std::string thread, val root) {
  auto token = cmweb::session_storage::get(cmweb::session_storage::moderator_token_key);
  if (!token || token->empty()) return nullptr;
  return std::make_unique<ModeratorMode>(std::move(*token), std::move(thread), std::move(root));
}

std::unique_ptr<WidgetExtension> make_extension(const std::string& thread, val root) {
  return ModeratorMode::from_session(thread, std::move(root));
}

std::string_view ModeratorMode::text(Widget& widget, int index) const {
  return texts[index][widget.lang() == cmweb::Lang::zh_CN ? 0 : 1];
}

void ModeratorMode::add_button(Widget& widget, val parent, std::string_view action, std::int64_t id,
                               std::string_view label, std::string_view accessible_name) {
  val doc = cmweb::owner_document(parent);
  val button = cmweb::make_element(doc, "button", "cm-link-button cm-mod-action");
  cmweb::set_attr(button, "type", "button");
  cmweb::set_attr(button, "data-action", action);
  cmweb::set_attr(button, "data-id", std::to_string(id));
  cmweb::set_attr(button, "aria-label",
                  cmweb::fill_in(cmweb::fill_in(text(widget, action_on), "action", label), "name",
                                 accessible_name));
  cmweb::set_text(button, label);
  cmweb::append(parent, button);
}

void ModeratorMode::decorate(Widget& widget, val actions, const Comment& c) {
  if (!signed_in_) return;
  const std::int32_t flags = held_.flags(c);
  const std::string approve_label =
      flags > 0 ? cmweb::fill_in(text(widget, approve_flags), "n", flags)
                : std::string(text(widget, approve));
  add_button(widget, actions, "mod-approve", c.id, approve_label, c.author);
  add_button(widget, actions, "mod-delete", c.id, text(widget, remove), c.author);
  if (c.pinned) {
    add_button(widget, actions, "mod-unpin", c.id, text(widget, unpin), c.author);
  } else {
    add_button(widget, actions, "mod-pin", c.id, text(widget, pin), c.author);
  }
}

bool ModeratorMode::on_action(Widget& widget, const std::string& action, std::int64_t id) {
  if (!signed_in_ || !action.starts_with("mod-")) return false;
  const std::string wire = action.substr(4);
  if (wire != "approve" && wire != "reject" && wire != "delete" && wire != "pin" && wire != "unpin") {
    return false;
  }
  val message = cmweb::js::message("moderate");
  cmweb::js::set(message, "id", id);
  cmweb::js::set(message, "action", wire);
  const bool sent = widget.connection().request(std::move(message), [this, &widget](const val& reply) {
    if (cmweb::js::text_at(reply, "type") == "ok") {
      // Readers (this widget included) get the server's `update`; only the
      // held list is this mode's own to keep.
      if (auto c = cmweb::js::comment_from(reply["comment"])) apply(widget, *c);
      return;
    }
    widget.show_notice(std::string(cmweb::tr(widget.lang(),
                                             cmweb::error_message_for(cmweb::js::text_at(reply, "code")))),
                       true);
  });
  if (!sent) widget.show_notice(std::string(cmweb::tr(widget.lang(), cmweb::Msg::err_offline)), true);
  return true;
}

void ModeratorMode::on_connected(Widget& widget) {
  val message = cmweb::js::message("auth");
  cmweb::js::set(message, "token", token_);
  widget.connection().request(std::move(message), [this, &widget](const val& reply) {
    const bool was = signed_in_;
    signed_in_ = cmweb::js::text_at(reply, "type") == "ok";
    if (signed_in_) load_held(widget);
    if (signed_in_ != was) {
      render_held(widget);
      widget.render_list();
    }
  });
}

void ModeratorMode::load_held(Widget& widget) {
  val message = cmweb::js::message("queue");
  cmweb::js::set(message, "status", "pending");
  cmweb::js::set(message, "thread", thread_);
  cmweb::js::set(message, "limit", comments::limits::max_queue_limit);
  widget.connection().request(std::move(message), [this, &widget](const val& reply) {
    if (cmweb::js::text_at(reply, "type") != "queue") return;
    held_.reset(cmweb::js::comments_at(reply, "items"));
    render_held(widget);
  });
}

void ModeratorMode::on_event(Widget& widget, const val& event) {
  if (!signed_in_) return;
  const std::string type = cmweb::js::text_at(event, "type");
  if (type == "queued") {
    if (auto c = cmweb::js::comment_from(event["comment"])) apply(widget, *c);
    return;
  }
  // Another moderator acted on a held comment of this thread: fetch it as it
  // is now (readers' `update` events only cover what readers see).
  if (type != "audited") return;
  const auto id = cmweb::js::int_at(event["entry"], "comment");
  if (!id) return;
  if (held_.holds(*id)) refetch(widget, *id);
}

// The newest comment of any status with an id below id + 1: that comment.
void ModeratorMode::refetch(Widget& widget, std::int64_t id) {
  val message = cmweb::js::message("queue");
  cmweb::js::set(message, "status", "all");
  cmweb::js::set(message, "thread", thread_);
  cmweb::js::set(message, "before", id + 1);
  cmweb::js::set(message, "limit", 1);
  widget.connection().request(std::move(message), [this, &widget, id](const val& reply) {
    for (const Comment& c : cmweb::js::comments_at(reply, "items")) {
      if (c.id == id) apply(widget, c);
    }
  });
}

void ModeratorMode::apply(Widget& widget, const Comment& c) {
  if (c.thread != thread_) return;
  const HeldComments::Change change = held_.apply(c);
  if (change.flags) widget.render_list();
  if (change.held) render_held(widget);
}

void ModeratorMode::render_held(Widget& widget) {
  val doc = cmweb::owner_document(root_);
  if (section_.isUndefined()) {
    // The widget's list of published comments: the held ones go right above it.
    val list = root_.call<val>("querySelector", cmweb::js_string("ol.cm-list"));
    if (list.isNull() || list.isUndefined()) return;
    section_ = cmweb::make_element(doc, "section", "cm-mod-held");
    cmweb::set_attr(section_, "aria-labelledby", "cm-mod-held-title");
    held_title_ = cmweb::make_element(doc, "h3", "cm-post-heading");
    cmweb::set_attr(held_title_, "id", "cm-mod-held-title");
    cmweb::append(section_, held_title_);
    val note = cmweb::make_element(doc, "p", "cm-note");
    cmweb::set_text(note, text(widget, held_note));
    cmweb::append(section_, note);
    held_list_ = cmweb::make_element(doc, "ol", "cm-list cm-mod-held-list");
    cmweb::set_attr(held_list_, "aria-labelledby", "cm-mod-held-title");
    cmweb::append(section_, held_list_);
    list["parentNode"].call<void>("insertBefore", section_, list);
  }
  cmweb::set_hidden(section_, !signed_in_);
  cmweb::set_text(held_title_, cmweb::fill_in(text(widget, held_title), "n",
                                              static_cast<long long>(held_.items().size())));
  cmweb::remove_children(held_list_);
  const auto now = static_cast<std::int64_t>(emscripten_date_now());
  const int offset = -val::global("Date").new_().call<int>("getTimezoneOffset");
  for (const Comment& c : held_.items()) {
    val li = cmweb::make_element(doc, "li", "cm-comment cm-pending cm-mod-held-item");
    cmweb::set_attr(li, "data-id", std::to_string(c.id));
    val meta = cmweb::make_element(doc, "div", "cm-meta");
    val author = cmweb::make_element(doc, "span", "cm-author");
    cmweb::set_text(author, c.author);
    cmweb::append(meta, author);
    val state = cmweb::make_element(doc, "span", "cm-state");
    cmweb::set_text(state, text(widget, pending_state));
    cmweb::append(meta, state);
    val time = cmweb::make_element(doc, "time", "cm-time");
    cmweb::set_attr(time, "datetime", cmweb::iso_utc(c.created));
    cmweb::set_text(time, cmweb::relative_time(widget.lang(), c.created, now, offset));
    cmweb::append(meta, time);
    cmweb::append(li, meta);
    val body = cmweb::make_element(doc, "div", "cm-body");
    cmweb::set_text(body, c.body);  // plain text, as everywhere
    cmweb::append(li, body);
    val actions = cmweb::make_element(doc, "div", "cm-actions");
    add_button(widget, actions, "mod-approve", c.id, text(widget, approve), c.author);
    add_button(widget, actions, "mod-reject", c.id, text(widget, reject), c.author);
    add_button(widget, actions, "mod-delete", c.id, text(widget, remove), c.author);
    cmweb::append(li, actions);
    cmweb::append(held_list_, li);
  }
  cmweb::set_hidden(held_list_, held_.items().empty());
}

}  // namespace cmwidget

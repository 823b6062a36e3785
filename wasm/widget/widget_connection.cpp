// The widget's connection glue: the session (common/js_connection) carries
// server frames as JS values; here they are read (common/js_message, types
// checked) into the model's inputs, and the model's requests go out as
// frames. What changed on screen is then the view's (widget_view.cpp).
#include <cmath>
#include <utility>

#include <emscripten/html5.h>

#include "comments/text.hpp"
#include "common/dom.hpp"
#include "common/js_message.hpp"
#include "widget/widget.hpp"

namespace cmwidget {

using cmweb::Msg;
using cmweb::tr;

void Widget::on_connected() {
  set_state("live");
  cmweb::set_text(status_el_, "");
  join();
  if (extension_) extension_->on_connected(*this);
}

void Widget::on_disconnected(double retry_ms) {
  set_state("offline");
  const auto seconds = static_cast<long long>(std::ceil(retry_ms / 1000));
  cmweb::set_text(status_el_,
                  std::string(tr(config_.lang, Msg::offline)) + " " +
                      cmweb::fill_in(tr(config_.lang, Msg::reconnecting_in), "n", seconds));
  refill_in_flight_ = false;
}

void Widget::join() {
  val message = cmweb::js::message("join");
  cmweb::js::set(message, "thread", config_.thread);
  cmweb::js::set(message, "limit", config_.limit);
  // What the page is, for the moderators (optional fields: docs/protocol.md).
  if (!config_.page.isUndefined()) val::global("Object").call<void>("assign", message, config_.page);
  connection_.request(std::move(message), [this](const val& reply) {
    const std::string type = cmweb::js::text_at(reply, "type");
    if (type == "snapshot") {
      handle_snapshot(reply);
    } else if (type == "error" && cmweb::js::text_at(reply, "code") != "offline") {
      show_notice(std::string(tr(config_.lang, cmweb::error_message_for(cmweb::js::text_at(reply, "code")))),
                  true);
    }
  });
}

void Widget::handle_snapshot(const val& snapshot) {
  const comments::Comment* arrived = model_.apply_snapshot(cmweb::js::comments_at(snapshot, "comments"),
                                             cmweb::js::comments_at(snapshot, "pinned"),
                                             cmweb::js::int_at(snapshot, "total").value_or(0));
  cmweb::set_hidden(alert_el_, true);
  // Our post interrupted by the lost connection arrived after all: drop the
  // restored copy if the reader left it as it was.
  if (arrived != nullptr && comments::text::trim(cmweb::get_value(body_el_)) == arrived->body) {
    cmweb::set_value(body_el_, "");
    update_counter();
    set_form_message(std::string(tr(config_.lang, Msg::posted)), false);
  }
  render_list();
  request_refill();
}

void Widget::request_refill() {
  if (refill_in_flight_ || !model_.needs_refill() || !connection_.connected()) return;
  const auto& newest = model_.thread().newest();
  if (newest.empty()) {
    join();
    return;
  }
  val message = cmweb::js::message("more");
  cmweb::js::set(message, "thread", config_.thread);
  cmweb::js::set(message, "before", newest.back().id);
  cmweb::js::set(message, "limit", model_.refill_limit());
  refill_in_flight_ = connection_.request(std::move(message), [this](const val& reply) {
    refill_in_flight_ = false;
    if (cmweb::js::text_at(reply, "type") != "page") return;
    if (!model_.apply_page(cmweb::js::comments_at(reply, "comments"))) return;
    render_list();
    request_refill();
  });
}

void Widget::on_event(const val& event) {
  const std::string type = cmweb::js::text_at(event, "type");
  // `likes` (a like count changed) carries the comment as it is now: applied as an update.
  if (type != "comment" && type != "update" && type != "likes") {
    if (extension_) extension_->on_event(*this, event);
    return;
  }
  auto c = cmweb::js::comment_from(event["comment"]);
  if (!c) return;
  if (model_.apply_event(*c, cmweb::js::int_at(event, "total"))) render_list();
  if (type == "comment" &&
      model_.announces(*c, FilterModule{muted_filter_})) {
    announce(cmweb::fill_in(tr(config_.lang, Msg::new_comment), "name", c->author));
  }
  request_refill();
}

void Widget::flag(std::int64_t id, const std::string& reason) {
  if (model_.is_flagged(id)) return;
  val message = cmweb::js::message("flag");
  cmweb::js::set(message, "id", id);
  cmweb::js::set(message, "reason", reason);
  const bool sent = connection_.request(std::move(message), [this, id](const val& reply) {
    if (cmweb::js::text_at(reply, "type") == "ok") {
      model_.set_flagged(id);
      // Remembered by the loader (localStorage), so a reload still shows it reported.
      if (!config_.report.isUndefined()) config_.report(static_cast<double>(id));
      show_notice(std::string(tr(config_.lang, Msg::report_thanks)), false);
      render_list();
      return;
    }
    show_notice(std::string(tr(config_.lang, cmweb::error_message_for(cmweb::js::text_at(reply, "code")))),
                true);
  });
  if (!sent) show_notice(std::string(tr(config_.lang, Msg::err_offline)), true);
}

bool Widget::send_post(const std::string& author, WidgetModel::OwnPost post) {
  val message = cmweb::js::message("post");
  cmweb::js::set(message, "thread", config_.thread);
  cmweb::js::set(message, "author", author);
  cmweb::js::set(message, "body", post.comment.body);
  if (post.comment.parent) {
    cmweb::js::set(message, "parent", *post.comment.parent);
  } else {
    cmweb::js::set_null(message, "parent");
  }
  const int local_id = post.local_id;
  if (!connection_.request(std::move(message),
                           [this, local_id](const val& reply) { handle_post_reply(local_id, reply); })) {
    return false;
  }
  model_.add_sending(std::move(post));
  return true;
}

void Widget::handle_post_reply(int local_id, const val& reply) {
  if (cmweb::js::text_at(reply, "type") == "ack") {
    if (!config_.own.isUndefined()) config_.own(reply);
    if (model_.post_acked(local_id, cmweb::js::comment_from(reply["comment"]))) {
      set_form_message(std::string(tr(config_.lang, Msg::posted)), false);
    }
    render_list();
    return;
  }
  const std::string code = cmweb::js::text_at(reply, "code");
  std::string body;
  const PostFailure why = model_.post_failed(local_id, code, cmweb::js::int_at(reply, "retry_after_ms"),
                                             static_cast<std::int64_t>(emscripten_date_now()), body);
  if (why == PostFailure::not_ours) return;
  restore_text(body);
  if (why == PostFailure::rate_limited) {
    start_rate_countdown();
  } else {
    set_form_message(std::string(tr(config_.lang, why == PostFailure::interrupted
                                                      ? Msg::post_interrupted
                                                      : cmweb::error_message_for(code))),
                     true);
  }
  render_list();
}

}  // namespace cmwidget

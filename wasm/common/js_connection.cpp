#include "common/js_connection.hpp"

#include <optional>
#include <utility>

#include <emscripten/em_math.h>
#include <emscripten/eventloop.h>

#include "common/js_message.hpp"

namespace cmweb {

using emscripten::val;

JsConnection::JsConnection(std::string ws_url, Handlers handlers)
    : url_(std::move(ws_url)),
      handlers_(std::move(handlers)),
      socket_(WebSocketClient::Handlers{
          [this] {
            backoff_.reset();
            if (handlers_.on_connected) handlers_.on_connected();
          },
          [this](std::string_view text) { handle_text(text); },
          [this](unsigned short) { handle_close(); }}) {}

JsConnection::~JsConnection() {
  if (reconnect_timer_ != 0) emscripten_clear_timeout(reconnect_timer_);
}

void JsConnection::start() {
  if (!socket_.open(url_)) schedule_reconnect();
}

bool JsConnection::request(val message, JsReplyHandler on_reply) {
  if (!socket_.is_open()) return false;
  std::string req = "r" + std::to_string(next_req_++);
  js::set(message, "req", req);
  if (!socket_.send(js::stringify(message))) return false;
  pending_.put(std::move(req), std::move(on_reply));
  return true;
}

void JsConnection::handle_text(std::string_view text) {
  const val message = js::parse(text);
  if (!js::is_object(message)) return;  // not JSON, or not an object: nothing to act on
  if (auto req = js::string_at(message, "req")) {
    if (std::optional<JsReplyHandler> handler = pending_.take(*req)) {
      if (*handler) (*handler)(message);
      return;
    }
  }
  if (handlers_.on_event) handlers_.on_event(message);
}

void JsConnection::handle_close() {
  // Every request still waiting will never be answered on this socket.
  auto waiting = std::move(pending_);
  pending_.clear();
  val offline = js::message("error");
  js::set(offline, "code", "offline");
  for (auto& [req, handler] : waiting) {
    if (handler) handler(offline);
  }
  schedule_reconnect();
}

void JsConnection::schedule_reconnect() {
  if (reconnect_timer_ != 0) emscripten_clear_timeout(reconnect_timer_);
  const double delay = backoff_.next(emscripten_math_random());
  reconnect_timer_ = emscripten_set_timeout(&JsConnection::on_reconnect_timer, delay, this);
  if (handlers_.on_disconnected) handlers_.on_disconnected(delay);
}

void JsConnection::on_reconnect_timer(void* self_ptr) {
  auto* self = static_cast<JsConnection*>(self_ptr);
  self->reconnect_timer_ = 0;
  self->start();
}

std::string websocket_url_for(std::string_view origin) {
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  if (origin.starts_with("https://")) return "wss://" + std::string(origin.substr(8)) + "/ws";
  if (origin.starts_with("http://")) return "ws://" + std::string(origin.substr(7)) + "/ws";
  return {};
}

}  // namespace cmweb

#include "common/connection.hpp"

#include <utility>

#include <emscripten/em_math.h>
#include <emscripten/eventloop.h>

#include "common/json_text.hpp"

namespace cmweb {

using nlohmann::json;

Connection::Connection(std::string ws_url, Handlers handlers)
    : url_(std::move(ws_url)),
      handlers_(std::move(handlers)),
      socket_(WebSocketClient::Handlers{
          [this] {
            backoff_.reset();
            if (handlers_.on_connected) handlers_.on_connected();
          },
          [this](std::string_view text) { handle_text(text); },
          [this](unsigned short) { handle_close(); }}) {}

Connection::~Connection() {
  if (reconnect_timer_ != 0) emscripten_clear_timeout(reconnect_timer_);
}

void Connection::start() {
  if (!socket_.open(url_)) schedule_reconnect();
}

bool Connection::request(json message, ReplyHandler on_reply) {
  if (!socket_.is_open()) return false;
  std::string req = "r" + std::to_string(next_req_++);
  message["req"] = req;
  if (!socket_.send(dump_json_text(message))) return false;
  pending_.emplace(std::move(req), std::move(on_reply));
  return true;
}

void Connection::handle_text(std::string_view text) {
  json message = parse_json_text(text);
  if (message.is_discarded() || !message.is_object()) return;
  auto req = message.find("req");
  if (req != message.end() && req->is_string()) {
    auto it = pending_.find(req->get_ref<const std::string&>());
    if (it != pending_.end()) {
      ReplyHandler handler = std::move(it->second);
      pending_.erase(it);
      if (handler) handler(message);
      return;
    }
  }
  if (handlers_.on_event) handlers_.on_event(message);
}

void Connection::handle_close() {
  // Every request still waiting will never be answered on this socket.
  auto waiting = std::move(pending_);
  pending_.clear();
  const json offline = {{"type", "error"}, {"code", "offline"}};
  for (auto& [req, handler] : waiting) {
    if (handler) handler(offline);
  }
  schedule_reconnect();
}

void Connection::schedule_reconnect() {
  if (reconnect_timer_ != 0) emscripten_clear_timeout(reconnect_timer_);
  const double delay = backoff_.next(emscripten_math_random());
  reconnect_timer_ = emscripten_set_timeout(&Connection::on_reconnect_timer, delay, this);
  if (handlers_.on_disconnected) handlers_.on_disconnected(delay);
}

void Connection::on_reconnect_timer(void* self_ptr) {
  auto* self = static_cast<Connection*>(self_ptr);
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

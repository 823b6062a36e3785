// JsConnection (common/js_connection.hpp) for code that works on nlohmann::json,
// the types of core's protocol code: the moderator console. Messages cross
// into and out of the browser's JSON values here (common/json_text.hpp).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/js_connection.hpp"

namespace cmweb {

// A reply as the server sent it. When the connection drops before the reply
// arrives, the callback gets {"type":"error","code":"offline"} instead (a
// client-side code, never sent by a server).
using ReplyHandler = std::function<void(const nlohmann::json& reply)>;

class Connection {
 public:
  struct Handlers {
    // The socket is open: (re-)join threads, (re-)authenticate, ...
    std::function<void()> on_connected;
    // The socket dropped; a reconnect is scheduled after `retry_ms`.
    std::function<void(double retry_ms)> on_disconnected;
    // A message that is not the reply to one of our requests.
    std::function<void(const nlohmann::json& event)> on_event;
  };

  // `ws_url`: e.g. "ws://127.0.0.1:8080/ws".
  Connection(std::string ws_url, Handlers handlers);

  void start() { connection_.start(); }
  bool connected() const noexcept { return connection_.connected(); }
  const std::string& url() const noexcept { return connection_.url(); }

  // Sends `message` with a fresh `req`; `on_reply` gets the reply. False (and
  // `on_reply` is not called) when offline.
  bool request(const nlohmann::json& message, ReplyHandler on_reply);

 private:
  JsConnection connection_;
};

}  // namespace cmweb

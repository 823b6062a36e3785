// One client session with the comment server over /ws, with messages as the
// browser's own JSON values (common/js_message.hpp): keeps a WebSocket open
// (reconnecting with backoff after a drop or a server restart), numbers the
// requests with `req` and hands each reply to the callback of its request, and
// passes everything else (events) to on_event. The reader's widget uses it
// directly; the moderator console through Connection (nlohmann values).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <emscripten/val.h>

#include "common/backoff.hpp"
#include "common/small_map.hpp"
#include "common/websocket_client.hpp"

namespace cmweb {

// A reply as the server sent it: a JS object. When the connection drops before
// the reply arrives, the callback gets {"type":"error","code":"offline"}
// instead (a client-side code, never sent by a server).
using JsReplyHandler = std::function<void(const emscripten::val& reply)>;

class JsConnection {
 public:
  struct Handlers {
    // The socket is open: (re-)join threads, (re-)authenticate, ...
    std::function<void()> on_connected;
    // The socket dropped; a reconnect is scheduled after `retry_ms`.
    std::function<void(double retry_ms)> on_disconnected;
    // A message that is not the reply to one of our requests: always a JS
    // object (frames that are not JSON objects are dropped).
    std::function<void(const emscripten::val& event)> on_event;
  };

  // `ws_url`: e.g. "ws://127.0.0.1:8080/ws".
  JsConnection(std::string ws_url, Handlers handlers);
  ~JsConnection();
  JsConnection(const JsConnection&) = delete;
  JsConnection& operator=(const JsConnection&) = delete;

  void start();
  bool connected() const noexcept { return socket_.is_open(); }
  const std::string& url() const noexcept { return url_; }

  // Sends `message` (a JS object) with a fresh `req`; `on_reply` gets the
  // reply. False (and `on_reply` is not called) when offline.
  bool request(emscripten::val message, JsReplyHandler on_reply);

 private:
  void handle_text(std::string_view text);
  void handle_close();
  void schedule_reconnect();
  static void on_reconnect_timer(void* self);

  std::string url_;
  Handlers handlers_;
  WebSocketClient socket_;
  Backoff backoff_;
  SmallMap<std::string, JsReplyHandler> pending_;  // by req
  std::uint64_t next_req_ = 1;
  long reconnect_timer_ = 0;
};

// Builds "ws[s]://host[:port]/ws" from an http(s) origin such as
// "https://comments.example.com"; empty when `origin` is not http(s).
std::string websocket_url_for(std::string_view origin);

}  // namespace cmweb

// A thin owner of one browser WebSocket (emscripten/websocket.h) at a time:
// text frames in and out, open/close notifications. Reconnecting and request
// bookkeeping live one level up, in Connection.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace cmweb {

class WebSocketClient {
 public:
  struct Handlers {
    std::function<void()> on_open;
    std::function<void(std::string_view text)> on_text;
    // Called once per socket that had been opened or was trying to open.
    std::function<void(unsigned short code)> on_close;
  };

  explicit WebSocketClient(Handlers handlers);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Opens a new socket to `url` (ws:// or wss://), dropping any previous one
  // silently. False when the browser refused to create it.
  bool open(const std::string& url);
  // Sends one text frame; false when not open.
  bool send(const std::string& text);
  // Closes (code 1000) and forgets the socket without calling on_close.
  void close();
  bool is_open() const noexcept { return open_; }

 private:
  friend struct WebSocketEvents;  // the C callbacks of emscripten/websocket.h
  void drop_socket();

  Handlers handlers_;
  int socket_ = 0;  // 0: none
  bool open_ = false;
};

}  // namespace cmweb

#include "common/websocket_client.hpp"

#include <utility>

#include <emscripten/websocket.h>

namespace cmweb {

struct WebSocketEvents {
  static EM_BOOL on_open(int, const EmscriptenWebSocketOpenEvent* e, void* user_data) {
    auto* self = static_cast<WebSocketClient*>(user_data);
    if (e->socket != self->socket_) return EM_TRUE;
    self->open_ = true;
    if (self->handlers_.on_open) self->handlers_.on_open();
    return EM_TRUE;
  }

  static EM_BOOL on_message(int, const EmscriptenWebSocketMessageEvent* e, void* user_data) {
    auto* self = static_cast<WebSocketClient*>(user_data);
    if (e->socket != self->socket_ || !e->isText || e->numBytes == 0) return EM_TRUE;
    // numBytes counts the terminating NUL of text frames.
    std::string_view text(reinterpret_cast<const char*>(e->data), e->numBytes - 1);
    if (self->handlers_.on_text) self->handlers_.on_text(text);
    return EM_TRUE;
  }

  static EM_BOOL on_close(int, const EmscriptenWebSocketCloseEvent* e, void* user_data) {
    auto* self = static_cast<WebSocketClient*>(user_data);
    if (e->socket != self->socket_) return EM_TRUE;
    const unsigned short code = e->code;
    emscripten_websocket_delete(self->socket_);
    self->socket_ = 0;
    self->open_ = false;
    if (self->handlers_.on_close) self->handlers_.on_close(code);
    return EM_TRUE;
  }
};

WebSocketClient::WebSocketClient(Handlers handlers) : handlers_(std::move(handlers)) {}

WebSocketClient::~WebSocketClient() { close(); }

void WebSocketClient::drop_socket() {
  if (socket_ > 0) {
    // emscripten_websocket_delete detaches the JS handlers, so no callback
    // reaches this object for the old socket afterwards.
    emscripten_websocket_close(socket_, 1000, "");
    emscripten_websocket_delete(socket_);
  }
  socket_ = 0;
  open_ = false;
}

bool WebSocketClient::open(const std::string& url) {
  drop_socket();
  if (!emscripten_websocket_is_supported()) return false;
  EmscriptenWebSocketCreateAttributes attributes;
  emscripten_websocket_init_create_attributes(&attributes);
  attributes.url = url.c_str();
  attributes.protocols = nullptr;
  attributes.createOnMainThread = EM_TRUE;
  const EMSCRIPTEN_WEBSOCKET_T socket = emscripten_websocket_new(&attributes);
  if (socket <= 0) return false;
  socket_ = socket;
  emscripten_websocket_set_onopen_callback(socket, this, &WebSocketEvents::on_open);
  emscripten_websocket_set_onmessage_callback(socket, this, &WebSocketEvents::on_message);
  emscripten_websocket_set_onclose_callback(socket, this, &WebSocketEvents::on_close);
  return true;
}

bool WebSocketClient::send(const std::string& text) {
  if (!open_) return false;
  return emscripten_websocket_send_utf8_text(socket_, text.c_str()) == EMSCRIPTEN_RESULT_SUCCESS;
}

void WebSocketClient::close() { drop_socket(); }

}  // namespace cmweb

#include "common/connection.hpp"

#include <utility>

#include "common/json_text.hpp"

namespace cmweb {

using emscripten::val;

Connection::Connection(std::string ws_url, Handlers handlers)
    : connection_(std::move(ws_url),
                  JsConnection::Handlers{
                      std::move(handlers.on_connected), std::move(handlers.on_disconnected),
                      [on_event = std::move(handlers.on_event)](const val& event) {
                        if (on_event) on_event(json_from_js(event));
                      }}) {}

bool Connection::request(const nlohmann::json& message, ReplyHandler on_reply) {
  return connection_.request(json_to_js(message),
                             [on_reply = std::move(on_reply)](const val& reply) {
                               if (on_reply) on_reply(json_from_js(reply));
                             });
}

}  // namespace cmweb

// The HTTP half of a WebSocket upgrade (RFC 6455, 4.2): checking the
// client's request and writing the 101 answer. The request itself is read by
// Beast's HTTP parser (http_session.cpp), which already saw that it is an
// upgrade (beast::websocket::is_upgrade: GET, HTTP/1.1, Connection: upgrade,
// Upgrade: websocket).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace comments::server::ws {

struct HandshakeRefusal {
  boost::beast::http::status status;  // 400, or 426 for a version we do not speak
  std::string message;
};

// Why the upgrade request cannot be accepted, if it cannot: a missing or
// malformed Sec-WebSocket-Key, or a Sec-WebSocket-Version other than 13.
std::optional<HandshakeRefusal> check_upgrade(
    const boost::beast::http::request<boost::beast::http::string_body>& req);

// base64(SHA-1(key + the RFC's GUID)): the Sec-WebSocket-Accept value.
std::string accept_key(std::string_view client_key);

// The complete "101 Switching Protocols" response for a checked request. No
// subprotocol and no extension is agreed (permessage-deflate is declined:
// comments are short and compression would cost memory per connection).
std::string switching_protocols(std::string_view client_key);

}  // namespace comments::server::ws

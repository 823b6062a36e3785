// The HTTP half of a WebSocket upgrade (RFC 6455, 4.2): checking the
// client's request and writing the 101 answer. The request itself is read by
// Beast's HTTP parser (http_session.cpp), which already saw that it is an
// upgrade (beast::websocket::is_upgrade: GET, HTTP/1.1, Connection: upgrade,
// Upgrade: websocket).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "comments/result.hpp"

namespace comments::server::ws {

// Whether the upgrade request can be accepted: else ws_version_unsupported
// (a Sec-WebSocket-Version other than 13) or ws_key_invalid (a missing or
// malformed Sec-WebSocket-Key).
Result<void> check_upgrade(const boost::beast::http::request<boost::beast::http::string_body>& req);

// The HTTP status that answers a refused upgrade: 426 for a version we do
// not speak, else 400.
boost::beast::http::status refusal_status(ErrorId id) noexcept;

// base64(SHA-1(key + the RFC's GUID)): the Sec-WebSocket-Accept value.
std::string accept_key(std::string_view client_key);

// The complete "101 Switching Protocols" response for a checked request. No
// subprotocol and no extension is agreed (permessage-deflate is declined:
// comments are short and compression would cost memory per connection).
std::string switching_protocols(std::string_view client_key);

}  // namespace comments::server::ws

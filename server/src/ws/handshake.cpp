#include "ws/handshake.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>

namespace comments::server::ws {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

// A key is 16 random bytes in base64: 22 characters and "==".
bool is_valid_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (std::size_t i = 0; i < 22; ++i) {
    if (!is_base64_char(key[i])) return false;
  }
  // The last character before the padding carries only 2 bits of data.
  return std::string_view("AQgw").find(key[21]) != std::string_view::npos;
}

}  // namespace

Result<void> check_upgrade(const http::request<http::string_body>& req) {
  const auto version = req[http::field::sec_websocket_version];
  if (version != "13") {
    return Error{ErrorId::ws_version_unsupported,
                 "unsupported Sec-WebSocket-Version: this server speaks 13"};
  }
  if (!is_valid_key(req[http::field::sec_websocket_key])) {
    return Error{ErrorId::ws_key_invalid, "Sec-WebSocket-Key must be 16 bytes in base64"};
  }
  return {};
}

http::status refusal_status(ErrorId id) noexcept {
  return id == ErrorId::ws_version_unsupported ? http::status::upgrade_required
                                               : http::status::bad_request;
}

std::string accept_key(std::string_view client_key) {
  std::string input(client_key);
  input += websocket_guid;
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
  const int length = EVP_EncodeBlock(encoded.data(), digest.data(), SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(encoded.data()),
                     static_cast<std::size_t>(length));
}

std::string switching_protocols(std::string_view client_key) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Server: comment-server\r\n"
      "Sec-WebSocket-Accept: ";
  response += accept_key(client_key);
  response += "\r\n\r\n";
  return response;
}

}  // namespace comments::server::ws

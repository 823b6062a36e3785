// The upgrade-request checks (ws::check_upgrade) on a request parsed from the
// input by Beast's http::request_parser, when it parses: an accepted request
// must give a 101 answer; a refused one an ErrorId with a refusal status.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ws/handshake.hpp"

namespace http = boost::beast::http;
namespace ws = comments::server::ws;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t at = 0;
  while (at < size && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(data + at, size - at), ec);
    if (ec || used == 0) break;
    at += used;
  }
  if (ec || !parser.is_header_done()) return -1;
  const http::request<http::string_body>& req = parser.get();
  const comments::Result<void> checked = ws::check_upgrade(req);
  if (checked) {
    const auto key = req[http::field::sec_websocket_key];
    const std::string answer = ws::switching_protocols(key);
    if (answer.find("101") == std::string::npos) std::abort();
    if (ws::accept_key(key).size() != 28) std::abort();  // base64 of 20 bytes
  } else {
    const http::status s = ws::refusal_status(checked.error().id);
    if (s != http::status::bad_request && s != http::status::upgrade_required) std::abort();
  }
  return 0;
}

// One plain HTTP connection: static files, /healthz, /embed/latest, and the
// WebSocket upgrade on /ws (Origin checked before the upgrade is accepted;
// a refused Origin gets 403 and the connection never becomes a WebSocket).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/web_files.hpp"
#include "support/registry.hpp"

namespace comments::server {

class HttpContext;
struct EmbedInclude;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  HttpSession(boost::asio::ip::tcp::socket&& socket, HttpContext& context, std::uint64_t conn_id);

  void run();
  // Shutdown: closes the connection, whatever it is doing.
  void stop();

  RegistryHook registry_hook;

 private:
  void read_request();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(Request&& req);
  void upgrade(Request&& req);
  void serve_embed(Request&& req, std::string_view query);
  // An HTML page of the served folder holding /embed/latest includes.
  void serve_page_with_includes(Request&& req, std::string_view path, std::string page,
                                std::vector<EmbedInclude> includes, std::string allow_origin,
                                SecurityHeaders security);
  void send(boost::beast::http::message_generator&& message, bool keep_alive);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void finish();

  // "http", or with --trust-proxy the last X-Forwarded-Proto entry.
  std::string request_scheme(const Request& req) const;
  // The request's Origin when it is present and allowed (the WebSocket rule),
  // for Access-Control-Allow-Origin; empty otherwise.
  std::string cors_origin(const Request& req) const;

  // The client address the contract means: the TCP peer, or with
  // --trust-proxy the last X-Forwarded-For entry.
  std::string client_address(const Request& req) const;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  HttpContext& context_;
  std::uint64_t conn_id_;
};

}  // namespace comments::server

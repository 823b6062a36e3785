#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <charconv>
#include <chrono>
#include <filesystem>

#include "comments/limits.hpp"
#include "comments/text.hpp"
#include "embed.hpp"
#include "log.hpp"
#include "service.hpp"
#include "web_files.hpp"
#include "websocket/handshake.hpp"
#include "ws_session.hpp"

namespace comments::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

constexpr auto request_timeout = std::chrono::seconds(30);
constexpr std::size_t max_header_bytes = 16 * 1024;
constexpr std::size_t max_body_bytes = 16 * 1024;  // we serve GET only; bodies are refused

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Last comma-separated entry of a header value, trimmed.
std::string_view last_entry(std::string_view value) {
  const auto comma = value.rfind(',');
  return trim_ows(comma == std::string_view::npos ? value : value.substr(comma + 1));
}

http::response<http::string_body> text_response(const HttpSession::Request& req,
                                                 http::status status, std::string body,
                                                 std::string_view content_type =
                                                     "text/plain; charset=utf-8") {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::server, "comment-server");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

// Static files change when the site is redeployed, so browsers revalidate
// HTML every time and other assets after five minutes; the ETag makes a
// revalidation a 304 without a body.
std::string_view cache_control_for(std::string_view content_type) {
  return content_type.starts_with("text/html") ? "no-cache" : "public, max-age=300";
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, Service& service, std::uint64_t conn_id)
    : stream_(std::move(socket)), service_(service), conn_id_(conn_id) {}

void HttpSession::run() {
  service_.add_http(*this);
  registered_ = true;
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::read_request, shared_from_this()));
}

void HttpSession::stop() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void HttpSession::read_request() {
  if (service_.shutting_down()) return finish();
  parser_.emplace();
  parser_->header_limit(max_header_bytes);
  parser_->body_limit(max_body_bytes);
  stream_.expires_after(request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return finish();
  if (ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      // Answer once, then drop the connection: the stream is out of step.
      http::response<http::string_body> res{http::status::payload_too_large, 11};
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = "request too large\n";
      res.keep_alive(false);
      res.prepare_payload();
      return send(http::message_generator(std::move(res)), false);
    }
    return finish();
  }
  handle(parser_->release());
}

std::string HttpSession::client_address(const Request& req) const {
  if (service_.trust_proxy()) {
    const auto forwarded = req.find("X-Forwarded-For");
    if (forwarded != req.end()) {
      const auto entry = last_entry(forwarded->value());
      if (!entry.empty()) return std::string(entry);
    }
  }
  beast::error_code ec;
  const auto peer = stream_.socket().remote_endpoint(ec);
  return ec ? std::string("unknown") : peer.address().to_string();
}

std::string HttpSession::request_scheme(const Request& req) const {
  if (service_.trust_proxy()) {
    if (const auto it = req.find("X-Forwarded-Proto"); it != req.end()) {
      const auto proto = last_entry(it->value());
      if (!proto.empty()) return std::string(proto);
    }
  }
  return "http";
}

std::string HttpSession::cors_origin(const Request& req) const {
  const auto it = req.find(http::field::origin);
  if (it == req.end()) return {};
  const std::string_view origin = it->value();
  if (!service_.origins().allows(origin, req[http::field::host], request_scheme(req))) return {};
  return std::string(origin);
}

void HttpSession::handle(Request&& req) {
  const std::string_view target = req.target();
  const auto question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  if (beast::websocket::is_upgrade(req)) {
    if (path == "/ws") return upgrade(std::move(req));
    return send(text_response(req, http::status::not_found, "not found\n"), req.keep_alive());
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = text_response(req, http::status::method_not_allowed, "only GET and HEAD\n");
    res.set(http::field::allow, "GET, HEAD");
    return send(std::move(res), req.keep_alive());
  }
  if (path == "/healthz") {
    return send(text_response(req, http::status::ok, "ok"), req.keep_alive());
  }
  if (path == "/ws") {
    auto res = text_response(req, http::status::upgrade_required, "WebSocket upgrade required\n");
    res.set(http::field::upgrade, "websocket");
    return send(std::move(res), req.keep_alive());
  }
  if (path == "/embed/latest") return serve_embed(std::move(req), query);

  const auto file_path = resolve_web_path(service_.web_root(), path);
  if (!file_path) {
    return send(text_response(req, http::status::not_found, "not found\n"), req.keep_alive());
  }
  std::error_code fs_ec;
  const auto size = std::filesystem::file_size(*file_path, fs_ec);
  const auto mtime = std::filesystem::last_write_time(*file_path, fs_ec);
  if (fs_ec) {
    return send(text_response(req, http::status::not_found, "not found\n"), req.keep_alive());
  }
  const std::string etag = make_etag(
      size, std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count());
  const std::string_view content_type = mime_type(file_path->string());
  // The loader on an allowed page of another origin fetch()es the .wasm and
  // the CSS: those answers need CORS, and caches must key them on Origin.
  const std::string allow_origin = cors_origin(req);
  auto common_headers = [&](auto& res) {
    res.set(http::field::server, "comment-server");
    res.set(http::field::etag, etag);
    res.set(http::field::cache_control, cache_control_for(content_type));
    res.set(http::field::vary, "Origin");
    if (!allow_origin.empty()) res.set(http::field::access_control_allow_origin, allow_origin);
    res.keep_alive(req.keep_alive());
  };

  if (const auto inm = req.find(http::field::if_none_match);
      inm != req.end() && etag_matches(inm->value(), etag)) {
    http::response<http::empty_body> res{http::status::not_modified, req.version()};
    common_headers(res);
    return send(std::move(res), req.keep_alive());
  }

  http::file_body::value_type body;
  beast::error_code open_ec;
  body.open(file_path->c_str(), beast::file_mode::scan, open_ec);
  if (open_ec) {
    return send(text_response(req, http::status::not_found, "not found\n"), req.keep_alive());
  }
  const auto body_size = body.size();
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, req.version()};
    common_headers(res);
    res.set(http::field::content_type, content_type);
    res.content_length(body_size);
    return send(std::move(res), req.keep_alive());
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  common_headers(res);
  res.set(http::field::content_type, content_type);
  res.set("X-Content-Type-Options", "nosniff");
  res.content_length(body_size);
  send(std::move(res), req.keep_alive());
}

void HttpSession::upgrade(Request&& req) {
  std::optional<std::string_view> origin;
  if (const auto it = req.find(http::field::origin); it != req.end()) origin = it->value();
  if (!service_.origins().allows(origin, req[http::field::host], request_scheme(req))) {
    log_info("ws-refused", "conn=" + std::to_string(conn_id_) + " origin=" +
                               log_value(origin.value_or("")));
    auto res = text_response(req, http::status::forbidden, "origin not allowed\n");
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  if (service_.shutting_down()) {
    auto res = text_response(req, http::status::service_unavailable, "shutting down\n");
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  if (const auto refusal = ws::check_upgrade(req)) {
    auto res = text_response(req, refusal->status, refusal->message + "\n");
    if (refusal->status == http::status::upgrade_required) {
      res.set(http::field::sec_websocket_version, "13");
    }
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  const std::string poster = service_.address_key(client_address(req));
  upgraded_ = true;
  stream_.expires_never();
  // Bytes read past the request belong to the WebSocket stream.
  const auto early = buffer_.cdata();
  const std::string early_bytes(static_cast<const char*>(early.data()), early.size());
  buffer_.consume(buffer_.size());
  auto session = std::make_shared<WsSession>(stream_.release_socket(), service_, poster, conn_id_);
  finish();
  session->run(req[http::field::sec_websocket_key], early_bytes);
}

void HttpSession::serve_embed(Request&& req, std::string_view query) {
  auto bad = [&](std::string message) {
    return send(text_response(req, http::status::bad_request, std::move(message) + "\n"),
                req.keep_alive());
  };
  const auto thread = query_param(query, "thread");
  if (!thread) return bad("thread is required: /embed/latest?thread=KEY&limit=N&lang=zh-CN|en");
  if (!text::is_valid_utf8(*thread) || thread->empty() ||
      text::count_code_points(*thread) > limits::max_thread_chars || text::has_control(*thread)) {
    return bad("thread must be 1-200 characters without control characters");
  }
  int limit = limits::default_join_limit;
  if (const auto text = query_param(query, "limit")) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < 1 ||
        value > limits::max_join_limit) {
      return bad("limit must be a whole number from 1 to 50");
    }
    limit = value;
  }
  EmbedLang lang = EmbedLang::zh_cn;
  if (const auto text = query_param(query, "lang"); text && !parse_embed_lang(*text, lang)) {
    return bad("lang must be zh-CN or en");
  }

  // Pages on allowed origins may fetch the fragment from script.
  std::string allow_origin = cors_origin(req);
  service_.embed_latest(
      *thread, limit, lang,
      [self = shared_from_this(), req = std::move(req),
       allow_origin = std::move(allow_origin)](Service::EmbedReply reply) {
        auto res = reply.ok
                       ? text_response(req, http::status::ok, std::move(reply.html),
                                       "text/html; charset=utf-8")
                       : text_response(req, http::status::internal_server_error,
                                       std::move(reply.html) + "\n");
        if (!allow_origin.empty()) {
          res.set(http::field::access_control_allow_origin, allow_origin);
        }
        res.set(http::field::vary, "Origin");
        self->send(std::move(res), req.keep_alive());
      });
}

void HttpSession::send(http::message_generator&& message, bool keep_alive) {
  beast::async_write(stream_, std::move(message),
                     beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                               keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec || !keep_alive) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return finish();
  }
  read_request();
}

void HttpSession::finish() {
  if (registered_) {
    registered_ = false;
    service_.remove_http(*this);
  }
}

}  // namespace comments::server

#include "http/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "http/embed.hpp"
#include "http/embed_query.hpp"
#include "http/http_context.hpp"
#include "http/page_includes.hpp"
#include "http/web_files.hpp"
#include "support/log.hpp"
#include "ws/handshake.hpp"
#include "ws/ws_session.hpp"

namespace comments::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

constexpr auto request_timeout = std::chrono::seconds(30);
// Retry-After of an upgrade refused by a connection limit: when a connection
// ends is unknown; this is a hint, not a promise.
constexpr int connection_retry_after_seconds = 10;
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

// Every answer says nosniff (a browser never guesses a type we did not
// send) and a Referrer-Policy; the pages we ship add their own CSP
// (web_files.hpp, docs/server.md "Security headers").
template <class Response>
void set_security_headers(Response& res, const SecurityHeaders& headers) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", headers.referrer_policy);
  if (!headers.content_security_policy.empty()) {
    res.set("Content-Security-Policy", headers.content_security_policy);
  }
  if (!headers.frame_options.empty()) res.set(http::field::x_frame_options, headers.frame_options);
}

http::response<http::string_body> text_response(const HttpSession::Request& req,
                                                 http::status status, std::string body,
                                                 std::string_view content_type =
                                                     "text/plain; charset=utf-8") {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::server, "comment-server");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  set_security_headers(res, security_headers(PageKind::other));
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

// Size and modification time of a regular file; nullopt when there is none.
struct FileStamp {
  std::uintmax_t size = 0;
  std::filesystem::file_time_type mtime;
};
std::optional<FileStamp> stamp_of(const std::filesystem::path& file) {
  std::error_code ec;
  FileStamp stamp;
  // Not asked when the size failed: a success here would clear that error.
  stamp.size = std::filesystem::file_size(file, ec);
  if (!ec) stamp.mtime = std::filesystem::last_write_time(file, ec);
  if (ec) return std::nullopt;
  return stamp;
}

std::int64_t nanoseconds(std::filesystem::file_time_type t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// HTML pages up to this size are read to look for includes; bigger ones are
// served as plain files (an article page is a few tens of kB).
constexpr std::uintmax_t max_include_page_bytes = 1u << 20;

// The whole file when it still has the size it was measured with; nullopt
// when it cannot be read or changed meanwhile (then it is served as a plain
// file, which copes with that).
std::optional<std::string> read_whole_file(const std::filesystem::path& file,
                                           std::uintmax_t expected_size) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  // One byte more than expected tells a file that grew.
  std::string text(static_cast<std::size_t>(expected_size) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || static_cast<std::uintmax_t>(in.gcount()) != expected_size) return std::nullopt;
  text.resize(static_cast<std::size_t>(expected_size));
  return text;
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, HttpContext& context,
                         std::uint64_t conn_id)
    : stream_(std::move(socket)), context_(context), conn_id_(conn_id) {}

void HttpSession::run() {
  context_.add(*this);
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::read_request, shared_from_this()));
}

void HttpSession::stop() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void HttpSession::read_request() {
  if (context_.shutting_down()) return finish();
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
      // A head over the limit is 431 (RFC 6585), a body over it 413.
      const bool head = ec == http::error::header_limit;
      http::response<http::string_body> res{
          head ? http::status::request_header_fields_too_large : http::status::payload_too_large,
          11};
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      set_security_headers(res, security_headers(PageKind::other));
      res.body() = head ? "request head too large\n" : "request too large\n";
      res.keep_alive(false);
      res.prepare_payload();
      return send(http::message_generator(std::move(res)), false);
    }
    return finish();
  }
  handle(parser_->release());
}

std::string HttpSession::client_address(const Request& req) const {
  if (context_.trust_proxy()) {
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
  if (context_.trust_proxy()) {
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
  if (!context_.origins().allows(origin, req[http::field::host], request_scheme(req))) return {};
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

  const auto file_path = resolve_web_path(context_.web_root(), path);
  if (!file_path) {
    return send(text_response(req, http::status::not_found, "not found\n"), req.keep_alive());
  }
  const auto stamp = stamp_of(*file_path);
  if (!stamp) {
    return send(text_response(req, http::status::not_found, "not found\n"), req.keep_alive());
  }
  const auto size = stamp->size;
  const auto mtime = stamp->mtime;
  const std::string_view content_type = mime_type(file_path->string());
  const bool html = content_type.starts_with("text/html");
  const SecurityHeaders security =
      security_headers(html ? page_kind(context_.web_root(), *file_path) : PageKind::other);
  // The loader on an allowed page of another origin fetch()es the .wasm and
  // the CSS: those answers need CORS, and caches must key them on Origin.
  std::string allow_origin = cors_origin(req);

  // A page with comment includes is put together per request; one without is
  // a plain file (ETag, 304) like any other. Pages already scanned and found
  // without includes, unchanged since, are not read again: a revalidation of
  // such a page costs a stat, as for any other file.
  auto& scans = context_.include_scans();
  if (html && size <= max_include_page_bytes &&
      !scans.known_without_includes(*file_path, size, mtime)) {
    if (auto page = read_whole_file(*file_path, size)) {
      auto includes = find_embed_includes(*page);
      scans.remember(*file_path, size, mtime, !includes.empty());
      if (!includes.empty()) {
        return serve_page_with_includes(std::move(req), path, std::move(*page),
                                        std::move(includes), std::move(allow_origin), security);
      }
    }
  }

  // The build's precompressed variants (file.br, file.gz beside the file),
  // chosen by Accept-Encoding; each variant has its own ETag. A variant older
  // than its file was made from an earlier version of it: not used. Nor is a
  // symbolic link: the file's folder is checked to lie under the served one
  // (resolve_web_path), the variant's name in it is not followed anywhere.
  std::filesystem::path variant_path[3];
  std::optional<FileStamp> variant_stamp[3];
  for (const auto coding : {ContentCoding::gzip, ContentCoding::br}) {
    const auto i = static_cast<std::size_t>(coding);
    variant_path[i] = *file_path;
    variant_path[i] += std::string(coding_suffix(coding));
    std::error_code link_ec;
    if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(variant_path[i], link_ec))) {
      continue;
    }
    variant_stamp[i] = stamp_of(variant_path[i]);
    if (variant_stamp[i] && variant_stamp[i]->mtime < mtime) variant_stamp[i].reset();
  }
  const bool negotiated = variant_stamp[1] || variant_stamp[2];
  std::optional<std::string_view> accept_encoding;
  if (const auto it = req.find(http::field::accept_encoding); it != req.end()) {
    accept_encoding = it->value();
  }
  const ContentCoding coding =
      negotiated ? negotiate_coding(accept_encoding, variant_stamp[1].has_value(),
                                    variant_stamp[2].has_value())
                 : ContentCoding::identity;
  const auto chosen = static_cast<std::size_t>(coding);
  const std::filesystem::path& body_path =
      coding == ContentCoding::identity ? *file_path : variant_path[chosen];
  const FileStamp body_stamp = coding == ContentCoding::identity ? *stamp : *variant_stamp[chosen];

  const std::string etag = make_etag(body_stamp.size, nanoseconds(body_stamp.mtime), coding);
  auto common_headers = [&](auto& res) {
    res.set(http::field::server, "comment-server");
    res.set(http::field::etag, etag);
    res.set(http::field::cache_control, cache_control_for(path, content_type));
    res.set(http::field::vary, negotiated ? "Origin, Accept-Encoding" : "Origin");
    if (!allow_origin.empty()) res.set(http::field::access_control_allow_origin, allow_origin);
    set_security_headers(res, security);
    res.keep_alive(req.keep_alive());
  };

  if (const auto inm = req.find(http::field::if_none_match);
      inm != req.end() && etag_matches(inm->value(), etag)) {
    http::response<http::empty_body> res{http::status::not_modified, req.version()};
    common_headers(res);
    return send(std::move(res), req.keep_alive());
  }
  auto content_headers = [&](auto& res, std::uint64_t length) {
    common_headers(res);
    res.set(http::field::content_type, content_type);
    if (coding != ContentCoding::identity) {
      res.set(http::field::content_encoding, coding_name(coding));
    }
    res.content_length(length);
  };

  http::file_body::value_type body;
  beast::error_code open_ec;
  body.open(body_path.c_str(), beast::file_mode::scan, open_ec);
  if (open_ec) {
    return send(text_response(req, http::status::not_found, "not found\n"), req.keep_alive());
  }
  const auto body_size = body.size();
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, req.version()};
    content_headers(res, body_size);
    return send(std::move(res), req.keep_alive());
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  content_headers(res, body_size);
  send(std::move(res), req.keep_alive());
}

void HttpSession::upgrade(Request&& req) {
  // RFC 7230 5.4: an HTTP/1.1 request without Host is a 400 (and the Origin
  // rule needs it).
  if (req.find(http::field::host) == req.end()) {
    auto res = text_response(req, http::status::bad_request, "Host header required\n");
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  std::optional<std::string_view> origin;
  if (const auto it = req.find(http::field::origin); it != req.end()) origin = it->value();
  if (!context_.origins().allows(origin, req[http::field::host], request_scheme(req))) {
    log_info("ws-refused", "conn=" + std::to_string(conn_id_) + " origin=" +
                               log_value(origin.value_or("")));
    auto res = text_response(req, http::status::forbidden, "origin not allowed\n");
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  if (context_.shutting_down()) {
    auto res = text_response(req, http::status::service_unavailable, "shutting down\n");
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  if (const auto checked = ws::check_upgrade(req); !checked) {
    const http::status status = ws::refusal_status(checked.error().id);
    auto res = text_response(req, status, checked.error().message + "\n");
    if (status == http::status::upgrade_required) {
      res.set(http::field::sec_websocket_version, "13");
    }
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  const std::string poster = context_.app().address_key(client_address(req));
  // The connection limits refuse before the 101: a refused client costs no
  // session and no close handshake, and learns why from the status (a
  // browser's WebSocket sees a failed connection and its widget retries with
  // back-off, as after any failed connection).
  if (const auto admission = context_.websockets().admit(poster);
      admission != WsSessions::Admission::ok) {
    const bool per_address = admission == WsSessions::Admission::address_full;
    const Error refusal =
        per_address ? Error{ErrorId::connections_per_address_full,
                            "too many open connections from this address"}
                    : Error{ErrorId::connections_full, "the server has too many open connections"};
    context_.refusals().refused(per_address ? "connections-per-address" : "connections", poster,
                                "conn=" + std::to_string(conn_id_) + " id=" +
                                    std::string(name(refusal.id)),
                                steady_ms());
    auto res = text_response(req,
                             per_address ? http::status::too_many_requests
                                         : http::status::service_unavailable,
                             refusal.message + "\n");
    res.set(http::field::retry_after, std::to_string(connection_retry_after_seconds));
    res.keep_alive(false);
    return send(std::move(res), false);
  }
  stream_.expires_never();
  // Bytes read past the request belong to the WebSocket stream.
  const auto early = buffer_.cdata();
  const std::string early_bytes(static_cast<const char*>(early.data()), early.size());
  buffer_.consume(buffer_.size());
  auto session = std::make_shared<WsSession>(stream_.release_socket(), context_.app(),
                                             context_.websockets(), poster, conn_id_);
  finish();
  session->run(req[http::field::sec_websocket_key], early_bytes);
}

void HttpSession::serve_embed(Request&& req, std::string_view query) {
  auto parsed = parse_embed_query(query);
  if (!parsed) {
    return send(text_response(req, http::status::bad_request, parsed.error().message + "\n"),
                req.keep_alive());
  }
  EmbedQuery& embed = *parsed;

  const std::string poster = context_.app().address_key(client_address(req));
  const std::int64_t now = steady_ms();
  if (const auto wait = context_.take_embed(poster, now)) {
    const std::int64_t seconds = (*wait + 999) / 1000;
    context_.refusals().refused("embed-rate", poster,
                                "conn=" + std::to_string(conn_id_) + " id=" +
                                    std::string(name(ErrorId::embed_rate_limited)),
                                now);
    auto res = text_response(req, http::status::too_many_requests,
                             "too many requests for /embed/latest from this address; retry in " +
                                 std::to_string(seconds) + " s\n");
    res.set(http::field::retry_after, std::to_string(seconds));
    return send(std::move(res), req.keep_alive());
  }

  // Pages on allowed origins may fetch the fragment from script.
  std::string allow_origin = cors_origin(req);
  context_.embed_latest(
      std::move(embed.thread), embed.limit, embed.lang,
      [self = shared_from_this(), req = std::move(req),
       allow_origin = std::move(allow_origin)](HttpContext::EmbedReply reply) {
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

// The page's includes are answered like /embed/latest requests (from the
// thread cache when it holds them) and spliced in once all are here; one that
// cannot be used becomes an HTML comment saying why, and the page is served.
void HttpSession::serve_page_with_includes(Request&& req, std::string_view path, std::string page,
                                           std::vector<EmbedInclude> includes,
                                           std::string allow_origin, SecurityHeaders security) {
  const std::string page_path(path);  // `path` points into `req`, moved below
  struct Assembly {
    Request req;
    std::string page;
    std::vector<EmbedInclude> includes;
    std::vector<std::string> texts;
    std::string allow_origin;
    SecurityHeaders security;
    std::size_t waiting = 0;
  };
  auto assembly = std::make_shared<Assembly>();
  assembly->req = std::move(req);
  assembly->page = std::move(page);
  assembly->includes = std::move(includes);
  assembly->texts.resize(assembly->includes.size());
  assembly->allow_origin = std::move(allow_origin);
  assembly->security = security;

  auto send_page = [self = shared_from_this()](Assembly& done) {
    const Request& request = done.req;
    auto res = text_response(request, http::status::ok,
                             splice_includes(done.page, done.includes, done.texts),
                             "text/html; charset=utf-8");
    // Its content changes with the comments: revalidated every time, and
    // without an ETag (the file's would not describe it).
    res.set(http::field::cache_control, "no-cache");
    res.set(http::field::vary, "Origin");
    set_security_headers(res, done.security);
    if (!done.allow_origin.empty()) {
      res.set(http::field::access_control_allow_origin, done.allow_origin);
    }
    self->send(std::move(res), request.keep_alive());
  };
  // One count for this function itself, so replies that come back at once
  // (from the cache) cannot send the page before every include is started.
  assembly->waiting = assembly->includes.size() + 1;
  auto finish_one = [assembly, send_page]() {
    if (--assembly->waiting == 0) send_page(*assembly);
  };

  for (std::size_t i = 0; i < assembly->includes.size(); ++i) {
    const auto& request = assembly->includes[i].request;
    if (!request) {
      const Error& problem = request.error();
      log_warn("include-refused", "page=" + log_value(page_path) + " id=" +
                                      std::string(name(problem.id)) + " error=" +
                                      log_value(problem.message));
      assembly->texts[i] = include_problem_comment(problem.message);
      finish_one();
      continue;
    }
    const EmbedQuery& query = *request;
    context_.embed_latest(query.thread, query.limit, query.lang,
                          [assembly, finish_one, i](HttpContext::EmbedReply reply) {
                            assembly->texts[i] = reply.ok ? std::move(reply.html)
                                                          : include_problem_comment(reply.html);
                            finish_one();
                          });
  }
  finish_one();
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
  context_.remove(*this);  // once listed; a second call finds it gone
}

}  // namespace comments::server

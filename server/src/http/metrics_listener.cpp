#include "http/metrics_listener.hpp"

#include <boost/asio/socket_base.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>

#include "support/log.hpp"

namespace comments::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

class MetricsSession : public std::enable_shared_from_this<MetricsSession> {
 public:
  MetricsSession(tcp::socket socket, const std::function<std::string()>& render)
      : stream_(std::move(socket)), render_(render) {
    parser_.header_limit(8 * 1024);
    parser_.body_limit(0);
  }

  void run() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) return;  // timeout, reset, bad request: just close
    const auto& request = parser_.get();
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(request.version());
    response->keep_alive(false);
    response->set(http::field::cache_control, "no-store");
    const bool is_metrics = request.target() == "/metrics" || request.target().starts_with("/metrics?");
    if (is_metrics && (request.method() == http::verb::get || request.method() == http::verb::head)) {
      response->result(http::status::ok);
      response->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response->body() = render_();
      if (request.method() == http::verb::head) {
        response->content_length(response->body().size());
        response->body().clear();
      }
    } else {
      response->result(is_metrics ? http::status::method_not_allowed : http::status::not_found);
      response->set(http::field::content_type, "text/plain; charset=utf-8");
      response->body() = is_metrics ? "GET /metrics only\n" : "not found: this port serves /metrics only\n";
    }
    if (request.method() != http::verb::head) response->prepare_payload();
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->stream_.close();
    });
  }

  beast::tcp_stream stream_;
  const std::function<std::string()>& render_;
  beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
};

}  // namespace

MetricsListener::MetricsListener(net::io_context& io, const tcp::endpoint& endpoint,
                                 std::function<std::string()> render)
    : io_(io), acceptor_(io), render_(std::move(render)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

tcp::endpoint MetricsListener::local_endpoint() const { return acceptor_.local_endpoint(); }

void MetricsListener::start() { accept_next(); }

void MetricsListener::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void MetricsListener::accept_next() {
  if (stopped_) return;
  acceptor_.async_accept(io_, [this](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
      std::make_shared<MetricsSession>(std::move(socket), render_)->run();
    } else {
      log_warn("metrics-accept-failed", "error=" + log_value(ec.message()));
    }
    accept_next();
  });
}

}  // namespace comments::server

#include "http/listener.hpp"

#include <boost/asio/socket_base.hpp>
#include <chrono>
#include <memory>

#include "http/http_context.hpp"
#include "support/log.hpp"

namespace comments::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& io, const tcp::endpoint& endpoint, HttpContext& context,
                   bool reuse_port)
    : io_(io), acceptor_(io), retry_timer_(io), context_(context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  if (reuse_port) {
    using reuse_port_option = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    acceptor_.set_option(reuse_port_option(true));
  }
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

tcp::endpoint Listener::local_endpoint() const { return acceptor_.local_endpoint(); }

void Listener::start() { accept_next(); }

void Listener::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void Listener::accept_next() {
  if (stopped_) return;
  acceptor_.async_accept(io_, [this](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (ec) {
      // Out of file descriptors and the like: pause instead of spinning.
      log_warn("accept-failed", "error=" + log_value(ec.message()));
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec) accept_next();
      });
      return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(std::move(socket), context_, next_conn_id_++)->run();
    accept_next();
  });
}

}  // namespace comments::server

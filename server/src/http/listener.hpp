// Accepts TCP connections and hands each to an HttpSession.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>

namespace comments::server {

class HttpContext;

class Listener {
 public:
  // Binds and listens; throws boost::system::system_error when it cannot.
  // `reuse_port` sets SO_REUSEPORT: several instances bound to one port share
  // its connections (the kernel spreads them).
  Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           HttpContext& context, bool reuse_port = false);

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void stop();

 private:
  void accept_next();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  HttpContext& context_;
  std::uint64_t next_conn_id_ = 1;
  bool stopped_ = false;
};

}  // namespace comments::server

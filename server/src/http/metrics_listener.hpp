// The /metrics listener (--metrics-listen HOST:PORT): its own acceptor, so
// the Prometheus endpoint is never on the public port. Serves GET /metrics
// (text format 0.0.4) and 404 for anything else; one request per connection,
// 10 s to send it, requests of at most 8 KiB.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>

namespace comments::server {

class MetricsListener {
 public:
  // `render` produces the body of each scrape (runs on the io thread).
  MetricsListener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                  std::function<std::string()> render);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void stop();

 private:
  void accept_next();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::function<std::string()> render_;
  bool stopped_ = false;
};

}  // namespace comments::server

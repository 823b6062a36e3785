// One WebSocket connection. Lean on purpose: an idle joined session holds
// the Beast stream, an empty read buffer, an empty write queue and a few
// words, so ten thousand idle readers cost little memory.
//
// Writes: every outgoing message is a shared, immutable string (a broadcast
// is serialised once for all receivers); one write is in flight at a time;
// more than limits::slow_reader_bytes waiting drops the queue and closes
// with 1008 so a reader that stops reading never holds up the others.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/intrusive/list_hook.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace comments::server {

class Service;
struct ThreadHub;

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::asio::ip::tcp::socket&& socket, Service& service, std::string poster,
            std::uint64_t conn_id);
  WsSession(const WsSession&) = delete;
  WsSession& operator=(const WsSession&) = delete;

  // Completes the upgrade (the Origin rule was checked by the HTTP side).
  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade);

  // Queues a message (io thread only). Ignored once closing.
  void send(std::shared_ptr<const std::string> message);

  // Starts the closing handshake with `code` (1001 on shutdown, 1008 for a
  // slow reader); the read loop sees the end and the session leaves.
  void close(boost::beast::websocket::close_code code);

  const std::string& poster() const noexcept { return poster_; }
  std::uint64_t conn_id() const noexcept { return conn_id_; }

  bool is_moderator() const noexcept { return !moderator_id_.empty(); }
  const std::string& moderator_id() const noexcept { return moderator_id_; }
  void make_moderator(std::string id) { moderator_id_ = std::move(id); }

  std::vector<ThreadHub*>& joined() noexcept { return joined_; }

  // Membership of Service's list of every open session (for shutdown).
  boost::intrusive::list_member_hook<> registry_hook;

 private:
  void on_accept(boost::beast::error_code ec);
  void read_next();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write_next();
  void on_write(boost::beast::error_code ec);
  void end(boost::beast::error_code ec);

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer read_buffer_;
  // Waiting messages; [queue_head_, end) are unsent. A vector, not a deque:
  // an empty libstdc++ deque already allocates ~600 bytes.
  std::vector<std::shared_ptr<const std::string>> queue_;
  std::size_t queue_head_ = 0;
  std::shared_ptr<const std::string> in_flight_;
  std::size_t queued_bytes_ = 0;  // in flight + waiting
  Service& service_;
  std::string poster_;            // keyed hash of the client address
  std::string moderator_id_;      // empty unless authenticated
  std::vector<ThreadHub*> joined_;
  std::uint64_t conn_id_;
  bool accepted_ = false;
  bool closing_ = false;
  bool ended_ = false;
  bool mid_message_ = false;
};

}  // namespace comments::server

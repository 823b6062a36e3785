// One WebSocket connection, on a plain TCP socket with our own framing
// (websocket/frame.hpp says why not Beast's stream).
//
// Idle cost: an idle joined session holds its socket, one pending "readable"
// wait, an empty queue and a few words -- no read buffer. Reads go into one
// scratch buffer per io thread; only a frame header split across reads is
// kept, and a message's payload only while it arrives.
//
// Writes: every outgoing frame is shared and immutable (a broadcast is
// encoded once for all receivers). Frames queue up while the io thread is
// busy, and one deferred flush per batch writes each session's whole queue
// with one gather write (sendmsg of up to 64 frames). More than
// limits::slow_reader_bytes waiting drops the queue and closes with 1008 so a
// reader that stops reading never holds up the others.
//
// Liveness: the service calls check_liveness() every few seconds; a peer
// quiet for a minute gets a ping, one quiet for two is dropped, and a close
// handshake the peer never finishes ends after close_timeout.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/intrusive/list_hook.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "websocket/frame.hpp"

namespace comments::server {

class Service;
struct ThreadHub;

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::asio::ip::tcp::socket&& socket, Service& service, std::string poster,
            std::uint64_t conn_id);
  WsSession(const WsSession&) = delete;
  WsSession& operator=(const WsSession&) = delete;

  // Answers an upgrade request the HTTP side has checked (Origin, key,
  // version) and starts reading. `early_bytes`: whatever the HTTP reader had
  // already read past the request (frames a client sent right behind it).
  void run(std::string_view client_key, std::string_view early_bytes);

  // Queues a frame (io thread only). Ignored once closing.
  void send(ws::SharedFrame frame);

  // Starts the closing handshake with `code` (1001 on shutdown, 1008 for a
  // slow reader); unsent frames are dropped, the session ends when the peer
  // answers or after close_timeout.
  void close(ws::CloseCode code);

  // Pings a quiet peer, drops a silent one, ends an unanswered close.
  // `now` in seconds of coarse_clock(). May end the session, which unlinks
  // it from the service's lists (callers iterate with that in mind).
  void check_liveness(std::uint32_t now);
  static std::uint32_t coarse_clock();

  const std::string& poster() const noexcept { return poster_; }
  std::uint64_t conn_id() const noexcept { return conn_id_; }

  bool is_moderator() const noexcept { return !moderator_id_.empty(); }
  const std::string& moderator_id() const noexcept { return moderator_id_; }
  void make_moderator(std::string id) { moderator_id_ = std::move(id); }

  std::vector<ThreadHub*>& joined() noexcept { return joined_; }

  // Membership of Service's list of every open session (for shutdown).
  boost::intrusive::list_member_hook<> registry_hook;

 private:
  friend struct FlushList;

  void wait_readable();
  void on_readable(boost::system::error_code ec);
  void read_available();
  // Feeds received bytes to the frame reader; false once the session ended.
  bool consume(std::string_view bytes);
  bool handle(const ws::FrameReader::Event& event);
  // Ends the session as soon as the queue (holding our close frame) is out;
  // false if it ended already.
  bool end_once_written();
  void push(ws::SharedFrame frame);
  void drop_unsent();
  void schedule_flush();
  void flush();
  void after_flush();
  void end(boost::system::error_code ec);

  boost::asio::ip::tcp::socket socket_;
  Service& service_;
  ws::FrameReader reader_;
  std::string pending_input_;  // the unparsed tail of the last read (a split header)
  // Waiting frames; [queue_head_, end) are unsent, the first of them sent up
  // to head_offset_ bytes. A vector, not a deque: an empty libstdc++ deque
  // already allocates ~600 bytes.
  std::vector<ws::SharedFrame> queue_;
  std::size_t queue_head_ = 0;
  std::size_t head_offset_ = 0;
  std::size_t queued_bytes_ = 0;
  std::string poster_;        // keyed hash of the client address
  std::string moderator_id_;  // empty unless authenticated
  std::vector<ThreadHub*> joined_;
  std::uint64_t conn_id_;
  std::uint32_t last_heard_ = 0;     // coarse_clock() of the last bytes received
  std::uint32_t close_started_ = 0;  // coarse_clock() when our close frame was queued
  bool flush_scheduled_ = false;
  bool waiting_writable_ = false;
  bool ping_outstanding_ = false;
  bool closing_ = false;           // our close frame is queued or sent
  bool end_when_written_ = false;  // end once the queue (with our close frame) is out
  bool ended_ = false;
};

}  // namespace comments::server

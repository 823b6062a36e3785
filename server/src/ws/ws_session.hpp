// One WebSocket connection, on a plain TCP socket with our own framing
// (ws/frame.hpp says why not Beast's stream). It is the application's Peer.
//
// Idle cost: an idle joined session holds its socket, one pending "readable"
// wait, an empty queue and a few words -- no read buffer. Reads go into one
// scratch buffer per io thread; only a frame header split across reads is
// kept, and a message's payload only while it arrives.
//
// Writes: every outgoing payload is shared and immutable (a broadcast is
// serialised once for all receivers); each queued frame is that payload and
// its few header bytes. Frames queue up while the io thread is busy, and one
// deferred flush per batch writes each session's whole queue with one gather
// write (sendmsg of up to 32 frames: 64 buffers, a header and a payload each). More than limits::slow_reader_bytes
// waiting refuses the next message: the application then closes the session
// with 1008, so a reader that stops reading never holds up the others.
//
// Liveness: WsSessions calls check_liveness() every few seconds; a peer quiet
// for a minute gets a ping, one quiet for two is dropped. Once the handshake
// is over, or the connection failed, or our own close frame is out, the
// socket is shut down for sending and closed within a second (tear_down,
// close): nobody waits for a close reply that may never come.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/app.hpp"
#include "support/registry.hpp"
#include "ws/frame.hpp"

namespace comments::server {

class WsSessions;

class WsSession final : public Peer, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::asio::ip::tcp::socket&& socket, App& app, WsSessions& sessions,
            std::string poster, std::uint64_t conn_id);

  // Answers an upgrade request the HTTP side has checked (Origin, key,
  // version) and starts reading. `early_bytes`: whatever the HTTP reader had
  // already read past the request (frames a client sent right behind it).
  void run(std::string_view client_key, std::string_view early_bytes);

  // Peer: queues a text message (io thread only); ignored once closing.
  bool send(const Encoded& message) override;
  // Peer: starts the closing handshake (1001 going away, 1008 too slow).
  void close(CloseReason reason) override;

  // Starts the closing handshake with `code` (we close first); unsent frames
  // are dropped, our side is shut down once the close frame is out, and the
  // session ends when the peer closes its side, or at the latest 0.5 s later.
  void close(ws::CloseCode code);

  // Pings a quiet peer, drops a silent one, ends an unanswered close.
  // `now` in seconds of coarse_clock(). May end the session, which removes it
  // from WsSessions (callers iterate with that in mind).
  void check_liveness(std::uint32_t now);
  static std::uint32_t coarse_clock();

  RegistryHook registry_hook;

 private:
  friend struct FlushList;

  // One frame waiting to go out: a header and a payload shared with every
  // other session it goes to. The 101 answer is a "frame" without header.
  struct Outgoing {
    Encoded payload;
    ws::FrameHeader header;
    std::size_t size() const noexcept { return header.size + payload->size(); }
  };

  void wait_readable();
  void on_readable(boost::system::error_code ec);
  void read_available();
  // Feeds received bytes to the frame reader; false once the session ended.
  bool consume(std::string_view bytes);
  bool handle(const ws::FrameReader::Event& event);
  // Queues our close frame (dropping unsent frames).
  void start_close(ws::CloseCode code);
  // Ends the session as soon as the queue (holding our close frame) is out;
  // false if it ended already.
  bool end_once_written();
  // Shuts down our sending side and ends when the peer closes, or soon.
  void tear_down();
  void push(ws::Opcode opcode, Encoded payload);
  void push_raw(Encoded bytes);
  void drop_unsent();
  void schedule_flush();
  void flush();
  void after_flush();
  void end(boost::system::error_code ec);

  boost::asio::ip::tcp::socket socket_;
  App& app_;
  WsSessions& sessions_;
  ws::FrameReader reader_;
  std::string pending_input_;  // the unparsed tail of the last read (a split header)
  // Waiting frames; [queue_head_, end) are unsent, the first of them sent up
  // to head_offset_ bytes. A vector, not a deque: an empty libstdc++ deque
  // already allocates ~600 bytes.
  std::vector<Outgoing> queue_;
  std::size_t queue_head_ = 0;
  std::size_t head_offset_ = 0;
  std::size_t queued_bytes_ = 0;
  std::uint32_t last_heard_ = 0;     // coarse_clock() of the last bytes received
  std::uint32_t close_started_ = 0;  // coarse_clock() when our close frame was queued
  bool flush_scheduled_ = false;
  bool waiting_writable_ = false;
  bool ping_outstanding_ = false;
  bool closing_ = false;           // our close frame is queued or sent
  bool end_when_written_ = false;  // end once the queue (with our close frame) is out
  bool tearing_down_ = false;     // our side is shut down; waiting for the peer's FIN
  bool ended_ = false;
};

// How many WebSocket connections may be open; 0 = no limit.
struct ConnectionLimits {
  int per_address = 0;  // per client address (its keyed hash)
  int total = 0;        // all together
};

// Every open WebSocket session: pings and drops quiet ones, closes them all
// with 1001 on shutdown, and counts them per client address for the limits.
class WsSessions {
 public:
  explicit WsSessions(boost::asio::io_context& io, ConnectionLimits limits = {});

  enum class Admission { ok, address_full, server_full };
  // Whether one more connection from `poster` (a keyed address hash) may open
  // now. The HTTP side asks before it answers 101, and refuses otherwise.
  Admission admit(const std::string& poster) const;

  void add(WsSession& session);
  void remove(WsSession& session);
  // Closes every session with 1001; sessions added later are closed at once.
  void shutdown();
  bool shutting_down() const noexcept { return shutting_down_; }
  bool empty() const noexcept { return registry_.empty(); }
  std::size_t size() const noexcept { return registry_.size(); }

 private:
  void schedule_liveness();

  Registry<WsSession, &WsSession::registry_hook> registry_;
  ConnectionLimits limits_;
  // Open sessions per address hash, only with a per-address limit. An entry
  // goes with the address's last session: at most one per open connection.
  std::unordered_map<std::string, std::uint32_t> per_address_;
  boost::asio::steady_timer liveness_timer_;
  bool shutting_down_ = false;
};

}  // namespace comments::server

#include "ws/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <array>
#include <chrono>

#include "comments/limits.hpp"
#include "support/log.hpp"
#include "ws/handshake.hpp"

namespace comments::server {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::uint32_t ping_after_seconds = 60;    // quiet this long: ping
constexpr std::uint32_t drop_after_seconds = 120;   // quiet this long: gone
// Backstop: a closing session whose close frame cannot be written (its peer
// reads nothing) ends at the next sweep after this long.
constexpr std::uint32_t close_timeout_seconds = 15;
constexpr std::size_t max_buffers_per_write = 64;    // asio's limit per write_some (sendmsg)
constexpr int max_reads_per_wakeup = 8;              // then let other sessions run
constexpr auto liveness_interval = std::chrono::seconds(10);
// Once our close frame is out -- both close frames exchanged, the connection
// failed, or we closed first -- how long the peer has to close its side after
// ours is shut down.
constexpr auto teardown_timeout = std::chrono::milliseconds(500);

// One read buffer for every session on the io thread: a session reads, then
// hands the bytes to its frame reader before the next session reads.
std::array<char, 64 * 1024>& scratch_buffer() {
  thread_local std::array<char, 64 * 1024> buffer;
  return buffer;
}

const Encoded& empty_payload() {
  static const Encoded payload = encode({});
  return payload;
}

}  // namespace

// Sessions with frames to write, flushed together once the current handler
// (a broadcast, a group commit's completions) is done. One list per io
// thread; the server runs one.
struct FlushList {
  std::vector<std::shared_ptr<WsSession>> sessions;
  bool posted = false;

  static FlushList& for_this_thread() {
    thread_local FlushList list;
    return list;
  }

  static void run() {
    FlushList& list = for_this_thread();
    std::vector<std::shared_ptr<WsSession>> batch;
    batch.swap(list.sessions);
    list.posted = false;
    for (const auto& s : batch) {
      s->flush_scheduled_ = false;
      s->flush();
    }
    // Keep the capacity for the next batch unless this one was unusual.
    batch.clear();
    if (list.sessions.empty() && batch.capacity() <= 16384) list.sessions.swap(batch);
  }
};

std::uint32_t WsSession::coarse_clock() {
  static const auto start = std::chrono::steady_clock::now();
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
          .count());
}

WsSession::WsSession(net::ip::tcp::socket&& socket, App& app, WsSessions& sessions,
                     std::string poster, std::uint64_t conn_id)
    : Peer(std::move(poster), conn_id),
      socket_(std::move(socket)),
      app_(app),
      sessions_(sessions),
      reader_(limits::max_frame_bytes) {}

void WsSession::run(std::string_view client_key, std::string_view early_bytes) {
  last_heard_ = coarse_clock();
  // The 101 answer goes out as the queue's first bytes, before any frame.
  push_raw(encode(ws::switching_protocols(client_key)));
  schedule_flush();
  sessions_.add(*this);  // may close at once when shutting down
  error_code ec;
  socket_.non_blocking(true, ec);  // reads and writes below return would_block, never wait
  if (!ec) socket_.set_option(net::ip::tcp::no_delay(true), ec);
  if (ec) return end(ec);
  if (!early_bytes.empty() && !consume(early_bytes)) return;
  read_available();
}

// ---- Reading ------------------------------------------------------------------

void WsSession::wait_readable() {
  socket_.async_wait(net::socket_base::wait_read,
                     [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void WsSession::on_readable(error_code ec) {
  if (ended_) return;
  if (ec) return end(ec);
  read_available();
}

void WsSession::read_available() {
  auto& buffer = scratch_buffer();
  for (int reads = 0; reads < max_reads_per_wakeup; ++reads) {
    error_code ec;
    const std::size_t n = socket_.read_some(net::buffer(buffer), ec);
    if (ec == net::error::would_block || ec == net::error::try_again) return wait_readable();
    if (ec) return end(ec);  // eof included: the peer went without a close frame
    if (tearing_down_) continue;  // after the handshake: read to the peer's FIN, discarding
    last_heard_ = coarse_clock();
    ping_outstanding_ = false;
    if (!consume(std::string_view(buffer.data(), n))) return;
    // A short read emptied the socket; newer data raises a new readiness event.
    if (n < buffer.size()) return wait_readable();
  }
  // A peer sending without pause: go on after the others had their turn.
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    if (!self->ended_) self->read_available();
  });
}

bool WsSession::consume(std::string_view bytes) {
  std::string joined;
  if (!pending_input_.empty()) {
    joined = std::move(pending_input_);
    joined.append(bytes);
    bytes = joined;
  }
  pending_input_.clear();
  for (;;) {
    const auto step = reader_.next(bytes);
    bytes.remove_prefix(step.consumed);
    if (!step.has_event) break;
    if (!handle(step.event)) return false;
  }
  if (!bytes.empty()) pending_input_.assign(bytes.data(), bytes.size());
  return !ended_;
}

bool WsSession::handle(const ws::FrameReader::Event& event) {
  using Kind = ws::FrameReader::EventKind;
  switch (event.kind) {
    case Kind::text:
      if (!closing_) app_.on_text(shared_from_this(), event.payload);
      break;
    case Kind::binary:
      if (!closing_) app_.on_binary(shared_from_this());
      break;
    case Kind::ping:
      if (!closing_) {
        push(ws::Opcode::pong, encode(std::string(event.payload)));
        schedule_flush();
      }
      break;
    case Kind::pong:
      break;
    case Kind::close:
      // Whoever closed first, the handshake is complete once our close
      // frame (the answer, or our own) is out.
      start_close(event.close_code == 1005 ? ws::CloseCode::normal
                                           : static_cast<ws::CloseCode>(event.close_code));
      return end_once_written();
    case Kind::error:
      // Failing the connection (RFC 6455 7.1.7): 1002, 1007 or 1009 goes
      // out and the connection ends after it, without waiting for an
      // answer (the peer may not be able to frame one, or already sent
      // its close, e.g. one whose reason is not UTF-8).
      start_close(static_cast<ws::CloseCode>(event.close_code));
      return end_once_written();
  }
  return !ended_;
}

bool WsSession::end_once_written() {
  end_when_written_ = true;
  // Nothing left to write and no flush coming that would see the flag.
  if (queue_head_ >= queue_.size() && !flush_scheduled_ && !waiting_writable_) tear_down();
  return !ended_;
}

// Our close frame is out and the handshake is over (or the connection was
// failed): shut down our sending side, so the peer reads EOF after the close
// frame, and read on (discarding) until the peer closes its side, for at most
// teardown_timeout -- closing with unread input would send an RST that may
// destroy our close frame in the peer's receive buffer. As Beast's stream
// does. The timer exists only while tearing down: an open session has none.
void WsSession::tear_down() {
  if (ended_ || tearing_down_) return;
  tearing_down_ = true;
  pending_input_.clear();
  error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  auto timer = std::make_shared<net::steady_timer>(socket_.get_executor(), teardown_timeout);
  timer->async_wait([self = shared_from_this(), timer](error_code) { self->end({}); });
}

// ---- Writing ------------------------------------------------------------------

bool WsSession::send(const Encoded& message) {
  if (closing_ || ended_) return true;  // going anyway: nothing to refuse
  if (queued_bytes_ + message->size() > limits::slow_reader_bytes) return false;
  push(ws::Opcode::text, message);
  schedule_flush();
  return true;
}

void WsSession::push(ws::Opcode opcode, Encoded payload) {
  const ws::FrameHeader header = ws::frame_header(opcode, payload->size());
  queue_.push_back({std::move(payload), header});
  queued_bytes_ += queue_.back().size();
}

void WsSession::push_raw(Encoded bytes) {
  queue_.push_back({std::move(bytes), {}});
  queued_bytes_ += queue_.back().size();
}

// Drops every frame not yet begun; a frame half on the wire must be finished
// or the stream would be corrupt.
void WsSession::drop_unsent() {
  const std::size_t keep = head_offset_ > 0 && queue_head_ < queue_.size() ? 1 : 0;
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
  queue_.resize(keep);
  queue_head_ = 0;
  queued_bytes_ = keep ? queue_.front().size() - head_offset_ : 0;
  if (!keep) head_offset_ = 0;
}

void WsSession::close(CloseReason reason) {
  close(reason == CloseReason::going_away ? ws::CloseCode::going_away
                                          : ws::CloseCode::policy_violation);
}

// We close first (shutdown, a slow reader, a flood): the peer is not waited
// for. Once our close frame is out our side is shut down at once (the peer
// reads the frame, then EOF, and may still send its own close, which is read
// and discarded) and the socket is closed when the peer closes its side, or
// teardown_timeout later (tear_down) -- before, such sessions waited 15-25 s
// for an answer that a careless or hostile peer never sends. A close frame
// that cannot be written (a reader that stopped reading) waits for the
// liveness sweep's backstop, so a reader that resumes within it still learns
// the close code (1008 for a slow reader).
void WsSession::close(ws::CloseCode code) {
  if (closing_ || ended_) return;
  start_close(code);
  end_once_written();
}

void WsSession::start_close(ws::CloseCode code) {
  if (closing_ || ended_) return;
  closing_ = true;
  close_started_ = coarse_clock();
  drop_unsent();
  push(ws::Opcode::close, encode(ws::close_payload(code)));
  schedule_flush();
}

void WsSession::schedule_flush() {
  if (flush_scheduled_ || waiting_writable_ || ended_) return;
  flush_scheduled_ = true;
  FlushList& list = FlushList::for_this_thread();
  list.sessions.push_back(shared_from_this());
  if (!list.posted) {
    list.posted = true;
    net::post(socket_.get_executor(), &FlushList::run);
  }
}

void WsSession::flush() {
  if (ended_ || waiting_writable_) return;
  thread_local std::vector<net::const_buffer> buffers;
  while (queue_head_ < queue_.size()) {
    buffers.clear();
    // Two buffers a frame (header, payload): asio would silently drop any
    // past its limit, so stop at the limit.
    for (std::size_t i = queue_head_; i < queue_.size() && buffers.size() + 2 <= max_buffers_per_write;
         ++i) {
      const Outgoing& frame = queue_[i];
      // The head frame may be partly written: skip what went already.
      std::size_t skip = i == queue_head_ ? head_offset_ : 0;
      if (skip < frame.header.size) {
        buffers.push_back(net::buffer(frame.header.bytes.data() + skip, frame.header.size - skip));
        skip = 0;
      } else {
        skip -= frame.header.size;
      }
      buffers.push_back(net::buffer(*frame.payload) + skip);
    }
    error_code ec;
    std::size_t written = socket_.write_some(buffers, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      waiting_writable_ = true;
      socket_.async_wait(net::socket_base::wait_write,
                         [self = shared_from_this()](error_code wait_error) {
                           self->waiting_writable_ = false;
                           if (self->ended_) return;
                           if (wait_error) return self->end(wait_error);
                           self->flush();
                         });
      return;
    }
    if (ec) return end(ec);
    queued_bytes_ -= std::min(queued_bytes_, written);
    while (written > 0) {
      const std::size_t left = queue_[queue_head_].size() - head_offset_;
      if (written < left) {
        head_offset_ += written;
        break;
      }
      written -= left;
      head_offset_ = 0;
      queue_[queue_head_++].payload.reset();
    }
  }
  after_flush();
}

void WsSession::after_flush() {
  queue_.clear();
  queue_head_ = 0;
  head_offset_ = 0;
  queued_bytes_ = 0;
  if (queue_.capacity() > 16) queue_.shrink_to_fit();
  if (end_when_written_) tear_down();
}

// ---- Liveness and the end -----------------------------------------------------

void WsSession::check_liveness(std::uint32_t now) {
  if (ended_) return;
  if (closing_) {
    if (now - close_started_ >= close_timeout_seconds) end({});
    return;
  }
  const std::uint32_t quiet = now - last_heard_;
  if (quiet >= drop_after_seconds) {
    log_line(LogLevel::debug, "ws-silent", "conn=" + std::to_string(id()));
    return end({});
  }
  if (quiet >= ping_after_seconds && !ping_outstanding_) {
    ping_outstanding_ = true;
    push(ws::Opcode::ping, empty_payload());
    schedule_flush();
  }
}

void WsSession::end(error_code ec) {
  if (ended_) return;
  ended_ = true;
  closing_ = true;
  if (ec && ec != net::error::operation_aborted && ec != net::error::eof &&
      ec != net::error::connection_reset) {
    log_line(LogLevel::debug, "ws-error",
             "conn=" + std::to_string(id()) + " error=" + log_value(ec.message()));
  }
  queue_.clear();
  queue_.shrink_to_fit();
  queue_head_ = 0;
  head_offset_ = 0;
  queued_bytes_ = 0;
  pending_input_.clear();
  sessions_.remove(*this);
  app_.disconnected(*this);
  log_line(LogLevel::debug, "ws-close", "conn=" + std::to_string(id()));
  error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);  // completes the pending waits with operation_aborted
}

// ---- WsSessions ---------------------------------------------------------------

WsSessions::WsSessions(net::io_context& io, ConnectionLimits limits)
    : limits_(limits), liveness_timer_(io) {
  schedule_liveness();
}

WsSessions::Admission WsSessions::admit(const std::string& poster) const {
  if (limits_.total > 0 && registry_.size() >= static_cast<std::size_t>(limits_.total)) {
    return Admission::server_full;
  }
  if (limits_.per_address > 0) {
    const auto it = per_address_.find(poster);
    if (it != per_address_.end() && it->second >= static_cast<std::uint32_t>(limits_.per_address)) {
      return Admission::address_full;
    }
  }
  return Admission::ok;
}

void WsSessions::remove(WsSession& session) {
  if (!session.registry_hook.is_linked()) return;  // removed already
  registry_.remove(session);
  if (limits_.per_address > 0) {
    if (const auto it = per_address_.find(session.poster());
        it != per_address_.end() && --it->second == 0) {
      per_address_.erase(it);
    }
  }
}

void WsSessions::add(WsSession& session) {
  registry_.add(session);
  if (limits_.per_address > 0) ++per_address_[session.poster()];
  log_line(LogLevel::debug, "ws-open",
           "conn=" + std::to_string(session.id()) + " from=" + short_hash(session.poster()));
  if (shutting_down_) session.close(ws::CloseCode::going_away);
}

void WsSessions::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  log_info("shutdown", "sessions=" + std::to_string(registry_.size()));
  // close() never removes a session synchronously (its read loop does, later).
  registry_.for_each([](WsSession& s) { s.close(ws::CloseCode::going_away); });
}

void WsSessions::schedule_liveness() {
  // Runs during shutdown too, so closes that peers never answer end and the
  // drain finishes.
  liveness_timer_.expires_after(liveness_interval);
  liveness_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const auto now = WsSession::coarse_clock();
    registry_.for_each([now](WsSession& s) { s.check_liveness(now); });
    schedule_liveness();
  });
}

}  // namespace comments::server

#include "ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket/error.hpp>
#include <chrono>

#include "comments/limits.hpp"
#include "log.hpp"
#include "service.hpp"

namespace comments::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {

// An idle session asks for at most this much when it waits for the next
// message, so waiting costs a small buffer instead of Beast's default 1.5 kB.
// The rest of a longer message is read in larger steps.
constexpr std::size_t idle_read_bytes = 256;
// A read buffer that grew past this for a big message is given back after it.
constexpr std::size_t keep_read_capacity = 4096;

}  // namespace

WsSession::WsSession(net::ip::tcp::socket&& socket, Service& service, std::string poster,
                     std::uint64_t conn_id)
    : ws_(std::move(socket)), service_(service), poster_(std::move(poster)), conn_id_(conn_id) {}

void WsSession::run(beast::http::request<beast::http::string_body> upgrade) {
  service_.add_session(*this);
  // Message size is checked here, not by Beast's read_message_max: Beast
  // 1.81's failure teardown closes the socket while the oversized payload is
  // still unread, so the peer gets a TCP reset instead of the 1009 close frame.
  // Closing through async_close reads and discards until the peer answers.
  ws_.read_message_max(0);
  ws_.auto_fragment(false);
  ws_.write_buffer_bytes(256);  // only used for masking/deflate, neither applies to a server
  // Pings keep proxies from dropping quiet readers and find dead peers.
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(15);
  timeouts.idle_timeout = std::chrono::seconds(120);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(beast::http::field::server, "comment-server");
  }));
  ws_.async_accept(upgrade, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return end(ec);
  accepted_ = true;
  if (closing_) {  // shutdown began during the handshake
    closing_ = false;
    close(websocket::close_code::going_away);
  }
  read_next();
}

void WsSession::read_next() {
  const std::size_t limit =
      mid_message_ || closing_ ? limits::max_frame_bytes : idle_read_bytes;
  ws_.async_read_some(read_buffer_, limit,
                      beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) return end(ec);
  if (closing_ || read_buffer_.size() > limits::max_frame_bytes) {
    // Over the limit, or closing: drop what arrives until the close
    // handshake ends the read loop with an error.
    read_buffer_.clear();
    read_buffer_.shrink_to_fit();
    mid_message_ = !ws_.is_message_done();
    close(websocket::close_code::too_big);  // no-op when already closing
    return read_next();
  }
  if (!ws_.is_message_done()) {
    mid_message_ = true;
    return read_next();
  }
  mid_message_ = false;
  auto self = shared_from_this();
  if (ws_.got_binary()) {
    service_.on_binary(self);
  } else {
    const auto data = read_buffer_.cdata();
    service_.on_text(self, std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  read_buffer_.clear();
  if (read_buffer_.capacity() > keep_read_capacity) read_buffer_.shrink_to_fit();
  read_next();
}

void WsSession::send(std::shared_ptr<const std::string> message) {
  if (closing_ || ended_ || !accepted_) return;
  if (queued_bytes_ + message->size() > limits::slow_reader_bytes) {
    log_warn("slow-reader", "conn=" + std::to_string(conn_id_) +
                                " queued=" + std::to_string(queued_bytes_));
    queue_.clear();
    queue_.shrink_to_fit();
    queue_head_ = 0;
    queued_bytes_ = in_flight_ ? in_flight_->size() : 0;
    close(websocket::close_code::policy_error);
    return;
  }
  queued_bytes_ += message->size();
  queue_.push_back(std::move(message));
  if (!in_flight_) write_next();
}

void WsSession::write_next() {
  if (queue_head_ >= queue_.size()) {
    queue_.clear();
    queue_head_ = 0;
    if (queue_.capacity() > 16) queue_.shrink_to_fit();
    return;
  }
  in_flight_ = std::move(queue_[queue_head_++]);
  // Under steady load the queue may never run empty: drop the sent front.
  if (queue_head_ >= 32 && queue_head_ * 2 >= queue_.size()) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
    queue_head_ = 0;
  }
  ws_.text(true);
  ws_.async_write(net::buffer(*in_flight_),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    self->on_write(ec);
                  });
}

void WsSession::on_write(beast::error_code ec) {
  if (in_flight_) {
    queued_bytes_ -= std::min(queued_bytes_, in_flight_->size());
    in_flight_.reset();
  }
  if (ec) {
    // The read side sees the broken connection and ends the session.
    queue_.clear();
    queue_head_ = 0;
    queued_bytes_ = 0;
    return;
  }
  if (closing_) return;
  write_next();
}

void WsSession::close(websocket::close_code code) {
  if (closing_ || ended_) return;
  closing_ = true;
  if (!accepted_) return;  // on_accept closes once the handshake is done
  queue_.clear();
  queue_head_ = 0;
  // Beast waits for an in-flight write before sending the close frame, and
  // the handshake timeout bounds how long a peer that never answers is kept.
  ws_.async_close(code, [self = shared_from_this()](beast::error_code) {});
}

void WsSession::end(beast::error_code ec) {
  if (ended_) return;
  ended_ = true;
  closing_ = true;
  if (ec && ec != websocket::error::closed && ec != net::error::operation_aborted &&
      ec != net::error::eof) {
    log_line(LogLevel::debug, "ws-error",
             "conn=" + std::to_string(conn_id_) + " error=" + log_value(ec.message()));
  }
  queue_.clear();
  queue_head_ = 0;
  service_.remove_session(*this);
  beast::error_code ignored;
  ws_.next_layer().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  ws_.next_layer().close(ignored);
}

}  // namespace comments::server

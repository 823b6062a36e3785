// One WebSocket client connection to the server under test (Beast over a
// plain TCP socket; coroutines on a strand), and the few frame readers the
// load generator needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace loadgen {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using WsStream = beast::websocket::stream<tcp::socket>;

struct Target {
  tcp::endpoint endpoint;
  std::string host_header;  // "host:port" for the upgrade request
};

// Connects, upgrades on /ws (no Origin header: allowed by the contract) and
// switches the stream to text frames. Throws boost::system::system_error.
net::awaitable<std::unique_ptr<WsStream>> open_session(const Target& target);

// Monotonic nanoseconds; the same clock stamps a post and times its delivery.
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::string_view frame_text(const beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

// Every post body starts with this marker, then "<seq>:<send_ns>:", then text.
inline constexpr std::string_view body_marker = "lg:";

std::string post_body(std::uint64_t seq, std::int64_t sent_ns);

struct Delivery {
  std::uint64_t seq = 0;
  std::int64_t sent_ns = 0;
};

// Reads a `comment` event carrying a load generator post. The fast path is a
// substring scan of the compact JSON both servers send; anything else is
// parsed in full. nullopt when the frame is not such an event.
std::optional<Delivery> read_delivery(std::string_view frame);

// The fields of a reply the load generator looks at.
struct Reply {
  std::string type;
  std::string req;
  std::string code;            // error replies
  std::int64_t total = -1;     // snapshot
  std::size_t comments = 0;    // snapshot: how many comments it held
};
std::optional<Reply> read_reply(std::string_view frame);

// Escapes a string for a JSON string literal.
std::string json_quote(std::string_view text);

}  // namespace loadgen

// The server's WebSocket layer seen from a raw TCP client: the handshake
// answers, frames sent right behind the upgrade request, fragmentation,
// ping/pong, the closing handshake and broken framing (RFC 6455). The other
// integration tests talk through Beast's client; this one writes the bytes
// itself so it can also send what a well-behaved client never would.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "harness.hpp"

using namespace integ;
namespace net = boost::asio;

namespace {

constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455's example

std::string upgrade_request(const ServerProcess& server, std::string_view version = "13",
                            std::string_view key = sample_key) {
  return "GET /ws HTTP/1.1\r\nHost: " + server.host() + ":" + std::to_string(server.port()) +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + std::string(key) +
         "\r\nSec-WebSocket-Version: " + std::string(version) + "\r\n\r\n";
}

// A masked client frame.
std::string frame(std::uint8_t first_byte, std::string_view payload, bool masked = true) {
  std::string f(1, static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  const char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (n < 126) {
    f.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
  } else {
    f.push_back(static_cast<char>(mask_bit | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  }
  const char mask[4] = {0x0A, 0x1B, 0x2C, 0x3D};
  if (masked) f.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) f.push_back(masked ? payload[i] ^ mask[i % 4] : payload[i]);
  return f;
}
std::string text_frame(std::string_view text) { return frame(0x81, text); }

struct ServerFrame {
  std::uint8_t opcode = 0;
  bool final = false;
  std::string payload;
  int close_code() const {
    return payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                     static_cast<unsigned char>(payload[1])
                               : -1;
  }
};

// A blocking socket whose reads give up after io_deadline (SO_RCVTIMEO), so a
// server that never answers fails the test instead of hanging it.
class RawClient {
 public:
  explicit RawClient(const ServerProcess& server) : socket_(io_) {
    net::ip::tcp::resolver resolver(io_);
    net::connect(socket_, resolver.resolve(server.host(), std::to_string(server.port())));
    timeval tv{};
    tv.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(io_deadline).count();
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  void write(std::string_view bytes) { net::write(socket_, net::buffer(bytes)); }

  // The HTTP response head (status line and headers).
  std::string read_head() {
    const std::size_t n = net::read_until(socket_, net::dynamic_buffer(buffered_), "\r\n\r\n");
    std::string head = buffered_.substr(0, n);
    buffered_.erase(0, n);
    return head;
  }

  ServerFrame read_frame() {
    ensure(2);
    ServerFrame f;
    const auto b0 = static_cast<unsigned char>(buffered_[0]);
    const auto b1 = static_cast<unsigned char>(buffered_[1]);
    REQUIRE((b1 & 0x80) == 0);  // servers never mask
    f.final = (b0 & 0x80) != 0;
    f.opcode = b0 & 0x0F;
    std::size_t header = 2;
    std::size_t length = b1 & 0x7F;
    if (length == 126) {
      ensure(4);
      length = (static_cast<unsigned char>(buffered_[2]) << 8) | static_cast<unsigned char>(buffered_[3]);
      header = 4;
    }
    REQUIRE(length != 127);  // nothing we test is that long
    ensure(header + length);
    f.payload = buffered_.substr(header, length);
    buffered_.erase(0, header + length);
    return f;
  }

  // True when the server closed the TCP connection (EOF or reset) within
  // `within` (measured, though the read itself waits up to io_deadline).
  bool closed_within(std::chrono::milliseconds within) {
    const auto start = std::chrono::steady_clock::now();
    const bool closed = closed_by_server();
    return closed && std::chrono::steady_clock::now() - start <= within;
  }

  // True when the server has closed its socket altogether (not only shut
  // down its side) within `within`: bytes we send then get a reset, and a
  // later write fails. Polls every 100 ms.
  bool fully_closed_within(std::chrono::milliseconds within) {
    const auto give_up = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < give_up) {
      boost::system::error_code ec;
      net::write(socket_, net::buffer(std::string_view("\x8A\x80\0\0\0\0", 6)), ec);  // a pong
      if (ec) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // True when the server closed the TCP connection (EOF) before `deadline`.
  bool closed_by_server() {
    boost::system::error_code ec;
    char byte;
    socket_.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
  void ensure(std::size_t bytes) {
    while (buffered_.size() < bytes) {
      char chunk[4096];
      const std::size_t n = socket_.read_some(net::buffer(chunk));
      buffered_.append(chunk, n);
    }
  }

  net::io_context io_;
  net::ip::tcp::socket socket_;
  std::string buffered_;
};

// Upgrades `client`, sending `behind` in the same write as the request.
void upgrade(RawClient& client, const ServerProcess& server, std::string_view behind = {}) {
  client.write(upgrade_request(server) + std::string(behind));
  const std::string head = client.read_head();
  REQUIRE(head.starts_with("HTTP/1.1 101 "));
  CHECK(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
}

json read_json(RawClient& client) {
  const ServerFrame f = client.read_frame();
  REQUIRE(f.opcode == 0x1);
  REQUIRE(f.final);
  return json::parse(f.payload);
}

}  // namespace

TEST_CASE("websocket: an upgrade with another version gets 426, a bad key 400") {
  TestServer test;
  {
    RawClient client(test.server);
    client.write(upgrade_request(test.server, "8"));
    const std::string head = client.read_head();
    CHECK(head.starts_with("HTTP/1.1 426 "));
    CHECK(head.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
  }
  {
    RawClient client(test.server);
    client.write(upgrade_request(test.server, "13", "not-a-key"));
    CHECK(client.read_head().starts_with("HTTP/1.1 400 "));
  }
}

TEST_CASE("websocket: a frame sent in the same packet as the upgrade is read") {
  TestServer test;
  RawClient client(test.server);
  upgrade(client, test.server, text_frame(R"({"type":"join","thread":"t"})"));
  CHECK(read_json(client)["type"] == "snapshot");
}

TEST_CASE("websocket: fragments are joined, a ping between them is answered with its data") {
  TestServer test;
  RawClient client(test.server);
  upgrade(client, test.server);
  client.write(frame(0x01, R"({"type":"join",)") + frame(0x89, "are you there?") +
               frame(0x00, R"("thread":"文章)") + frame(0x80, R"(-1"})"));
  const ServerFrame pong = client.read_frame();
  CHECK(pong.opcode == 0xA);
  CHECK(pong.payload == "are you there?");
  const json snapshot = read_json(client);
  CHECK(snapshot["type"] == "snapshot");
  CHECK(snapshot["thread"] == "文章-1");
}

TEST_CASE("websocket: the client's close is answered with its code, then the server hangs up") {
  TestServer test;
  RawClient client(test.server);
  upgrade(client, test.server);
  client.write(frame(0x88, std::string("\x0F\xA0", 2) + "done"));  // 4000, an application code
  const ServerFrame answer = client.read_frame();
  CHECK(answer.opcode == 0x8);
  CHECK(answer.close_code() == 4000);
  CHECK(client.closed_by_server());
}

TEST_CASE("websocket: broken framing closes with 1002 and the server serves others") {
  TestServer test;
  const std::vector<std::string> broken = {
      frame(0x81, R"({"type":"join","thread":"t"})", /*masked=*/false),
      frame(0xC1, "{}"),          // RSV1 without a negotiated extension
      frame(0x80, "{}"),          // a continuation of nothing
      frame(0x88, "\x03"),        // close with a one-byte body
  };
  for (const auto& bytes : broken) {
    RawClient client(test.server);
  upgrade(client, test.server);
    client.write(bytes);
    const ServerFrame answer = client.read_frame();
    CHECK(answer.opcode == 0x8);
    CHECK(answer.close_code() == 1002);
    CHECK(client.closed_by_server());
  }
  RawClient fine(test.server);
  upgrade(fine, test.server, text_frame(R"({"type":"join","thread":"t"})"));
  CHECK(read_json(fine)["type"] == "snapshot");
}

TEST_CASE("websocket: a failed connection is closed at once, without waiting for a close reply") {
  TestServer test;
  const std::vector<std::pair<std::string, int>> failing = {
      // A close whose reason is not UTF-8: answered 1007, then hung up.
      {frame(0x88, std::string("\x03\xE8", 2) + "\xFF\xFE"), 1007},
      {frame(0x81, "\xC3\x28"), 1007},                          // a text message not UTF-8
      // The header of a 16 MiB frame (length, then the mask key).
      {std::string("\x82\xFF\x00\x00\x00\x00\x01\x00\x00\x00\x0A\x1B\x2C\x3D", 14), 1009},
      {frame(0xC1, "{}"), 1002},
  };
  for (const auto& [bytes, code] : failing) {
    CAPTURE(code);
    RawClient client(test.server);
    upgrade(client, test.server);
    client.write(bytes);
    const ServerFrame answer = client.read_frame();
    CHECK(answer.opcode == 0x8);
    CHECK(answer.close_code() == code);
    // The client sends no close of its own: the server hangs up anyway.
    CHECK(client.closed_within(std::chrono::seconds(2)));
  }
}

TEST_CASE("websocket: after the client's close is answered the connection ends within 2 s") {
  TestServer test;
  RawClient client(test.server);
  upgrade(client, test.server);
  client.write(frame(0x88, std::string("\x03\xE8", 2)));  // 1000
  CHECK(client.read_frame().close_code() == 1000);
  CHECK(client.closed_within(std::chrono::seconds(2)));
}

TEST_CASE("http: an upgrade without Host is 400; an oversized head 431; an oversized body 413") {
  TestServer test;
  {
    RawClient client(test.server);
    std::string request = upgrade_request(test.server);
    const auto host = request.find("Host: ");
    request.erase(host, request.find("\r\n", host) + 2 - host);
    client.write(request);
    CHECK(client.read_head().starts_with("HTTP/1.1 400 "));
    CHECK(client.closed_within(std::chrono::seconds(2)));
  }
  {
    RawClient client(test.server);
    client.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                 "\r\n\r\n");
    CHECK(client.read_head().starts_with("HTTP/1.1 431 "));
    CHECK(client.closed_within(std::chrono::seconds(2)));
  }
  {
    RawClient client(test.server);
    client.write("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                 std::string(1000, 'b'));
    CHECK(client.read_head().starts_with("HTTP/1.1 413 "));
    CHECK(client.closed_within(std::chrono::seconds(2)));
  }
}

TEST_CASE("websocket: when the server closes first and the client never answers, the TCP connection ends within seconds") {
  // A policy close (1008 for a message flood) the client ignores: it neither
  // sends a close frame nor closes its side. The server shuts its side down
  // once the close frame is out and closes the socket within about 1 s --
  // well before the 15 s backstop, which this would need before.
  ServerOptions options;
  options.messages_per_second = 2;  // bursts of 4, 4 refusals, then 1008
  TestServer test(options);
  RawClient client(test.server);
  upgrade(client, test.server);
  std::string flood;
  for (int i = 0; i < 40; ++i) flood += text_frame(R"({"type":"join","thread":"t"})");
  client.write(flood);
  int replies = 0;
  for (;;) {
    const ServerFrame f = client.read_frame();
    if (f.opcode == 0x8) {
      CHECK(f.close_code() == 1008);
      break;
    }
    REQUIRE(f.opcode == 0x1);
    ++replies;
    REQUIRE(replies <= 40);
  }
  // (Replies queued before the close may be dropped with it: a flood read in
  // one piece is refused and closed before anything was flushed.)
  // No answer from us: EOF must still come, and soon (5 s: generous; ~1 s expected).
  CHECK(client.closed_within(std::chrono::seconds(5)));
  // And the server's socket is gone, not half-open: what we send is refused.
  CHECK(client.fully_closed_within(std::chrono::seconds(5)));
}

// The server's own WebSocket framing (RFC 6455): what it sends, how it reads
// client frames in pieces, and what it refuses with which close code.
#include <doctest/doctest.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <vector>

#include "ws/frame.hpp"
#include "ws/handshake.hpp"

using namespace comments::server::ws;
using Kind = FrameReader::EventKind;

namespace {

// A client frame: masked, as browsers send them.
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool final = true,
                         bool masked = true) {
  std::string f;
  f.push_back(static_cast<char>((final ? 0x80 : 0) | opcode));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    f.push_back(static_cast<char>(mask_bit | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) f.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) f.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) {
    f.push_back(masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i]);
  }
  return f;
}

struct Seen {
  Kind kind;
  std::string payload;
  std::uint16_t code;
};

// Feeds `bytes` in pieces of `piece` bytes the way a session does: the
// unconsumed tail is kept and joined with the next piece.
std::vector<Seen> read_all(FrameReader& reader, std::string_view bytes, std::size_t piece) {
  std::vector<Seen> seen;
  std::string pending;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    pending.append(bytes.substr(at, piece));
    std::string_view input = pending;
    for (;;) {
      const auto step = reader.next(input);
      input.remove_prefix(step.consumed);
      if (!step.has_event) break;
      seen.push_back({step.event.kind, std::string(step.event.payload), step.event.close_code});
    }
    pending = std::string(input);
  }
  return seen;
}

std::vector<Seen> read_all(std::string_view bytes, std::size_t piece = 1 << 20) {
  FrameReader reader(65536);
  return read_all(reader, bytes, piece);
}

}  // namespace

TEST_CASE("ws frame: encoding uses the shortest length form and no mask") {
  const auto small = encode_frame(Opcode::text, "hi");
  CHECK(small == std::string("\x81\x02hi", 4));
  const auto medium = encode_frame(Opcode::text, std::string(300, 'x'));
  REQUIRE(medium.size() == 304);
  CHECK(static_cast<unsigned char>(medium[1]) == 126);
  CHECK(static_cast<unsigned char>(medium[2]) == 0x01);
  CHECK(static_cast<unsigned char>(medium[3]) == 0x2C);
  const auto large = encode_frame(Opcode::binary, std::string(70000, 'y'));
  REQUIRE(large.size() == 70010);
  CHECK(static_cast<unsigned char>(large[0]) == 0x82);
  CHECK(static_cast<unsigned char>(large[1]) == 127);
  CHECK(static_cast<unsigned char>(large[7]) == 0x01);  // 70000 = 0x011170
  CHECK(static_cast<unsigned char>(large[8]) == 0x11);
  CHECK(static_cast<unsigned char>(large[9]) == 0x70);
  CHECK(encode_frame(Opcode::close, close_payload(CloseCode::too_big)) == std::string("\x88\x02\x03\xF1", 4));
}

TEST_CASE("ws frame: a masked text message is read whole or byte by byte") {
  const std::string text = "网友评论：只显示最新10条";
  const auto bytes = client_frame(0x1, text) + client_frame(0x1, "second");
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, bytes.size()}) {
    CAPTURE(piece);
    const auto seen = read_all(bytes, piece);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].kind == Kind::text);
    CHECK(seen[0].payload == text);
    CHECK(seen[1].payload == "second");
  }
}

TEST_CASE("ws frame: fragments are joined and control frames may come between them") {
  const auto bytes = client_frame(0x1, "发表", false) + client_frame(0x9, "p?") +
                     client_frame(0x0, "评", false) + client_frame(0x0, "论", true);
  for (std::size_t piece : {std::size_t{1}, bytes.size()}) {
    const auto seen = read_all(bytes, piece);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].kind == Kind::ping);
    CHECK(seen[0].payload == "p?");
    CHECK(seen[1].kind == Kind::text);
    CHECK(seen[1].payload == "发表评论");
  }
}

TEST_CASE("ws frame: binary, pong and empty messages") {
  const auto seen = read_all(client_frame(0x2, std::string("\0\1", 2)) + client_frame(0xA, "") +
                             client_frame(0x1, ""));
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].kind == Kind::binary);
  CHECK(seen[0].payload.size() == 2);
  CHECK(seen[1].kind == Kind::pong);
  CHECK(seen[2].kind == Kind::text);
  CHECK(seen[2].payload.empty());
}

TEST_CASE("ws frame: close frames carry a code, or 1005 when empty") {
  auto seen = read_all(client_frame(0x8, std::string("\x03\xE8", 2) + "bye"));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].kind == Kind::close);
  CHECK(seen[0].code == 1000);
  seen = read_all(client_frame(0x8, ""));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].code == 1005);
}

TEST_CASE("ws frame: broken framing is a protocol error (1002)") {
  const std::vector<std::string> broken = {
      client_frame(0x1, "unmasked", true, false),
      std::string("\xC1\x80\0\0\0\0", 6),                     // RSV1 without an extension
      client_frame(0x3, "x"),                                 // reserved opcode
      client_frame(0x0, "continuation of nothing"),
      client_frame(0x1, "a", false) + client_frame(0x1, "b"),  // new message inside one
      client_frame(0x9, std::string(126, 'p')),               // control frame over 125
      client_frame(0x9, "x", false),                          // fragmented control frame
      client_frame(0x8, "\x03"),                              // close with a 1-byte body
      client_frame(0x8, std::string("\x03\xED", 2)),          // 1005 must not be sent
      std::string("\x81\xFE\x00\x05", 4) + "\1\2\3\4" + "12345",  // 16-bit length for 5
  };
  for (const auto& bytes : broken) {
    CAPTURE(bytes.size());
    const auto seen = read_all(bytes);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().kind == Kind::error);
    CHECK(seen.back().code == 1002);
  }
}

TEST_CASE("ws frame: text that is not UTF-8 is refused with 1007, the stream goes on") {
  FrameReader reader(65536);
  const auto seen = read_all(reader, client_frame(0x1, "\xC3\x28") + client_frame(0x1, "ignored") +
                                         client_frame(0x8, std::string("\x03\xE8", 2)),
                             5);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].kind == Kind::error);
  CHECK(seen[0].code == 1007);
  CHECK(seen[1].kind == Kind::close);  // the peer's answer still counts
}

TEST_CASE("ws frame: a message over the limit is refused at its header (1009) and skipped") {
  FrameReader reader(65536);
  const auto exact = read_all(reader, client_frame(0x1, std::string(65536, 'a')), 4096);
  REQUIRE(exact.size() == 1);
  CHECK(exact[0].payload.size() == 65536);

  // Over the limit across fragments: 40,000 + 30,000.
  FrameReader fragmented(65536);
  const auto bytes = client_frame(0x1, std::string(40000, 'b'), false) +
                     client_frame(0x0, std::string(30000, 'c')) +
                     client_frame(0x8, std::string("\x03\xF1", 2));
  const auto seen = read_all(fragmented, bytes, 1000);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].kind == Kind::error);
  CHECK(seen[0].code == 1009);
  CHECK(seen[1].kind == Kind::close);
  CHECK(seen[1].code == 1009);

  // The refusal comes as soon as the header is in, before any payload.
  FrameReader early(65536);
  const auto header_only = client_frame(0x1, std::string(65537, 'd')).substr(0, 14);
  const auto step = early.next(header_only);
  CHECK(step.has_event);
  CHECK(step.event.kind == Kind::error);
  CHECK(step.event.close_code == 1009);
}

TEST_CASE("ws handshake: the accept key of RFC 6455's example") {
  CHECK(accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const auto response = switching_protocols("dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(response.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  CHECK(response.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
  CHECK(response.ends_with("\r\n\r\n"));
}

TEST_CASE("ws handshake: version 13 and a 16-byte key are required") {
  namespace http = boost::beast::http;
  http::request<http::string_body> req{http::verb::get, "/ws", 11};
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  auto checked = check_upgrade(req);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().id == comments::ErrorId::ws_version_unsupported);
  CHECK(refusal_status(checked.error().id) == http::status::upgrade_required);
  req.set(http::field::sec_websocket_version, "13");
  CHECK(check_upgrade(req).ok());
  for (const char* key : {"", "short==", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZR==",
                          "dGhlIHNhbXBsZSBub25j*Q=="}) {
    CAPTURE(key);
    req.set(http::field::sec_websocket_key, key);
    checked = check_upgrade(req);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().id == comments::ErrorId::ws_key_invalid);
    CHECK(refusal_status(checked.error().id) == http::status::bad_request);
  }
}

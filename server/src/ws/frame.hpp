// RFC 6455 framing for the server side, without I/O: encoding the frames we
// send and an incremental reader for the frames clients send.
//
// Why our own and not Beast's websocket::stream: a broadcast reaches each
// reader as one more frame in that reader's queue, and the session writes its
// whole queue with one gather write (one sendmsg for many frames); Beast's
// stream writes one message per async_write. A Beast stream also keeps a read
// buffer of its own per connection, idle or not; ours keeps none while idle
// (bench/RESULTS.md: 1,732 bytes of server RSS per idle joined connection,
// everything included, against the 2 kB target). The HTTP side of the
// upgrade stays with Beast (handshake.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace comments::server::ws {

// The close codes this server sends or checks (RFC 6455, 7.4.1).
enum class CloseCode : std::uint16_t {
  normal = 1000,
  going_away = 1001,        // server shutting down
  protocol_error = 1002,    // broken framing
  invalid_payload = 1007,   // text that is not UTF-8
  policy_violation = 1008,  // a reader too slow to keep up
  too_big = 1009,           // a message over limits::max_frame_bytes
};

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// The header of one unmasked, final frame (servers never mask): 2 to 10
// bytes. A session writes it in front of a payload shared with other
// sessions, so a broadcast's text is encoded once for every reader.
struct FrameHeader {
  std::array<std::uint8_t, 10> bytes{};
  std::uint8_t size = 0;
};
FrameHeader frame_header(Opcode opcode, std::size_t payload_size) noexcept;

// One whole frame: header and payload.
std::string encode_frame(Opcode opcode, std::string_view payload);
// The payload of a close frame with `code` and no reason.
std::string close_payload(CloseCode code);

// Is `code`, received in a close frame, one a peer may send (7.4)?
bool is_valid_received_close_code(std::uint16_t code) noexcept;

// Reads client frames from a byte stream delivered in arbitrary pieces.
// Messages are reassembled from fragments; a message longer than
// `max_message_bytes` is refused as soon as its length is known, so its
// payload is never buffered, and the rest of it is skipped.
class FrameReader {
 public:
  enum class EventKind {
    text,      // a complete text message (UTF-8 checked)
    binary,    // a complete binary message
    ping,      // payload: the ping's data, to be echoed in a pong
    pong,
    close,     // close_code: the peer's code (1005 when it sent none)
    error,     // close_code: what to close with; the reader is done
  };
  struct Event {
    EventKind kind;
    std::string_view payload;  // valid until the next call to next()
    std::uint16_t close_code = 0;
  };
  // Outcome of next(): an event, or "feed me more bytes".
  struct Step {
    bool has_event = false;
    Event event{EventKind::error, {}, 0};
    std::size_t consumed = 0;  // bytes of `input` used, event or not
  };

  explicit FrameReader(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Parses from `input`; call again with the unconsumed rest (plus any new
  // bytes) until it consumes nothing. After an error event the reader only
  // skips input, except that it still reports a close frame (the peer's
  // answer to ours).
  Step next(std::string_view input);

 private:
  void release_memory();
  enum class State { header, payload, skip };
  Step fail(CloseCode code, std::size_t consumed);

  std::size_t max_message_bytes_;
  State state_ = State::header;
  bool failed_ = false;             // an error was reported: only a close frame still counts
  bool broken_ = false;             // framing itself was wrong: all further input is dropped
  bool handed_out_ = false;         // the last event's payload is in message_/control_
  bool in_message_ = false;        // between a non-final data frame and the final one
  Opcode message_opcode_ = Opcode::text;
  Opcode frame_opcode_ = Opcode::text;
  bool frame_final_ = false;
  std::uint64_t frame_remaining_ = 0;
  std::uint8_t mask_[4] = {};
  std::size_t mask_offset_ = 0;
  std::string message_;  // reassembled data message
  std::string control_;  // current control frame's payload
};

}  // namespace comments::server::ws

#include "ws/frame.hpp"

#include <algorithm>

#include "comments/text.hpp"

namespace comments::server::ws {

namespace {

std::uint8_t byte_at(std::string_view s, std::size_t i) { return static_cast<std::uint8_t>(s[i]); }

bool is_control(Opcode op) { return static_cast<std::uint8_t>(op) >= 0x8; }

bool is_known(std::uint8_t op) { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

// Frames we never send again after buffering: control payloads are at most
// 125 bytes, and a data message over this keeps its memory only until the
// next one arrives.
constexpr std::size_t keep_message_capacity = 4096;

}  // namespace

FrameHeader frame_header(Opcode opcode, std::size_t n) noexcept {
  FrameHeader h;
  auto put = [&h](std::uint64_t byte) { h.bytes[h.size++] = static_cast<std::uint8_t>(byte); };
  put(0x80 | static_cast<std::uint8_t>(opcode));
  if (n < 126) {
    put(n);
  } else if (n <= 0xFFFF) {
    put(126);
    put(n >> 8);
    put(n & 0xFF);
  } else {
    put(127);
    for (int shift = 56; shift >= 0; shift -= 8) put((static_cast<std::uint64_t>(n) >> shift) & 0xFF);
  }
  return h;
}

std::string encode_frame(Opcode opcode, std::string_view payload) {
  const FrameHeader h = frame_header(opcode, payload.size());
  std::string frame(reinterpret_cast<const char*>(h.bytes.data()), h.size);
  frame.append(payload);
  return frame;
}

std::string close_payload(CloseCode code) {
  const auto value = static_cast<std::uint16_t>(code);
  return std::string{static_cast<char>(value >> 8), static_cast<char>(value & 0xFF)};
}

bool is_valid_received_close_code(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;  // registered and private use
  switch (code) {
    case 1000: case 1001: case 1002: case 1003: case 1007: case 1008:
    case 1009: case 1010: case 1011: case 1012: case 1013: case 1014:
      return true;
    default:
      return false;  // includes 1004-1006 and 1015, which must never be sent
  }
}

void FrameReader::release_memory() {
  message_.clear();
  if (message_.capacity() > keep_message_capacity) message_.shrink_to_fit();
}

FrameReader::Step FrameReader::fail(CloseCode code, std::size_t consumed) {
  failed_ = true;
  Step step;
  step.has_event = true;
  step.event = {EventKind::error, {}, static_cast<std::uint16_t>(code)};
  step.consumed = consumed;
  return step;
}

FrameReader::Step FrameReader::next(std::string_view input) {
  if (broken_) return {false, {}, input.size()};  // the stream cannot be parsed any more
  if (handed_out_) {
    // Only the handed-out payload goes: a ping may arrive between the
    // fragments of a message still being joined in message_.
    if (is_control(frame_opcode_)) {
      control_.clear();
    } else {
      release_memory();
    }
    handed_out_ = false;
  }
  std::size_t used = 0;
  for (;;) {
    if (state_ == State::header) {
      const std::size_t available = input.size() - used;
      if (available < 2) return {false, {}, used};
      const std::uint8_t b0 = byte_at(input, used);
      const std::uint8_t b1 = byte_at(input, used + 1);
      const std::uint8_t len7 = b1 & 0x7F;
      const bool masked = (b1 & 0x80) != 0;
      std::size_t header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
      if (available < header) return {false, {}, used};

      std::uint64_t length = len7;
      std::size_t pos = used + 2;
      if (len7 == 126) {
        length = (std::uint64_t{byte_at(input, pos)} << 8) | byte_at(input, pos + 1);
        pos += 2;
      } else if (len7 == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | byte_at(input, pos + i);
        pos += 8;
      }
      const std::uint8_t raw_opcode = b0 & 0x0F;
      const bool final = (b0 & 0x80) != 0;
      // Broken framing: nothing after it can be trusted.
      const bool malformed =
          (b0 & 0x70) != 0 || !is_known(raw_opcode) || !masked ||
          (len7 == 126 && length < 126) || (len7 == 127 && (length >> 63 || length <= 0xFFFF));
      const auto opcode = static_cast<Opcode>(raw_opcode);
      const bool control = is_control(opcode);
      const bool bad_sequence =
          control ? (!final || length > 125)
                  : (opcode == Opcode::continuation) != in_message_;
      if (malformed || bad_sequence) {
        broken_ = true;
        return fail(CloseCode::protocol_error, input.size());
      }
      for (int i = 0; i < 4; ++i) mask_[i] = byte_at(input, pos + i);
      used += header;
      mask_offset_ = 0;
      frame_opcode_ = opcode;
      frame_final_ = final;
      frame_remaining_ = length;

      if (failed_ && opcode != Opcode::close) {
        state_ = State::skip;  // after our close frame only the peer's close matters
      } else if (!control && message_.size() + length > max_message_bytes_) {
        state_ = State::skip;
        in_message_ = !final;
        message_.clear();
        message_.shrink_to_fit();
        return fail(CloseCode::too_big, used);
      } else {
        state_ = State::payload;
        if (control) {
          control_.clear();
        } else if (opcode != Opcode::continuation) {
          message_opcode_ = opcode;
        }
      }
    }

    // Payload or skip: take what is there of this frame.
    const std::size_t take = static_cast<std::size_t>(
        std::min<std::uint64_t>(frame_remaining_, input.size() - used));
    if (state_ == State::payload) {
      std::string& target = is_control(frame_opcode_) ? control_ : message_;
      const std::size_t start = target.size();
      target.append(input.substr(used, take));
      for (std::size_t i = start; i < target.size(); ++i) {
        target[i] = static_cast<char>(static_cast<std::uint8_t>(target[i]) ^ mask_[mask_offset_]);
        mask_offset_ = (mask_offset_ + 1) & 3;
      }
    }
    used += take;
    frame_remaining_ -= take;
    if (frame_remaining_ > 0) return {false, {}, used};

    const State finished = state_;
    state_ = State::header;
    if (finished == State::skip) {
      if (!is_control(frame_opcode_)) in_message_ = !frame_final_;
      continue;
    }

    Step step;
    step.has_event = true;
    step.consumed = used;
    switch (frame_opcode_) {
      case Opcode::ping:
        step.event = {EventKind::ping, control_, 0};
        handed_out_ = true;
        return step;
      case Opcode::pong:
        step.event = {EventKind::pong, control_, 0};
        handed_out_ = true;
        return step;
      case Opcode::close: {
        if (control_.size() == 1) {
          broken_ = true;
          return fail(CloseCode::protocol_error, input.size());
        }
        std::uint16_t code = 1005;  // "no status received"
        if (control_.size() >= 2) {
          code = static_cast<std::uint16_t>((byte_at(control_, 0) << 8) | byte_at(control_, 1));
          if (!is_valid_received_close_code(code)) {
            broken_ = true;
            return fail(CloseCode::protocol_error, input.size());
          }
          if (!text::is_valid_utf8(std::string_view(control_).substr(2))) {
            broken_ = true;
            return fail(CloseCode::invalid_payload, input.size());
          }
        }
        step.event = {EventKind::close, {}, code};
        return step;
      }
      default:
        break;
    }
    // A data frame ended.
    if (!frame_final_) {
      in_message_ = true;
      continue;
    }
    in_message_ = false;
    if (message_opcode_ == Opcode::text && !text::is_valid_utf8(message_)) {
      message_.clear();
      return fail(CloseCode::invalid_payload, used);
    }
    step.event = {message_opcode_ == Opcode::text ? EventKind::text : EventKind::binary, message_,
                  0};
    handed_out_ = true;
    return step;
  }
}

}  // namespace comments::server::ws

// The WebSocket frame reader (ws::FrameReader, no I/O), differential: the
// stream fed in one piece and in chunks (split points from the input) must
// give the same events: kinds, payloads and close codes. Input: byte 0 picks
// the message limit, byte 1 seeds the chunk sizes, the rest is the stream.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ws/frame.hpp"

namespace {

using comments::server::ws::FrameReader;

struct Seen {
  FrameReader::EventKind kind;
  std::string payload;
  std::uint16_t close_code;
  bool operator==(const Seen&) const = default;
};

// Feeds what is buffered until the reader consumes nothing more, as a
// session does; the buffer keeps the unconsumed rest.
void drain(FrameReader& reader, std::string& buffer, std::vector<Seen>& out) {
  for (int guard = 0;; ++guard) {
    if (guard > 1'000'000) {
      std::fprintf(stderr, "reader makes no progress\n");
      std::abort();
    }
    const FrameReader::Step step = reader.next(buffer);
    if (step.consumed > buffer.size()) {
      std::fprintf(stderr, "consumed more than given\n");
      std::abort();
    }
    if (step.has_event) {
      out.push_back({step.event.kind, std::string(step.event.payload), step.event.close_code});
    }
    buffer.erase(0, step.consumed);
    if (!step.has_event && step.consumed == 0) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return -1;
  static constexpr std::size_t limits[] = {0, 1, 16, 125, 126, 1000, 65536};
  const std::size_t max_message = limits[data[0] % std::size(limits)];
  std::uint32_t rng = 0x9E3779B9u ^ data[1];
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  std::vector<Seen> whole;
  {
    FrameReader reader(max_message);
    std::string buffer(stream);
    drain(reader, buffer, whole);
  }

  std::vector<Seen> chunked;
  {
    FrameReader reader(max_message);
    std::string buffer;
    std::size_t at = 0;
    while (at < stream.size()) {
      rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
      const std::size_t n = std::min<std::size_t>(1 + rng % 9, stream.size() - at);
      buffer.append(stream.substr(at, n));
      at += n;
      drain(reader, buffer, chunked);
    }
  }

  if (whole != chunked) {
    std::fprintf(stderr, "events differ: %zu in one piece, %zu in chunks\n", whole.size(),
                 chunked.size());
    std::abort();
  }
  return 0;
}

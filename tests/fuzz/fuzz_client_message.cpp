// The client-message parser (comments::parse_client_message) on any text
// frame a browser could send: valid UTF-8 of at most 64 KiB, as the session
// guarantees before parsing. It must return a request or an Error, never crash.
// Its fast path for flat objects (core/src/flat_json.hpp) must build exactly
// what nlohmann's parser builds whenever it takes a frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "../../core/src/flat_json.hpp"
#include "../core/json_same.hpp"
#include "comments/protocol.hpp"
#include "comments/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  if (size > 64 * 1024) return -1;
  // The fast path on any bytes, valid UTF-8 or not.
  if (const auto flat = comments::flat_json::parse_flat_object(frame)) {
    const auto reference = nlohmann::json::parse(frame.begin(), frame.end(), nullptr, false);
    if (reference.is_discarded() || !comments::testing::same_json(*flat, reference)) std::abort();
  }
  if (!comments::text::is_valid_utf8(frame)) return -1;
  const comments::ClientMessage m = comments::parse_client_message(frame);
  if (!m.request) {
    // Every failure has a stable id with a name and a sentence.
    if (comments::name(m.request.error().id).empty() || m.request.error().message.empty()) {
      std::abort();
    }
  }
  return 0;
}

// The client-message parser (comments::parse_client_message) on any text
// frame a browser could send: valid UTF-8 of at most 64 KiB, as the session
// guarantees before parsing. It must return a request or an Error, never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "comments/protocol.hpp"
#include "comments/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  if (size > 64 * 1024 || !comments::text::is_valid_utf8(frame)) return -1;
  const comments::ClientMessage m = comments::parse_client_message(frame);
  if (!m.request) {
    // Every failure has a stable id with a name and a sentence.
    if (comments::name(m.request.error().id).empty() || m.request.error().message.empty()) {
      std::abort();
    }
  }
  return 0;
}

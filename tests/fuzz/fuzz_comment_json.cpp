// The reading of comment objects from server messages (comment_from_json over
// nlohmann::json::parse without exceptions, read_comment in
// comment_fields.hpp, the same template the widget's JS-side reader uses).
// Any JSON must give a comment or an Error; a comment read must survive a
// round trip through to_json unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "comments/comment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return -1;
  const comments::Result<comments::Comment> c = comments::comment_from_json(j);
  if (!c) {
    if (comments::name(c.error().id).empty()) std::abort();
    return 0;
  }
  nlohmann::json again;
  to_json(again, *c);
  const comments::Result<comments::Comment> back = comments::comment_from_json(again);
  if (!back || !(*back == *c)) std::abort();
  return 0;
}

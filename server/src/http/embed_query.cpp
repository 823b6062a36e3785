#include "http/embed_query.hpp"

#include <charconv>
#include <utility>

#include "comments/text.hpp"
#include "http/web_files.hpp"

namespace comments::server {

std::variant<EmbedQuery, std::string> parse_embed_query(std::string_view query) {
  EmbedQuery parsed;
  auto thread = query_param(query, "thread");
  if (!thread) return "thread is required: /embed/latest?thread=KEY&limit=N&lang=zh-CN|en";
  if (!text::is_valid_utf8(*thread) || thread->empty() ||
      text::count_code_points(*thread) > limits::max_thread_chars || text::has_control(*thread)) {
    return "thread must be 1-200 characters without control characters";
  }
  parsed.thread = std::move(*thread);
  if (const auto text = query_param(query, "limit")) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < 1 ||
        value > limits::max_join_limit) {
      return "limit must be a whole number from 1 to 50";
    }
    parsed.limit = value;
  }
  if (const auto text = query_param(query, "lang"); text && !parse_embed_lang(*text, parsed.lang)) {
    return "lang must be zh-CN or en";
  }
  return parsed;
}

}  // namespace comments::server

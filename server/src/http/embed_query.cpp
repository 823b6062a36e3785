#include "http/embed_query.hpp"

#include <charconv>
#include <utility>

#include "comments/text.hpp"
#include "http/web_files.hpp"

namespace comments::server {

Result<EmbedQuery> parse_embed_query(std::string_view query) {
  EmbedQuery parsed;
  auto thread = query_param(query, "thread");
  if (!thread) {
    return Error{ErrorId::embed_thread_missing,
                 "thread is required: /embed/latest?thread=KEY&limit=N&lang=zh-CN|en"};
  }
  if (!text::is_valid_utf8(*thread) || thread->empty() ||
      text::count_code_points(*thread) > limits::max_thread_chars || text::has_control(*thread)) {
    return Error{ErrorId::embed_thread_invalid, "thread must be 1-200 characters without control characters"};
  }
  parsed.thread = std::move(*thread);
  if (const auto text = query_param(query, "limit")) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < 1 ||
        value > limits::max_join_limit) {
      return Error{ErrorId::embed_limit_invalid, "limit must be a whole number from 1 to 50"};
    }
    parsed.limit = value;
  }
  if (const auto text = query_param(query, "lang")) {
    auto lang = parse_embed_lang(*text);
    if (!lang) return lang.error();
    parsed.lang = *lang;
  }
  return parsed;
}

}  // namespace comments::server

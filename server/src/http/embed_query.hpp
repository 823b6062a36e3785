// The query of GET /embed/latest (`thread=K&limit=N&lang=L`, form-encoded),
// checked in one place for both its users: the HTTP endpoint and the page
// includes (page_includes.hpp).
#pragma once

#include <string>
#include <string_view>

#include "comments/limits.hpp"
#include "http/embed.hpp"

namespace comments::server {

// What an /embed/latest query asks for, validated.
struct EmbedQuery {
  std::string thread;
  int limit = limits::default_join_limit;
  EmbedLang lang = EmbedLang::zh_cn;
};

// The query, or on a bad parameter an embed_* error (its message is the 400 body).
Result<EmbedQuery> parse_embed_query(std::string_view query);

}  // namespace comments::server

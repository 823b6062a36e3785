// `comment-server copy-store --from DB --to DB`: copies a whole store into
// an empty one, any engine to any (e.g. a site moving from its SQLite file to
// PostgreSQL). Every comment (ids, statuses, pins and flag counts kept), flag,
// ban, filter list, audit row, thread title and secret (the address-hash key, so bans keep
// matching) is copied in ONE transaction on the target: a failed copy leaves
// it empty. The id generators of the target continue after the largest id.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/store.hpp"

namespace comments::server {

struct CopyCounts {
  std::int64_t comments = 0;
  std::int64_t flags = 0;
  std::int64_t likes = 0;
  std::int64_t bans = 0;
  std::int64_t filter_words = 0;
  std::int64_t audit = 0;
  std::int64_t secrets = 0;
  std::int64_t threads = 0;  // thread titles and links
};

// Both stores must be engines of this build (SQLite or PostgreSQL). Throws
// StoreError when the target holds any row, or on any failure.
CopyCounts copy_store(Store& from, Store& to);

// Opens both with open_store (so the target's schema is created) and copies.
CopyCounts copy_store(const std::string& from_db, const std::string& to_db);

}  // namespace comments::server

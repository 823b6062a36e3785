#include "store/copy_store.hpp"

#include "store/open_store.hpp"
#include "store/store_rows.hpp"

namespace comments::server {
namespace {

constexpr int chunk = 5000;

StoreRows& rows_of(Store& store, const char* which) {
  auto* rows = dynamic_cast<StoreRows*>(&store);
  if (!rows) throw StoreError(std::string("the ") + which + " store cannot be copied row by row");
  return *rows;
}

}  // namespace

CopyCounts copy_store(Store& from, Store& to) {
  StoreRows& source = rows_of(from, "source");
  StoreRows& target = rows_of(to, "target");
  if (target.holds_rows()) throw StoreError("the target database is not empty");
  CopyCounts counts;
  target.begin_copy();
  try {
    // Comments in id order, so every parent is in before its replies.
    for (std::int64_t last = 0;;) {
      const auto rows = source.comments_after(last, chunk);
      if (rows.empty()) break;
      target.put_comments(rows);
      counts.comments += static_cast<std::int64_t>(rows.size());
      last = rows.back().comment.id;
    }
    const auto flags = source.all_flags();
    target.put_flags(flags);
    counts.flags = static_cast<std::int64_t>(flags.size());
    const auto likes = source.all_likes();
    target.put_likes(likes);
    counts.likes = static_cast<std::int64_t>(likes.size());
    const auto bans = source.all_bans();
    target.put_bans(bans);
    counts.bans = static_cast<std::int64_t>(bans.size());
    const FilterLists filters = from.load_filters();
    target.put_filters(filters);
    counts.filter_words = static_cast<std::int64_t>(filters.banned.size() + filters.suspect.size());
    for (std::int64_t last = 0;;) {
      const auto rows = source.audit_after(last, chunk);
      if (rows.empty()) break;
      target.put_audit(rows);
      counts.audit += static_cast<std::int64_t>(rows.size());
      last = rows.back().id;
    }
    const auto threads = source.all_threads();
    target.put_threads(threads);
    counts.threads = static_cast<std::int64_t>(threads.size());
    const auto secrets = source.all_secrets();
    target.put_secrets(secrets);
    counts.secrets = static_cast<std::int64_t>(secrets.size());
    target.finish_copy();
  } catch (...) {
    target.abort_copy();
    throw;
  }
  return counts;
}

CopyCounts copy_store(const std::string& from_db, const std::string& to_db) {
  auto from = open_store(from_db);
  auto to = open_store(to_db);
  return copy_store(*from, *to);
}

}  // namespace comments::server

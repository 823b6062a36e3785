// A thread with 200,000 comments: latest/page/queue return the right rows.
// (Speed is measured elsewhere; nothing here depends on timing.)
#include <doctest/doctest.h>

#include <vector>

#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::new_comment;
using store_test::TestDb;

TEST_CASE("latest and page on a thread with 200,000 comments") {
  TestDb db;
  auto store = db.open();
  constexpr int total = 200'000;
  constexpr int batch_size = 20'000;

  // Every 7th post is pending and every 3rd goes to a neighbouring thread, so
  // the index has to skip rows that are not the thread's published ones.
  std::vector<std::int64_t> published_ids;  // of "big", in id order
  std::int64_t last_pending = 0;
  int refused = 0;
  for (int start = 0; start < total; start += batch_size) {
    std::vector<NewComment> batch;
    batch.reserve(batch_size);
    for (int i = start; i < start + batch_size; ++i) {
      const bool pending = i % 7 == 0;
      const bool neighbour = i % 3 == 0;
      batch.push_back(new_comment(neighbour ? "big-neighbour" : "big", "comment " + std::to_string(i),
                                  std::nullopt, pending ? Status::pending : Status::published));
    }
    auto results = store->insert(batch);
    REQUIRE(results.size() == batch.size());
    for (const InsertResult& stored : results) {
      if (!stored) {
        ++refused;
        continue;
      }
      if (stored->thread != "big") continue;
      if (stored->status == Status::published) published_ids.push_back(stored->id);
      else last_pending = stored->id;
    }
  }
  REQUIRE(refused == 0);
  // Pin three old published comments.
  store->moderate(published_ids[10], ModerateAction::pin);
  store->moderate(published_ids[20], ModerateAction::pin);
  store->moderate(published_ids[30], ModerateAction::pin);

  const ThreadSnapshot snap = store->latest("big", 50);
  CHECK(snap.total == static_cast<std::int64_t>(published_ids.size()));
  REQUIRE(snap.newest.size() == 50);
  for (std::size_t k = 0; k < 50; ++k) {
    CHECK(snap.newest[k].id == published_ids[published_ids.size() - 1 - k]);
  }
  REQUIRE(snap.pinned.size() == 3);
  CHECK(snap.pinned[0].id == published_ids[30]);
  CHECK(snap.pinned[2].id == published_ids[10]);

  // A page from the middle of the thread.
  const std::size_t middle = published_ids.size() / 2;
  const auto page = store->page("big", published_ids[middle], 50);
  REQUIRE(page.size() == 50);
  for (std::size_t k = 0; k < 50; ++k) CHECK(page[k].id == published_ids[middle - 1 - k]);
  // The very start of the thread.
  CHECK(store->page("big", published_ids[2], 50).size() == 2);

  QueueQuery pending;
  pending.status = QueueStatus::pending;
  pending.thread = "big";
  pending.limit = 1;
  const auto newest_pending = store->queue(pending);
  REQUIRE(newest_pending.size() == 1);
  CHECK(newest_pending[0].id == last_pending);

  // Unpublishing one keeps the counter exact.
  store->moderate(published_ids.back(), ModerateAction::remove);
  CHECK(store->published_count("big") == static_cast<std::int64_t>(published_ids.size()) - 1);
  CHECK(store->latest("big", 1).newest.at(0).id == published_ids[published_ids.size() - 2]);
}

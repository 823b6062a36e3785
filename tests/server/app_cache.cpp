// The thread caches stay exact: after each moderation action the snapshot a
// new reader gets from memory equals what the store holds.
#include "app_support.hpp"

using namespace app_test;

namespace {

// Joins a new reader and checks its snapshot (served from the cache) against
// the store's own answer.
void check_cache_matches_store(AppFixture& f, const std::string& thread, int limit) {
  auto probe = f.connect("192.0.2.200");
  const json snapshot = f.join(probe, thread, limit);
  const ThreadSnapshot stored = f.stored(thread, limit);
  CHECK(snapshot["total"] == stored.total);
  CHECK(ids_of(snapshot["comments"]) == ids_of(stored.newest));
  CHECK(ids_of(snapshot["pinned"]) == ids_of(stored.pinned));
  f.app.disconnected(*probe);
}

std::int64_t moderate(AppFixture& f, const std::shared_ptr<FakePeer>& moderator, std::int64_t id,
                      const std::string& action) {
  const json reply = f.request(moderator, {{"type", "moderate"}, {"id", id}, {"action", action}},
                               action + std::to_string(id));
  REQUIRE(reply["type"] == "ok");
  return reply["comment"]["id"].get<std::int64_t>();
}

}  // namespace

TEST_CASE("the cache matches the store after approve, reject, delete, pin and unpin") {
  AppOptions options = AppFixture::default_options();
  AppFixture f(options);
  auto moderator = f.moderator();
  auto reader = f.reader("192.0.2.2", "t");
  auto author = f.connect("192.0.2.3");

  std::vector<std::int64_t> ids;
  for (int i = 0; i < 12; ++i) {
    ids.push_back(f.post(author, "t", "评论" + std::to_string(i))["comment"]["id"].get<std::int64_t>());
  }
  // A held one, through a suspect word.
  f.request(moderator, {{"type", "filters"}, {"suspect", {"可疑"}}}, "f");
  const auto held = f.post(author, "t", "可疑内容")["comment"]["id"].get<std::int64_t>();
  check_cache_matches_store(f, "t", 10);

  moderate(f, moderator, held, "approve");
  REQUIRE(f.settle([&] { return reader->of_type("update").size() == 1; }));
  CHECK(reader->of_type("update")[0]["total"] == 13);
  check_cache_matches_store(f, "t", 10);

  moderate(f, moderator, ids[11], "reject");
  moderate(f, moderator, ids[5], "delete");
  moderate(f, moderator, ids[0], "pin");
  REQUIRE(f.settle([&] { return reader->of_type("update").size() == 4; }));
  CHECK(reader->of_type("update")[2]["total"] == 11);
  check_cache_matches_store(f, "t", 10);
  check_cache_matches_store(f, "t", 3);

  moderate(f, moderator, ids[0], "unpin");
  REQUIRE(f.settle([&] { return reader->of_type("update").size() == 5; }));
  check_cache_matches_store(f, "t", 10);

  // Rejecting what is already rejected changes nothing readers see: no update.
  moderate(f, moderator, ids[11], "reject");
  f.post(author, "t", "之后");
  REQUIRE(f.settle([&] { return reader->of_type("comment").size() == 13; }));
  CHECK(reader->of_type("update").size() == 5);
  check_cache_matches_store(f, "t", 10);
}

TEST_CASE("deleting comments until the cache runs short reloads it from the store") {
  AppFixture f;
  auto moderator = f.moderator();
  auto author = f.connect("192.0.2.3");
  auto reader = f.connect("192.0.2.2");
  std::vector<std::int64_t> ids;
  // More than the cache holds, so older comments exist only in the store.
  for (int i = 0; i < static_cast<int>(ThreadHub::cache_capacity) + 20; ++i) {
    ids.push_back(f.post(author, "t", "第" + std::to_string(i) + "条")["comment"]["id"].get<std::int64_t>());
  }
  f.join(reader, "t", 10);
  for (std::size_t i = 0; i < ThreadHub::cache_capacity; ++i) {
    moderate(f, moderator, ids[ids.size() - 1 - i], "delete");
  }
  check_cache_matches_store(f, "t", 10);
  // Older pages come from the store once the cache cannot answer them.
  const json page = f.request(reader, {{"type", "more"}, {"thread", "t"}, {"before", ids[15]}, {"limit", 5}}, "more");
  CHECK(ids_of(page["comments"]) == std::vector<std::int64_t>{ids[14], ids[13], ids[12], ids[11], ids[10]});
}

TEST_CASE("a flag reaches the moderators and leaves what readers see unchanged") {
  AppFixture f;
  auto moderator = f.moderator();
  auto author = f.connect("192.0.2.3");
  auto reader = f.connect("192.0.2.2");
  const auto id = f.post(author, "t", "有争议")["comment"]["id"].get<std::int64_t>();
  CHECK(f.request(reader, {{"type", "flag"}, {"id", id}, {"reason", "spam"}}, "flag")["type"] == "ok");
  REQUIRE(f.settle([&] { return moderator->of_type("queued").size() == 1; }));
  CHECK(moderator->of_type("queued")[0]["comment"]["flags"] == 1);
  CHECK(reader->of_type("update").empty());
  check_cache_matches_store(f, "t", 10);
  CHECK(f.request(reader, {{"type", "flag"}, {"id", id + 100}}, "flag2")["code"] == "not_found");
}

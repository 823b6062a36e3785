// Store::after: the catch-up read of an instance that may have missed events
// (published comments of one thread above an id, oldest first).
#include <doctest/doctest.h>

#include <vector>

#include "store/sqlite_store.hpp"
#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::add;
using store_test::new_comment;
using store_test::TempDb;

namespace {

std::vector<std::int64_t> ids(const std::vector<Comment>& comments) {
  std::vector<std::int64_t> out;
  for (const Comment& c : comments) out.push_back(c.id);
  return out;
}

}  // namespace

TEST_CASE("after: published comments of the thread above the id, oldest first, at most limit") {
  TempDb db;
  auto store = open_sqlite_store(db.path());
  const Comment a = add(*store, new_comment("t", "一"));
  const Comment other = add(*store, new_comment("other", "别的"));
  const Comment held = add(*store, new_comment("t", "待审", std::nullopt, Status::pending));
  const Comment b = add(*store, new_comment("t", "二"));
  const Comment c = add(*store, new_comment("t", "三"));
  const Comment d = add(*store, new_comment("t", "四"));
  REQUIRE(store->moderate(d.id, ModerateAction::remove));

  CHECK(ids(store->after("t", 0, 10)) == std::vector<std::int64_t>{a.id, b.id, c.id});
  CHECK(ids(store->after("t", a.id, 10)) == std::vector<std::int64_t>{b.id, c.id});
  CHECK(ids(store->after("t", 0, 2)) == std::vector<std::int64_t>{a.id, b.id});
  CHECK(store->after("t", c.id, 10).empty());
  CHECK(store->after("t", 0, 0).empty());
  CHECK(ids(store->after("other", 0, 10)) == std::vector<std::int64_t>{other.id});
  // Approved later: it is published now, so it is there.
  REQUIRE(store->moderate(held.id, ModerateAction::approve));
  CHECK(ids(store->after("t", a.id, 10)) == std::vector<std::int64_t>{held.id, b.id, c.id});
  const auto page = store->after("t", 0, 1);
  REQUIRE(page.size() == 1);
  CHECK(page[0] == *store->find(a.id));
}

// copy-store: a SQLite store with every kind of row copied into PostgreSQL
// and back, compared row by row; the target must be empty; ids continue
// after the copied ones. Runs in store_tests_pg (it needs both engines).
#include <doctest/doctest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "store/copy_store.hpp"
#include "store/store_rows.hpp"
#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::add;
using store_test::Engine;
using store_test::new_comment;
using store_test::TestDb;

namespace {

// Fills `store` with one of everything (every status, a reply, a pin,
// flags, bans, filters, audit, two secrets).
void fill(Store& store) {
  const Comment root = add(store, new_comment("news/1", "第一条评论", std::nullopt, Status::published, "张三", "hash-a"));
  add(store, new_comment("news/1", "reply", root.id, Status::published, "Bob", "hash-b"));
  const Comment held = add(store, new_comment("news/1", "held", std::nullopt, Status::pending, "Eve", "hash-e"));
  const Comment gone = add(store, new_comment("news/2", "gone", std::nullopt, Status::published, "x", "hash-x"));
  add(store, new_comment("news/2", "rejected", std::nullopt, Status::rejected, "y", "hash-y"));
  for (int i = 0; i < 30; ++i) add(store, new_comment("news/3", "c" + std::to_string(i), std::nullopt, Status::published, "m", "hash-m"));
  store.moderate(root.id, ModerateAction::pin);
  store.moderate(gone.id, ModerateAction::remove);
  store.flag(root.id, "flagger-1", "spam", 11);
  store.flag(root.id, "flagger-2", "", 12);
  store.flag(root.id + 1, "flagger-1", "rude", 13);
  store.like(root.id, "liker-1", true, 14);
  store.like(root.id, "liker-2", true, 15);
  (void)held;
  store.ban("hash-e", 20);
  store.ban(NewBan{"hash-x", 21, 86'400'021, "alice", "spam links", gone.id});
  // A held post's reason and a thread's title and link.
  add(store, [] {
    auto c = new_comment("news/1", "held by a word", std::nullopt, Status::pending, "Eve", "hash-e");
    c.held = "word:广告";
    return c;
  }());
  // An author's comment (its secret's hash), edited by its author.
  const Comment own = add(store, [] {
    auto c = new_comment("news/1", "mine", std::nullopt, Status::published, "Ann", "hash-n");
    c.author_key = std::string(31, '\x01') + '\xfe';
    return c;
  }());
  store.change_own(own.id, AuthorChange{std::string("mine, edited"), Status::published, {}, 40});
  store.set_thread_info("news/1", "第一篇", "https://example.com/news/1", 30);
  store.save_filters(FilterLists{{"敏感词", "zebra"}, {"广告"}});
  for (int i = 0; i < 3; ++i) {
    AuditEntry e;
    e.at = 100 + i;
    e.action = i == 2 ? "filters" : "approve";
    if (i != 2) e.comment = root.id;
    e.thread = i == 2 ? "" : "news/1";
    e.moderator = "session-" + std::to_string(i);
    e.detail = "pending -> published";
    store.append_audit(e);
  }
  store.secret("address-key", 32);
  store.secret("other", 16);
}

struct Everything {
  std::vector<StoredComment> comments;
  std::vector<AuditEntry> audit;
  std::vector<FlagRow> flags;
  std::vector<LikeRow> likes;
  std::vector<BanRow> bans;
  std::vector<SecretRow> secrets;
  std::vector<ThreadRow> threads;
  FilterLists filters;
  std::vector<std::int64_t> counts;  // published per thread
};

Everything everything(Store& store) {
  auto& rows = dynamic_cast<StoreRows&>(store);
  Everything all;
  all.comments = rows.comments_after(0, 1'000'000);
  all.audit = rows.audit_after(0, 1'000'000);
  all.flags = rows.all_flags();
  all.likes = rows.all_likes();
  all.bans = rows.all_bans();
  all.secrets = rows.all_secrets();
  all.threads = rows.all_threads();
  all.filters = store.load_filters();
  for (const char* thread : {"news/1", "news/2", "news/3"}) all.counts.push_back(store.published_count(thread));
  return all;
}

void check_same(const Everything& a, const Everything& b) {
  REQUIRE(a.comments.size() == b.comments.size());
  // The author's key and the edit time are among what is copied.
  CHECK(std::any_of(a.comments.begin(), a.comments.end(), [](const StoredComment& c) {
    return c.author_key.size() == 32 && c.comment.edited == std::optional<std::int64_t>(40);
  }));
  for (std::size_t i = 0; i < a.comments.size(); ++i) {
    CAPTURE(i);
    CHECK(a.comments[i] == b.comments[i]);
  }
  REQUIRE(a.audit.size() == b.audit.size());
  for (std::size_t i = 0; i < a.audit.size(); ++i) {
    CHECK(a.audit[i].id == b.audit[i].id);
    CHECK(a.audit[i].at == b.audit[i].at);
    CHECK(a.audit[i].action == b.audit[i].action);
    CHECK(a.audit[i].comment == b.audit[i].comment);
    CHECK(a.audit[i].thread == b.audit[i].thread);
    CHECK(a.audit[i].moderator == b.audit[i].moderator);
    CHECK(a.audit[i].detail == b.audit[i].detail);
  }
  CHECK(a.flags == b.flags);
  CHECK(a.likes == b.likes);
  CHECK(a.bans == b.bans);
  CHECK(a.secrets == b.secrets);
  CHECK(a.threads == b.threads);
  CHECK(a.filters.banned == b.filters.banned);
  CHECK(a.filters.suspect == b.filters.suspect);
  CHECK(a.counts == b.counts);
}

}  // namespace

TEST_SUITE("pg") {

TEST_CASE("copy-store: SQLite to PostgreSQL and back keeps every row") {
  TestDb sqlite(Engine::sqlite);
  TestDb pg(Engine::pg);
  TestDb back(Engine::sqlite);
  Everything original;
  {
    auto source = sqlite.open();
    fill(*source);
    original = everything(*source);
  }
  REQUIRE(original.comments.size() == 37);
  REQUIRE(original.threads.size() == 1);
  REQUIRE(original.flags.size() == 3);
  REQUIRE(original.secrets.size() == 2);

  const CopyCounts counts = copy_store(sqlite.spec(), pg.spec());
  CHECK(counts.comments == 37);
  CHECK(counts.threads == 1);
  CHECK(counts.flags == 3);
  CHECK(counts.likes == 2);
  CHECK(counts.bans == 2);
  CHECK(counts.filter_words == 3);
  CHECK(counts.audit == 3);
  CHECK(counts.secrets == 2);

  auto target = pg.open();
  check_same(original, everything(*target));
  // The address-hash key came along, so bans keep matching.
  CHECK(target->secret("address-key", 32) == original.secrets[0].value);
  // New ids continue after the copied ones, for comments and audit alike.
  const Comment next = add(*target, new_comment("news/1", "after the move"));
  CHECK(next.id == original.comments.back().comment.id + 1);
  AuditEntry e;
  e.action = "pin";
  e.thread = "news/1";
  CHECK(target->append_audit(e).id == original.audit.back().id + 1);
  CHECK(target->published_count("news/1") == original.counts[0] + 1);
  target.reset();

  // And back into SQLite: the same rows again.
  copy_store(pg.spec(), back.spec());
  auto returned = back.open();
  auto moved = pg.open();
  check_same(everything(*moved), everything(*returned));
  CHECK(add(*returned, new_comment("t", "x")).id == next.id + 1);
}

TEST_CASE("copy-store refuses a target that holds anything, and leaves it as it was") {
  TestDb sqlite(Engine::sqlite);
  TestDb pg(Engine::pg);
  {
    auto source = sqlite.open();
    fill(*source);
  }
  {
    auto target = pg.open();
    target->ban("someone", 1);
  }
  try {
    copy_store(sqlite.spec(), pg.spec());
    FAIL("copy succeeded");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("not empty") != std::string::npos);
  }
  auto target = pg.open();
  CHECK(target->bans(0) == std::vector<PosterBan>{{"someone", std::nullopt}});
  CHECK(target->latest("news/1", 10).newest.empty());
}

TEST_CASE("a copy that fails half-way leaves the target empty") {
  TestDb sqlite(Engine::sqlite);
  TestDb pg(Engine::pg);
  {
    auto source = sqlite.open();
    fill(*source);
  }
  { auto target = pg.open(); }
  pg.inject_insert_failure("c20");
  CHECK_THROWS_AS(copy_store(sqlite.spec(), pg.spec()), StoreError);
  CHECK(pg.text("SELECT count(*) FROM comments") == "0");
  CHECK(pg.text("SELECT count(*) FROM thread_counts") == "0");
}

}  // TEST_SUITE("pg")

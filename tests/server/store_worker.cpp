// StoreWorker: ordering, group commit, failure reporting, draining on stop.
#include "store/store_worker.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "failing_store.hpp"
#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::FailingStore;
using store_test::new_comment;
using store_test::TestDb;

namespace {


}  // namespace

TEST_CASE("a post is committed before its callback and before later jobs") {
  TestDb db;
  StoreWorker worker(db.open());
  std::promise<PostOutcome> outcome;
  worker.post(new_comment("t", "你好"), [&](PostOutcome o) { outcome.set_value(std::move(o)); });
  std::promise<std::int64_t> count_seen_by_job;
  worker.run([&](Store& store) { count_seen_by_job.set_value(store.published_count("t")); });

  const PostOutcome o = outcome.get_future().get();
  CHECK_FALSE(o.failed);
  REQUIRE(o.comment);
  CHECK(o.comment->body == "你好");
  CHECK(count_seen_by_job.get_future().get() == 1);
  worker.stop();
  CHECK(worker.stats().batches == 1);
  CHECK(worker.stats().posts == 1);
}

TEST_CASE("a post whose parent is elsewhere is answered, not failed") {
  TestDb db;
  StoreWorker worker(db.open());
  std::promise<PostOutcome> outcome;
  worker.post(new_comment("t", "orphan", 12345), [&](PostOutcome o) { outcome.set_value(std::move(o)); });
  const PostOutcome o = outcome.get_future().get();
  CHECK_FALSE(o.failed);
  CHECK_FALSE(o.comment);
}

TEST_CASE("posts queued while the worker is busy share one group commit") {
  TestDb db;
  StoreWorker worker(db.open());

  // Hold the worker inside a job until every poster has queued its posts.
  std::promise<void> job_started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  worker.run([&](Store&) {
    job_started.set_value();
    released.wait();
  });
  job_started.get_future().wait();

  constexpr int posters = 4;
  constexpr int posts_each = 50;
  std::mutex results_mutex;
  std::vector<PostOutcome> outcomes;
  std::vector<std::thread> threads;
  for (int p = 0; p < posters; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < posts_each; ++i) {
        worker.post(new_comment("busy", "poster " + std::to_string(p) + " post " + std::to_string(i)),
                    [&](PostOutcome o) {
                      std::lock_guard lock(results_mutex);
                      outcomes.push_back(std::move(o));
                    });
      }
    });
  }
  for (std::thread& t : threads) t.join();
  release.set_value();
  worker.stop();

  REQUIRE(outcomes.size() == posters * posts_each);
  std::set<std::int64_t> ids;
  for (const PostOutcome& o : outcomes) {
    CHECK_FALSE(o.failed);
    REQUIRE(o.comment);
    ids.insert(o.comment->id);
  }
  CHECK(ids.size() == outcomes.size());
  const StoreWorker::Stats stats = worker.stats();
  CHECK(stats.posts == posters * posts_each);
  CHECK(stats.batches == 1);  // all 200 were waiting when the job returned
  CHECK(db.open()->published_count("busy") == posters * posts_each);
}

TEST_CASE("batches queued in one round share a commit and each gets its own outcomes, in order") {
  TestDb db;
  StoreWorker worker(db.open());
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  worker.run([&](Store&) { released.wait(); });  // holds the worker until both are queued

  std::promise<std::vector<PostOutcome>> first, second;
  worker.post_batch({new_comment("a", "一"), new_comment("a", "二"), new_comment("b", "三")},
                    [&](std::vector<PostOutcome> o) { first.set_value(std::move(o)); });
  worker.post_batch({new_comment("b", "四")},
                    [&](std::vector<PostOutcome> o) { second.set_value(std::move(o)); });
  release.set_value();
  const auto a = first.get_future().get();
  const auto b = second.get_future().get();
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == 1);
  std::vector<std::string> bodies;
  std::int64_t last_id = 0;
  for (const PostOutcome& o : a) {
    REQUIRE(o.comment);
    CHECK(o.comment->id > last_id);
    last_id = o.comment->id;
    bodies.push_back(o.comment->body);
  }
  REQUIRE(b[0].comment);
  CHECK(b[0].comment->id > last_id);
  CHECK(bodies == std::vector<std::string>{"一", "二", "三"});
  worker.stop();
  CHECK(worker.stats().batches == 1);  // one transaction for both batches
  CHECK(worker.stats().posts == 4);
}

TEST_CASE("a store that throws makes every post of the batch fail, and the worker goes on") {
  TestDb db;
  StoreWorker worker(std::make_unique<FailingStore>(db.open()));
  std::promise<PostOutcome> outcome;
  worker.post(new_comment("t", "lost?"), [&](PostOutcome o) { outcome.set_value(std::move(o)); });
  const PostOutcome o = outcome.get_future().get();
  CHECK(o.failed);
  CHECK(o.error.find("injected") != std::string::npos);
  CHECK_FALSE(o.comment);

  // A job that throws is logged and the next one still runs.
  worker.run([](Store& store) { store.moderate(1, ModerateAction::approve); });
  std::promise<std::int64_t> count;
  worker.run([&](Store& store) { count.set_value(store.published_count("t")); });
  CHECK(count.get_future().get() == 0);
  worker.stop();
  CHECK(worker.stats().batches == 0);
}

TEST_CASE("a real engine failure reaches the callbacks and nothing of the batch is stored") {
  TestDb db;
  StoreWorker worker(db.open());
  db.inject_insert_failure("boom");

  // Queue both while the worker is held inside a job it has already taken, so
  // they share the next batch (a job still queued could be taken together
  // with the first post, which would then commit alone).
  std::promise<void> job_started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  worker.run([&](Store&) {
    job_started.set_value();
    released.wait();
  });
  job_started.get_future().wait();
  std::promise<PostOutcome> fine_outcome;
  std::promise<PostOutcome> boom_outcome;
  worker.post(new_comment("t", "fine"), [&](PostOutcome o) { fine_outcome.set_value(std::move(o)); });
  worker.post(new_comment("t", "boom"), [&](PostOutcome o) { boom_outcome.set_value(std::move(o)); });
  release.set_value();

  const PostOutcome fine = fine_outcome.get_future().get();
  const PostOutcome boom = boom_outcome.get_future().get();
  CHECK(fine.failed);
  CHECK(boom.failed);
  CHECK(fine.error.find("injected failure") != std::string::npos);
  std::promise<std::int64_t> count;
  worker.run([&](Store& store) { count.set_value(store.published_count("t")); });
  CHECK(count.get_future().get() == 0);
}

TEST_CASE("stop finishes everything queued; later posts fail at once") {
  TestDb db;
  StoreWorker worker(db.open());
  std::atomic<int> answered{0};
  std::atomic<int> jobs_run{0};
  for (int i = 0; i < 100; ++i) {
    worker.post(new_comment("t", "p" + std::to_string(i)), [&](PostOutcome o) {
      if (!o.failed && o.comment) ++answered;
    });
    if (i % 10 == 0) worker.run([&](Store&) { ++jobs_run; });
  }
  worker.stop();
  CHECK(answered == 100);
  CHECK(jobs_run == 10);
  CHECK(worker.stats().posts == 100);
  CHECK(worker.stats().batches <= 100);

  bool failed_at_once = false;
  worker.post(new_comment("t", "too late"), [&](PostOutcome o) { failed_at_once = o.failed; });
  CHECK(failed_at_once);
  worker.stop();  // idempotent
  CHECK(db.open()->published_count("t") == 100);
}

// The one thread that talks to the Store. Network code never blocks on disk:
// it hands work here and gets a callback. Posts that arrive while a commit is
// running are committed together in the next transaction (group commit), so
// durability (fsync per commit) does not cap throughput.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace comments::server {

struct PostOutcome {
  bool failed = false;   // the store threw: answer `internal`, nothing stored
  std::string error;     // what failed, for the log
  InsertResult comment;  // stored comment, or nullopt when the parent was not found
};

class StoreWorker {
 public:
  explicit StoreWorker(std::unique_ptr<Store> store);
  ~StoreWorker();  // stop()
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Queues posts for the next group commit, in one hand-off (one lock, one
  // wake-up for the lot: per-post hand-offs between the threads cost more
  // than SQLite's insert). `done` runs once on the worker thread after the
  // transaction holding them has committed (or failed), with one outcome per
  // post in batch order.
  using BatchDone = std::function<void(std::vector<PostOutcome>)>;
  void post_batch(std::vector<NewComment> batch, BatchDone done);
  // One post: post_batch of one.
  void post(NewComment comment, std::function<void(PostOutcome)> done);

  // Runs `job` on the worker thread, after everything queued before it.
  // Exceptions from `job` are caught and logged; jobs report their own errors.
  void run(std::function<void(Store&)> job);

  // Finishes everything queued, then joins the thread. Idempotent.
  void stop();

  // Group commits so far: insert() batches that committed and the posts they
  // held (posts / batches is the group-commit factor). For tests and metrics.
  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t posts = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace comments::server

// The one thread that talks to the Store. Network code never blocks on disk:
// it hands work here and gets a callback. Posts that arrive while a commit is
// running are committed together in the next transaction (group commit), so
// durability (fsync per commit) does not cap throughput.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

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

  // Queues a post for the next group commit. `done` runs on the worker thread
  // after the transaction holding the post has committed (or failed).
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

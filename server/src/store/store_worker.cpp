// The StoreWorker thread. Each round it takes everything queued at once: all
// the posts of all the batches go into ONE insert() (one transaction, one
// fsync), each batch's callback runs, then the jobs run in the order they were
// queued. So a job always runs
// after every post queued before it (posts queued just after it may share the
// same group commit and be visible to it too, which no caller depends on).
#include "store/store_worker.hpp"

#include "support/log.hpp"
#include "support/metrics.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace comments::server {

struct StoreWorker::Impl {
  struct QueuedBatch {
    std::vector<NewComment> posts;
    BatchDone done;
  };
  using Job = std::function<void(Store&)>;
  using Item = std::variant<QueuedBatch, Job>;

  explicit Impl(std::unique_ptr<Store> owned) : store(std::move(owned)) {
    if (!store) throw std::invalid_argument("StoreWorker needs a store");
    thread = std::thread([this] { loop(); });
  }

  // Takes the item unless the worker has stopped (then `item` is untouched
  // and false is returned).
  bool enqueue(Item&& item) {
    {
      std::lock_guard lock(mutex);
      if (stopping) return false;
      queue.push_back(std::move(item));
    }
    wake.notify_one();
    return true;
  }

  void loop() {
    for (;;) {
      std::vector<Item> round;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and everything queued is done
        round.swap(queue);
      }
      commit_posts(round);
      run_jobs(round);
    }
  }

  void commit_posts(std::vector<Item>& round) {
    // Every batch queued in this round goes into one insert (one transaction).
    std::vector<QueuedBatch*> batches_in_round;
    std::vector<NewComment> all;
    for (Item& item : round) {
      if (auto* batch = std::get_if<QueuedBatch>(&item)) {
        batches_in_round.push_back(batch);
        std::move(batch->posts.begin(), batch->posts.end(), std::back_inserter(all));
      }
    }
    if (all.empty()) return;

    std::vector<PostOutcome> outcomes(all.size());
    try {
      const auto started = std::chrono::steady_clock::now();
      std::vector<InsertResult> results = store->insert(all);
      // Observed here, on this thread: the histograms are atomics (metrics.hpp).
      metrics().store_commit_seconds.observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      metrics().store_batch_size.observe(static_cast<double>(all.size()));
      if (results.size() != all.size()) {
        throw StoreError("insert returned " + std::to_string(results.size()) + " results for " +
                         std::to_string(all.size()) + " posts");
      }
      for (std::size_t i = 0; i < results.size(); ++i) outcomes[i].comment = std::move(results[i]);
      batches.fetch_add(1, std::memory_order_relaxed);
      committed_posts.fetch_add(all.size(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
      fail_all(outcomes, e.what());
    } catch (...) {
      fail_all(outcomes, "unknown exception from the store");
    }

    // Hand each batch its own outcomes, in order.
    auto next = outcomes.begin();
    for (QueuedBatch* batch : batches_in_round) {
      const auto end = next + static_cast<std::ptrdiff_t>(batch->posts.size());
      std::vector<PostOutcome> mine(std::make_move_iterator(next), std::make_move_iterator(end));
      next = end;
      try {
        batch->done(std::move(mine));
      } catch (const std::exception& e) {
        log_error("store-callback-failed", "error=" + log_value(e.what()));
      } catch (...) {
        log_error("store-callback-failed", "error=unknown");
      }
    }
  }

  static void fail_all(std::vector<PostOutcome>& outcomes, const std::string& error) {
    for (PostOutcome& outcome : outcomes) {
      outcome.failed = true;
      outcome.error = error;
      outcome.comment.reset();
    }
  }

  void run_jobs(std::vector<Item>& round) {
    for (Item& item : round) {
      auto* job = std::get_if<Job>(&item);
      if (!job) continue;
      try {
        (*job)(*store);
      } catch (const std::exception& e) {
        log_error("store-job-failed", "error=" + log_value(e.what()));
      } catch (...) {
        log_error("store-job-failed", "error=unknown");
      }
    }
  }

  void stop() {
    std::lock_guard stop_lock(stop_mutex);  // two concurrent stop() calls join once
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_one();
    if (thread.joinable()) thread.join();
  }

  std::unique_ptr<Store> store;
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Item> queue;
  bool stopping = false;
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> committed_posts{0};
  std::mutex stop_mutex;
  std::thread thread;  // last: starts after every other member exists
};

StoreWorker::StoreWorker(std::unique_ptr<Store> store)
    : impl_(std::make_unique<Impl>(std::move(store))) {}

StoreWorker::~StoreWorker() { stop(); }

void StoreWorker::post_batch(std::vector<NewComment> batch, BatchDone done) {
  const std::size_t count = batch.size();
  Impl::Item item{Impl::QueuedBatch{std::move(batch), std::move(done)}};
  if (impl_->enqueue(std::move(item))) return;
  // After stop() no worker thread is left to run it: answer at once, on the
  // caller's thread, so no poster is left waiting forever.
  std::vector<PostOutcome> outcomes(count);
  Impl::fail_all(outcomes, "the store worker has stopped");
  std::get<Impl::QueuedBatch>(item).done(std::move(outcomes));
}

void StoreWorker::post(NewComment comment, std::function<void(PostOutcome)> done) {
  std::vector<NewComment> one;
  one.push_back(std::move(comment));
  post_batch(std::move(one), [done = std::move(done)](std::vector<PostOutcome> outcomes) {
    done(std::move(outcomes.front()));
  });
}

void StoreWorker::run(std::function<void(Store&)> job) {
  Impl::Item item{std::move(job)};
  if (!impl_->enqueue(std::move(item))) log_error("store-job-dropped", "error=" + log_value("the store worker has stopped"));
}

void StoreWorker::stop() { impl_->stop(); }

StoreWorker::Stats StoreWorker::stats() const {
  return Stats{impl_->batches.load(std::memory_order_relaxed),
               impl_->committed_posts.load(std::memory_order_relaxed)};
}

}  // namespace comments::server

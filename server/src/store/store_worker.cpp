// The StoreWorker thread. Each round it takes everything queued at once: all
// the posts go into ONE insert() (one transaction, one fsync), their callbacks
// run, then the jobs run in the order they were queued. So a job always runs
// after every post queued before it (posts queued just after it may share the
// same group commit and be visible to it too, which no caller depends on).
#include "store/store_worker.hpp"

#include "support/log.hpp"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace comments::server {

struct StoreWorker::Impl {
  struct QueuedPost {
    NewComment comment;
    std::function<void(PostOutcome)> done;
  };
  using Job = std::function<void(Store&)>;
  using Item = std::variant<QueuedPost, Job>;

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
    std::vector<QueuedPost*> posts;
    std::vector<NewComment> batch;
    for (Item& item : round) {
      if (auto* post = std::get_if<QueuedPost>(&item)) {
        posts.push_back(post);
        batch.push_back(std::move(post->comment));
      }
    }
    if (posts.empty()) return;

    std::vector<PostOutcome> outcomes(posts.size());
    try {
      std::vector<InsertResult> results = store->insert(batch);
      if (results.size() != batch.size()) {
        throw StoreError("insert returned " + std::to_string(results.size()) + " results for " +
                         std::to_string(batch.size()) + " posts");
      }
      for (std::size_t i = 0; i < results.size(); ++i) outcomes[i].comment = std::move(results[i]);
      batches.fetch_add(1, std::memory_order_relaxed);
      committed_posts.fetch_add(posts.size(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
      fail_all(outcomes, e.what());
    } catch (...) {
      fail_all(outcomes, "unknown exception from the store");
    }

    for (std::size_t i = 0; i < posts.size(); ++i) {
      try {
        posts[i]->done(std::move(outcomes[i]));
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

void StoreWorker::post(NewComment comment, std::function<void(PostOutcome)> done) {
  Impl::Item item{Impl::QueuedPost{std::move(comment), std::move(done)}};
  if (impl_->enqueue(std::move(item))) return;
  // After stop() no worker thread is left to run it: answer at once, on the
  // caller's thread, so the poster is not left waiting forever.
  PostOutcome outcome;
  outcome.failed = true;
  outcome.error = "the store worker has stopped";
  std::get<Impl::QueuedPost>(item).done(std::move(outcome));
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

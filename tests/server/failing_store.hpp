// A Store test double for the worker and application tests.
#pragma once

#include <atomic>
#include <memory>

#include "store/store.hpp"

namespace store_test {

using namespace comments;
using namespace comments::server;

// The store test double: a real engine whose writes fail, as on a dead disk,
// while `failing` is set (from the start unless told otherwise); reads always
// go to the real one.
class FailingStore final : public Store {
 public:
  explicit FailingStore(std::unique_ptr<Store> real, std::shared_ptr<std::atomic<bool>> failing =
                                                        std::make_shared<std::atomic<bool>>(true))
      : real_(std::move(real)), failing_(std::move(failing)) {}

  std::vector<InsertResult> insert(const std::vector<NewComment>& batch) override {
    fail_if_set();
    return real_->insert(batch);
  }
  ThreadSnapshot latest(std::string_view thread, int limit) override { return real_->latest(thread, limit); }
  std::vector<Comment> page(std::string_view thread, std::int64_t before, int limit) override {
    return real_->page(thread, before, limit);
  }
  std::vector<Comment> after(std::string_view thread, std::int64_t after_id, int limit) override {
    return real_->after(thread, after_id, limit);
  }
  std::optional<Comment> find(std::int64_t id) override { return real_->find(id); }
  std::int64_t published_count(std::string_view thread) override { return real_->published_count(thread); }
  std::optional<Moderated> moderate(std::int64_t id, ModerateAction action) override {
    fail_if_set();
    return real_->moderate(id, action);
  }
  std::vector<OwnedComment> owned(const std::vector<std::int64_t>& ids) override { return real_->owned(ids); }
  std::optional<Moderated> change_own(std::int64_t id, const AuthorChange& change) override {
    fail_if_set();
    return real_->change_own(id, change);
  }
  std::optional<Comment> flag(std::int64_t id, std::string_view flagger, std::string_view reason,
                              std::int64_t at) override {
    return real_->flag(id, flagger, reason, at);
  }
  std::optional<Comment> like(std::int64_t id, std::string_view liker, bool liked, std::int64_t at) override {
    fail_if_set();
    return real_->like(id, liker, liked, at);
  }
  std::vector<Comment> hot(std::string_view thread, int limit) override { return real_->hot(thread, limit); }
  std::vector<Comment> queue(const QueueQuery& q) override { return real_->queue(q); }
  std::optional<std::string> poster_of(std::int64_t id) override { return real_->poster_of(id); }
  std::vector<QueueContext> queue_context(const std::vector<Comment>& items) override {
    return real_->queue_context(items);
  }
  QueueCounts queue_counts() override { return real_->queue_counts(); }
  std::vector<QueueEvent> queue_events(std::int64_t since, int limit) override {
    return real_->queue_events(since, limit);
  }
  void set_thread_info(std::string_view thread, std::string_view title, std::string_view url,
                       std::int64_t at) override {
    fail_if_set();
    real_->set_thread_info(thread, title, url, at);
  }
  void ban(const NewBan& ban) override {
    fail_if_set();
    real_->ban(ban);
  }
  std::vector<std::string> unban(std::string_view key) override {
    fail_if_set();
    return real_->unban(key);
  }
  std::vector<PosterBan> bans(std::int64_t now) override { return real_->bans(now); }
  std::vector<BanEntry> ban_list(std::int64_t now, int limit) override { return real_->ban_list(now, limit); }
  FilterLists load_filters() override { return real_->load_filters(); }
  void save_filters(const FilterLists& lists) override {
    fail_if_set();
    real_->save_filters(lists);
  }
  AuditEntry append_audit(AuditEntry entry) override { return real_->append_audit(std::move(entry)); }
  std::vector<AuditEntry> audit(std::optional<std::int64_t> before, int limit) override {
    return real_->audit(before, limit);
  }
  std::string secret(std::string_view name, std::size_t bytes) override { return real_->secret(name, bytes); }

 private:
  void fail_if_set() const {
    if (failing_->load()) throw StoreError("disk I/O error (injected)");
  }

  std::unique_ptr<Store> real_;
  std::shared_ptr<std::atomic<bool>> failing_;
};

}  // namespace store_test

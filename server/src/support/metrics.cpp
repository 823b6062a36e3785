#include "support/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace comments::server {
namespace {

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels, const std::string& value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

void counter(std::string& out, std::string_view name, std::string_view help, const Counter& c) {
  header(out, name, help, "counter");
  sample(out, name, {}, std::to_string(c.value()));
}

void gauge(std::string& out, std::string_view name, std::string_view help, const Gauge& g) {
  header(out, name, help, "gauge");
  sample(out, name, {}, number(g.value()));
}

void histogram(std::string& out, std::string_view name, std::string_view help, const Histogram& h) {
  header(out, name, help, "histogram");
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < h.bounds().size(); ++i) {
    sample(out, bucket, "le=\"" + number(h.bounds()[i]) + "\"", std::to_string(h.cumulative(i)));
  }
  sample(out, bucket, "le=\"+Inf\"", std::to_string(h.cumulative(h.bounds().size())));
  sample(out, std::string(name) + "_sum", {}, number(h.sum()));
  sample(out, std::string(name) + "_count", {}, std::to_string(h.count()));
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) noexcept {
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v
  buckets_[static_cast<std::size_t>(at - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Histogram::cumulative(std::size_t i) const noexcept {
  std::uint64_t total = 0;
  for (std::size_t b = 0; b <= i && b <= bounds_.size(); ++b) total += buckets_[b].load(std::memory_order_relaxed);
  return total;
}

Metrics::Metrics()
    : store_commit_seconds({0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}),
      store_batch_size({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}),
      redis_publish_lag_seconds({0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}) {}

std::string Metrics::render() const {
  std::string out;
  out.reserve(6000);
  gauge(out, "comments_open_connections", "WebSocket connections open now.", open_connections);
  gauge(out, "comments_joined_threads", "Threads that at least one connection has joined.", joined_threads);
  gauge(out, "comments_moderator_sessions", "Moderator sessions signed in.", moderators);
  gauge(out, "comments_sqlite_memory_bytes", "Bytes SQLite has allocated (mostly its page cache, capped by cache_size).",
        sqlite_memory);

  header(out, "comments_posts_total",
         "Posts by outcome: accepted (published), held (pending), blocked (filter), refused (by reason).",
         "counter");
  sample(out, "comments_posts_total", "outcome=\"accepted\"", std::to_string(posts_accepted.value()));
  sample(out, "comments_posts_total", "outcome=\"held\"", std::to_string(posts_held.value()));
  sample(out, "comments_posts_total", "outcome=\"blocked\"", std::to_string(posts_blocked.value()));
  sample(out, "comments_posts_total", "outcome=\"refused\",reason=\"banned\"",
         std::to_string(posts_refused_banned.value()));
  sample(out, "comments_posts_total", "outcome=\"refused\",reason=\"rate_limited\"",
         std::to_string(posts_refused_rate_limited.value()));
  sample(out, "comments_posts_total", "outcome=\"refused\",reason=\"no_parent\"",
         std::to_string(posts_refused_no_parent.value()));
  sample(out, "comments_posts_total", "outcome=\"refused\",reason=\"server_failed\"",
         std::to_string(posts_refused_server_failed.value()));

  counter(out, "comments_deliveries_total", "Comment and update events queued to joined readers.", deliveries);
  counter(out, "comments_slow_reader_drops_total",
          "Connections closed because they stopped reading while messages piled up.", slow_reader_drops);
  histogram(out, "comments_store_commit_seconds", "Time of one group commit (one transaction, one fsync).",
            store_commit_seconds);
  histogram(out, "comments_store_batch_size", "Posts per group commit.", store_batch_size);
  histogram(out, "comments_redis_publish_lag_seconds",
            "Time from commit to Redis accepting the publish (0 until the Redis fan-out feeds it).",
            redis_publish_lag_seconds);
  counter(out, "comments_redis_reconnects_total", "Reconnections to Redis (0 until the Redis fan-out feeds it).",
          redis_reconnects);
  return out;
}

Metrics& metrics() {
  static Metrics instance;
  return instance;
}

}  // namespace comments::server

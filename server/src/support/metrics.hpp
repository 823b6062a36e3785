// The server's metrics and their Prometheus text exposition (GET /metrics on
// the --metrics-listen address; docs/server.md "Metrics").
//
// Hand-written, not prometheus-cpp: Debian 12 does not package it
// (`apt-cache policy libprometheus-cpp-dev` finds nothing), and what the
// server needs is small: counters, gauges and histograms with fixed buckets,
// no labels chosen at run time, one text format. Every value is a relaxed
// std::atomic, so the io thread and the StoreWorker thread update them
// without a lock and the scrape (on the io thread) reads them without
// stopping either. A scrape may see a histogram's count one observation
// ahead of its buckets; Prometheus tolerates that (each scrape is a sample).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace comments::server {

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A gauge: set or moved by the code, or read from `source` at each scrape
// (the source runs on the scraping thread: the io thread).
class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void set_source(std::function<double()> source) { source_ = std::move(source); }
  double value() const { return source_ ? source_() : value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
  std::function<double()> source_;
};

// Fixed upper bounds (ascending), plus +Inf.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v) noexcept;
  const std::vector<double>& bounds() const noexcept { return bounds_; }
  // Cumulative count of observations <= bounds()[i] (i == bounds().size(): all).
  std::uint64_t cumulative(std::size_t i) const noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative; last = +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Every series the server exports. One per process (metrics()); members are
// registered at construction, so the set of series never changes at run time.
struct Metrics {
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Gauges read at scrape time (sources set by main.cpp).
  Gauge open_connections;  // WebSocket connections open now
  Gauge joined_threads;    // threads with at least one reader joined
  Gauge moderators;        // moderator sessions signed in
  Gauge sqlite_memory;     // bytes SQLite holds (its page cache, mostly)

  // Posts by what became of them. accepted: published at once; held: stored
  // pending (premoderation or a suspect word); blocked: refused by the filter;
  // refused: not stored for another reason.
  Counter posts_accepted;
  Counter posts_held;
  Counter posts_blocked;
  Counter posts_refused_banned;
  Counter posts_refused_rate_limited;
  Counter posts_refused_no_parent;
  Counter posts_refused_server_failed;

  Counter deliveries;          // comment/update events queued to readers
  Counter slow_reader_drops;   // connections closed because they stopped reading

  Histogram store_commit_seconds;  // one group commit (insert() of a batch), StoreWorker thread
  Histogram store_batch_size;      // posts per group commit

  // The Redis bus (--redis): the time from a PUBLISH handed to hiredis to its
  // reply, and connections made again after a loss (bus/redis_*.cpp).
  Histogram redis_publish_lag_seconds;
  Counter redis_reconnects;

  // The Prometheus text exposition format (version 0.0.4) of every series.
  std::string render() const;
};

Metrics& metrics();

}  // namespace comments::server

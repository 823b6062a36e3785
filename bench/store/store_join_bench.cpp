// store_join_bench: the store side of `join` and of group commit, measured
// through the Store interface on either engine (--db PATH or postgresql://…).
//
//   store_join_bench --db DB --thread KEY [--joins N] [--batches N] [--batch-size N]
//
// joins: latest(KEY, 50) N times after N/10 warm-up calls (warm cache), then
// p50/p99/max. batches: N inserts of --batch-size posts each into a thread of
// their own (one transaction each, as StoreWorker commits), then posts/s and
// the time per batch. Fill the thread first with prefill_store.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "store/open_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, thread;
  int joins = 10'000, batches = 0, batch_size = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--db") db = argv[i + 1];
    else if (flag == "--thread") thread = argv[i + 1];
    else if (flag == "--joins") joins = std::atoi(argv[i + 1]);
    else if (flag == "--batches") batches = std::atoi(argv[i + 1]);
    else if (flag == "--batch-size") batch_size = std::atoi(argv[i + 1]);
    else db.clear();
  }
  if (db.empty() || thread.empty() || joins < 1 || batch_size < 1) {
    std::fprintf(stderr, "usage: store_join_bench --db DB --thread KEY [--joins N] [--batches N] [--batch-size N]\n");
    return 2;
  }
  try {
    auto store = comments::server::open_store(db);
    for (int i = 0; i < joins / 10; ++i) (void)store->latest(thread, 50);
    std::vector<double> times;
    times.reserve(static_cast<std::size_t>(joins));
    std::int64_t total = 0;
    for (int i = 0; i < joins; ++i) {
      const auto start = Clock::now();
      const auto snapshot = store->latest(thread, 50);
      times.push_back(ms_since(start));
      total = snapshot.total;
    }
    std::printf("join %s (%lld published): %d calls, p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", thread.c_str(),
                static_cast<long long>(total), joins, percentile(times, 0.5), percentile(times, 0.99),
                *std::max_element(times.begin(), times.end()));

    if (batches > 0) {
      std::vector<double> batch_times;
      const auto all = Clock::now();
      for (int b = 0; b < batches; ++b) {
        std::vector<comments::server::NewComment> batch;
        for (int i = 0; i < batch_size; ++i) {
          comments::server::NewComment c;
          c.thread = "bench-ingest";
          c.author = "bench";
          c.body = "group commit post " + std::to_string(b) + "/" + std::to_string(i);
          c.created = 1;
          c.poster = "bench";
          batch.push_back(std::move(c));
        }
        const auto start = Clock::now();
        store->insert(batch);
        batch_times.push_back(ms_since(start));
      }
      const double seconds = ms_since(all) / 1000.0;
      std::printf("insert: %d batches of %d posts, %.0f posts/s, per batch p50 %.2f ms, p99 %.2f ms\n", batches,
                  batch_size, batches * batch_size / seconds, percentile(batch_times, 0.5),
                  percentile(batch_times, 0.99));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_join_bench: %s\n", e.what());
    return 1;
  }
}

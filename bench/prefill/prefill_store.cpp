// prefill_store: fills one thread of a comment-server database with N
// published comments through the server's own Store (open_store +
// Store::insert), in batches of 10,000 per transaction. This is the fast path
// the join benchmark uses for "a thread holding 1,000,000 comments": posting a
// million comments over WebSocket would measure ingest, not join, and writing
// SQL by hand would bypass the schema (and counters) the server maintains.
//
//   prefill_store --db PATH|URI --thread KEY --count N
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "store/open_store.hpp"

namespace {

int usage() {
  std::fprintf(stderr, "usage: prefill_store --db PATH --thread KEY --count N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, thread;
  long long count = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--db") db = argv[i + 1];
    else if (flag == "--thread") thread = argv[i + 1];
    else if (flag == "--count") count = std::atoll(argv[i + 1]);
    else return usage();
  }
  if (argc % 2 != 1 || db.empty() || thread.empty() || count < 1) return usage();

  try {
    auto store = comments::server::open_store(db);
    const auto started = std::chrono::steady_clock::now();
    const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    constexpr long long batch_size = 10'000;
    std::vector<comments::server::NewComment> batch;
    batch.reserve(batch_size);
    for (long long done = 0; done < count;) {
      batch.clear();
      for (long long i = 0; i < batch_size && done + i < count; ++i) {
        const long long n = done + i;
        comments::server::NewComment c;
        c.thread = thread;
        c.author = n % 3 == 0 ? "网友" : "reader" + std::to_string(n % 997);
        c.body = "第" + std::to_string(n) + "条评论：推进长三角一体化发展中的基层社会治理 - comment " +
                 std::to_string(n) + " on the article, prefilled for the join benchmark.";
        c.created = now_ms - (count - n);  // one ms apart, oldest first
        c.status = comments::Status::published;
        c.poster = "prefill";
        batch.push_back(std::move(c));
      }
      store->insert(batch);
      done += static_cast<long long>(batch.size());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("prefilled %lld comments into thread %s in %.1f s\n", count, thread.c_str(), seconds);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "prefill_store: %s\n", e.what());
    return 1;
  }
}

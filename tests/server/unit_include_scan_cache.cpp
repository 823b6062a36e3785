// The cache of HTML pages known to hold no comment include: hits, misses on a
// changed size or mtime, pages with includes and recent writes never kept,
// and the bound with least-recently-used eviction.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/include_scan_cache.hpp"

using comments::server::IncludeScanCache;
using std::filesystem::file_time_type;
using std::filesystem::path;
using namespace std::chrono_literals;

namespace {

const file_time_type now = file_time_type::clock::now();
const file_time_type old = now - 1h;  // long settled

}  // namespace

TEST_CASE("include scan cache: a page remembered without includes is a hit for its size and mtime") {
  IncludeScanCache cache;
  CHECK(cache.capacity() == IncludeScanCache::default_capacity);
  const path page = "/srv/web/about.html";
  CHECK_FALSE(cache.known_without_includes(page, 120, old));
  cache.remember(page, 120, old, false, now);
  CHECK(cache.size() == 1);
  CHECK(cache.known_without_includes(page, 120, old));
  CHECK(cache.known_without_includes(page, 120, old));  // a hit does not use it up
  CHECK_FALSE(cache.known_without_includes("/srv/web/other.html", 120, old));
}

TEST_CASE("include scan cache: another size or mtime is a miss and drops the stale entry") {
  IncludeScanCache cache;
  const path page = "/srv/web/文章.html";
  cache.remember(page, 120, old, false, now);
  CHECK_FALSE(cache.known_without_includes(page, 121, old));
  CHECK(cache.size() == 0);
  // Not even the old pair is known any more: the file is scanned again.
  CHECK_FALSE(cache.known_without_includes(page, 120, old));

  cache.remember(page, 120, old, false, now);
  CHECK_FALSE(cache.known_without_includes(page, 120, old + 1ns));
  CHECK(cache.size() == 0);

  // Rescanned at its new size and mtime, it is known again (one entry per path).
  cache.remember(page, 120, old, false, now);
  cache.remember(page, 200, old + 1s, false, now);
  CHECK(cache.size() == 1);
  CHECK(cache.known_without_includes(page, 200, old + 1s));
  CHECK_FALSE(cache.known_without_includes(page, 120, old));
}

TEST_CASE("include scan cache: pages with includes are not kept, and replace what was known") {
  IncludeScanCache cache;
  const path page = "/srv/web/article.html";
  cache.remember(page, 300, old, true, now);
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.known_without_includes(page, 300, old));

  cache.remember(page, 100, old, false, now);
  REQUIRE(cache.known_without_includes(page, 100, old));
  cache.remember(page, 100, old, true, now);  // same key, a directive now: trust the scan
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.known_without_includes(page, 100, old));
}

TEST_CASE("include scan cache: a file modified in the last moments is not remembered yet") {
  IncludeScanCache cache;
  const path page = "/srv/web/fresh.html";
  cache.remember(page, 10, now - 1s, false, now);
  CHECK(cache.size() == 0);
  cache.remember(page, 10, now + 5s, false, now);  // clock skew: a future mtime
  CHECK(cache.size() == 0);
  cache.remember(page, 10, now - IncludeScanCache::settle_time, false, now);
  CHECK(cache.known_without_includes(page, 10, now - IncludeScanCache::settle_time));

  // A recent write of a known path also forgets what was known of it.
  cache.remember(page, 10, now, false, now);
  CHECK(cache.size() == 0);
}

TEST_CASE("include scan cache: bounded, the least recently used page leaves first") {
  IncludeScanCache cache(3);
  cache.remember("/a.html", 1, old, false, now);
  cache.remember("/b.html", 2, old, false, now);
  cache.remember("/c.html", 3, old, false, now);
  CHECK(cache.size() == 3);
  // Used just now, /a.html is no longer the oldest: /b.html goes.
  REQUIRE(cache.known_without_includes("/a.html", 1, old));
  cache.remember("/d.html", 4, old, false, now);
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.known_without_includes("/b.html", 2, old));
  CHECK(cache.known_without_includes("/c.html", 3, old));
  CHECK(cache.known_without_includes("/a.html", 1, old));
  CHECK(cache.known_without_includes("/d.html", 4, old));

  // Remembering a known path again refreshes it without taking a second place.
  cache.remember("/c.html", 3, old, false, now);
  cache.remember("/e.html", 5, old, false, now);  // /a.html is now the oldest
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.known_without_includes("/a.html", 1, old));
  CHECK(cache.known_without_includes("/c.html", 3, old));

  IncludeScanCache none(0);
  none.remember("/a.html", 1, old, false, now);
  CHECK(none.size() == 0);
  CHECK_FALSE(none.known_without_includes("/a.html", 1, old));
}

TEST_CASE("include scan cache: used from several threads it stays within its bound") {
  IncludeScanCache cache(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const path page = "/p" + std::to_string((i * 7 + t) % 20) + ".html";
        const auto size = static_cast<std::uintmax_t>(i % 3);
        if (!cache.known_without_includes(page, size, old)) {
          cache.remember(page, size, old, i % 5 == 0, now);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(cache.size() <= 8);
}

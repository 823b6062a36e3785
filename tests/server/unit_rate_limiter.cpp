// The sliding-window post limit.
#include <doctest/doctest.h>

#include "app/rate_limiter.hpp"

using comments::server::RateLimiter;

TEST_CASE("rate: N posts in the window pass, the next is refused until the oldest leaves") {
  RateLimiter limiter(3, 60'000);
  CHECK_FALSE(limiter.try_acquire("a", 1'000));
  CHECK_FALSE(limiter.try_acquire("a", 2'000));
  CHECK_FALSE(limiter.try_acquire("a", 3'000));
  const auto retry = limiter.try_acquire("a", 10'000);
  REQUIRE(retry);
  CHECK(*retry == 51'000);  // the post at 1 s leaves the window at 61 s
  // A refused post is not counted: still refused just before, allowed at 61 s.
  CHECK(limiter.try_acquire("a", 60'999) == 1);
  CHECK_FALSE(limiter.try_acquire("a", 61'000));
  CHECK(limiter.try_acquire("a", 61'001) == 1'000 - 1);  // next oldest: 2 s -> 62 s
}

TEST_CASE("rate: keys are independent") {
  RateLimiter limiter(1, 60'000);
  CHECK_FALSE(limiter.try_acquire("a", 0));
  CHECK(limiter.try_acquire("a", 1));
  CHECK_FALSE(limiter.try_acquire("b", 1));
}

TEST_CASE("rate: limit 0 means no limit and tracks nothing") {
  RateLimiter limiter(0, 60'000);
  for (int i = 0; i < 1000; ++i) CHECK_FALSE(limiter.try_acquire("a", i));
  CHECK(limiter.tracked_keys() == 0);
}

TEST_CASE("rate: sweep forgets keys whose posts all left the window") {
  RateLimiter limiter(5, 60'000);
  CHECK_FALSE(limiter.try_acquire("old", 0));
  CHECK_FALSE(limiter.try_acquire("new", 50'000));
  limiter.sweep(60'000);
  CHECK(limiter.tracked_keys() == 1);
  limiter.sweep(110'000);
  CHECK(limiter.tracked_keys() == 0);
}

// The pieces of the limits per client: the token bucket and the refusal log
// that writes one line per address and window.
#include <doctest/doctest.h>

#include <string>

#include "support/refusal_log.hpp"
#include "support/token_bucket.hpp"

using namespace comments::server;

TEST_CASE("token bucket: a burst of capacity, then one per 1/rate, with the exact wait") {
  TokenBucket bucket;
  const double rate = 20;
  const double burst = 40;
  for (int i = 0; i < 40; ++i) CHECK_FALSE(bucket.take(1000, rate, burst).has_value());
  const auto wait = bucket.take(1000, rate, burst);
  REQUIRE(wait.has_value());
  CHECK(*wait == 50);  // one token at 20/s
  CHECK(bucket.take(1030, rate, burst) == 20);
  CHECK_FALSE(bucket.take(1050, rate, burst).has_value());
  CHECK(bucket.take(1050, rate, burst).has_value());
  CHECK_FALSE(bucket.full(1050, rate));
  // Refills to the capacity and no further.
  CHECK(bucket.full(1050 + 2000, rate));
  for (int i = 0; i < 40; ++i) CHECK_FALSE(bucket.take(100'000, rate, burst).has_value());
  CHECK(bucket.take(100'000, rate, burst).has_value());
  // A clock that goes back counts as no time passed.
  CHECK(bucket.take(99'000, rate, burst).has_value());
}

TEST_CASE("token bucket: the wait is never 0 and rounds up") {
  TokenBucket bucket;
  CHECK_FALSE(bucket.take(0, 3, 1).has_value());
  CHECK(bucket.take(0, 3, 1) == 334);  // 1000/3 ms, rounded up
  CHECK(bucket.take(333, 3, 1) == 1);
}

TEST_CASE("refusal log: once per limit and address per window, counting the rest") {
  RefusalLog log(60'000, 1000);
  CHECK(log.note("embed-rate", "aaaa", 0) == 0u);
  for (int i = 0; i < 5; ++i) CHECK_FALSE(log.note("embed-rate", "aaaa", 1000 + i).has_value());
  CHECK(log.note("embed-rate", "bbbb", 1000) == 0u);          // another address
  CHECK(log.note("connections", "aaaa", 1000) == 0u);         // another limit
  CHECK_FALSE(log.note("embed-rate", "aaaa", 59'999).has_value());
  CHECK(log.note("embed-rate", "aaaa", 60'000) == 6u);        // the next window says how many
  CHECK_FALSE(log.note("embed-rate", "aaaa", 60'001).has_value());
  CHECK(log.tracked() == 3);
}

TEST_CASE("refusal log: bounded, forgetting ended windows first") {
  RefusalLog log(60'000, 100);
  for (int i = 0; i < 100; ++i) CHECK(log.note("x", std::to_string(i), 0) == 0u);
  CHECK(log.tracked() == 100);
  // Full, all windows running: it starts over instead of growing.
  CHECK(log.note("x", "new", 10) == 0u);
  CHECK(log.tracked() == 1);
  for (int i = 0; i < 99; ++i) CHECK(log.note("y", std::to_string(i), 70'000) == 0u);
  CHECK(log.tracked() == 100);
  // Full again, "new" window over: only it goes.
  CHECK(log.note("z", "later", 70'020) == 0u);
  CHECK(log.tracked() == 100);
  CHECK_FALSE(log.note("y", "5", 70'030).has_value());  // still remembered
}

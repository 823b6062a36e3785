// Rate limits against the real binary: --rate N per client address and 60 s
// window, what counts, retry_after_ms, and --trust-proxy's X-Forwarded-For.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

ConnectOptions forwarded_for(std::string header) {
  ConnectOptions options;
  options.forwarded_for = std::move(header);
  return options;
}

void check_rate_limited(const json& reply) {
  CAPTURE(reply.dump());
  CHECK(reply["type"] == "error");
  CHECK(reply["code"] == "rate_limited");
  REQUIRE(reply.contains("retry_after_ms"));
  REQUIRE(reply["retry_after_ms"].is_number_integer());
  // When the oldest counted post leaves the 60 s window: in the future, within it.
  CHECK(reply["retry_after_ms"].get<std::int64_t>() > 0);
  CHECK(reply["retry_after_ms"].get<std::int64_t>() <= 60'000);
}

}  // namespace

TEST_CASE("rate_limited: at most --rate posts per address in 60 s, with retry_after_ms") {
  ServerOptions options;
  options.rate = 3;
  TestServer test(options);
  WsClient client(test.server);
  // Posts that fail validation do not count.
  for (int i = 0; i < 5; ++i) CHECK(client.request(post_msg("t", ""))["code"] == "invalid");
  const auto before_first = std::chrono::steady_clock::now();
  post_ok(client, "t", "第0条");
  const auto after_first = std::chrono::steady_clock::now();
  for (int i = 1; i < 3; ++i) post_ok(client, "t", "第" + std::to_string(i) + "条");
  const auto before_refused = std::chrono::steady_clock::now();
  const json limited = client.request(
      {{"type", "post"}, {"thread", "t"}, {"body", "one too many"}, {"req", "r4"}});
  const auto after_refused = std::chrono::steady_clock::now();
  check_rate_limited(limited);
  CHECK(limited["req"] == "r4");
  // retry_after_ms is when the oldest counted post (the first) leaves the
  // window: 60 s after it was counted, less the time since. Both instants are
  // bracketed by our own clock readings; 50 ms covers clock granularity.
  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  const auto retry = limited["retry_after_ms"].get<std::int64_t>();
  CHECK(retry >= 60'000 - ms(after_refused - before_first) - 50);
  CHECK(retry <= 60'000 - ms(before_refused - after_first) + 50);
  // Per address, not per connection.
  WsClient same_address(test.server);
  check_rate_limited(same_address.request(post_msg("other-thread", "still me")));
  // Another address has its own budget.
  WsClient neighbour(test.server, from_address("127.0.0.6"));
  post_ok(neighbour, "t", "another reader");
  // Refused posts were not stored; reading is never limited.
  CHECK(client.request(join_msg("t"))["total"] == 4);
  CHECK(client.request(join_msg("other-thread"))["total"] == 0);
}

TEST_CASE("rate limit: a post the filter blocks has already counted") {
  ServerOptions options;
  options.rate = 2;
  TestServer test(options);
  WsClient moderator(test.server, from_address("127.0.0.9"));
  auth_moderator(moderator);
  REQUIRE(moderator.request({{"type", "filters"}, {"banned", {"禁词"}}})["type"] == "filters");
  WsClient client(test.server, from_address("127.0.0.7"));
  CHECK(client.request(post_msg("t", "含有禁词"))["code"] == "blocked");
  post_ok(client, "t", "fine");
  check_rate_limited(client.request(post_msg("t", "third")));
}

TEST_CASE("--trust-proxy: the last X-Forwarded-For entry is the client address") {
  ServerOptions options;
  options.rate = 1;
  options.trust_proxy = true;
  TestServer test(options);
  WsClient first(test.server, forwarded_for("203.0.113.9, 198.51.100.1"));
  post_ok(first, "t", "first through the proxy");
  // Same last entry (whatever the client claimed before it): same address.
  WsClient spoofing(test.server, forwarded_for("192.0.2.77, 198.51.100.1"));
  check_rate_limited(spoofing.request(post_msg("t", "spoofed first hop")));
  // A different last entry is a different client, even with the first hop reused.
  WsClient other(test.server, forwarded_for("198.51.100.1, 198.51.100.2"));
  post_ok(other, "t", "another client");
  WsClient single(test.server, forwarded_for("198.51.100.3"));
  post_ok(single, "t", "a third client");
}

TEST_CASE("without --trust-proxy, X-Forwarded-For is ignored: the TCP peer is the address") {
  ServerOptions options;
  options.rate = 1;
  TestServer test(options);
  WsClient first(test.server, forwarded_for("198.51.100.1"));
  post_ok(first, "t", "first");
  WsClient second(test.server, forwarded_for("198.51.100.2"));
  check_rate_limited(second.request(post_msg("t", "claims another address")));
}

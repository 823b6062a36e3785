// The application layer without sockets: moderator sign-in and its lock-outs
// (per address, and for every address together).
#include "app_support.hpp"

using namespace app_test;

namespace {

json auth(AppFixture& f, const std::shared_ptr<FakePeer>& peer, const std::string& token,
          const std::string& req) {
  return f.request(peer, {{"type", "auth"}, {"token", token}}, req);
}

// `prefix` then `n` (appended: GCC 12 warns -Wrestrict on "literal" + string).
std::string numbered(std::string prefix, int n) {
  prefix += std::to_string(n);
  return prefix;
}

}  // namespace

TEST_CASE("after 10 wrong tokens an address is refused every auth, the right token too") {
  AppFixture f;
  auto guesser = f.connect("192.0.2.10");
  for (int i = 0; i < 10; ++i) {
    CHECK(auth(f, guesser, "wrong", numbered("w", i))["code"] == "unauthorized");
  }
  const json locked = auth(f, guesser, "wrong", "w10");
  CHECK(locked["code"] == "rate_limited");
  CHECK(locked["retry_after_ms"].get<std::int64_t>() > 0);
  CHECK(locked["retry_after_ms"].get<std::int64_t>() <= 60'000);

  // The right token is refused during the lock-out, on this connection and on
  // a new one from the same address.
  const json right = auth(f, guesser, "test-token", "r1");
  CHECK(right["code"] == "rate_limited");
  CHECK(right.contains("retry_after_ms"));
  auto again = f.connect("192.0.2.10");
  CHECK(auth(f, again, "test-token", "r2")["code"] == "rate_limited");
  CHECK(f.app.moderator_count() == 0);

  // Another address is not locked out.
  auto other = f.connect("192.0.2.11");
  CHECK(auth(f, other, "test-token", "r3")["type"] == "ok");
  CHECK(f.app.moderator_count() == 1);
}

TEST_CASE("100 wrong tokens from many addresses lock out every address") {
  AppFixture f;
  // 9 failures from each of 12 addresses: no address reaches its own limit.
  int sent = 0;
  for (int a = 0; a < 12 && sent < 100; ++a) {
    auto peer = f.connect(numbered("203.0.113.", a));
    for (int i = 0; i < 9 && sent < 100; ++i, ++sent) {
      CHECK(auth(f, peer, "wrong", numbered("w", sent))["code"] == "unauthorized");
    }
  }
  REQUIRE(sent == 100);
  auto fresh = f.connect("198.51.100.200");
  const json refused = auth(f, fresh, "test-token", "right");
  CHECK(refused["code"] == "rate_limited");
  CHECK(refused["retry_after_ms"].get<std::int64_t>() > 0);
  CHECK(f.app.moderator_count() == 0);
}

TEST_CASE("a right token is not counted as a failure") {
  AppFixture f;
  auto peer = f.connect("192.0.2.20");
  for (int i = 0; i < 30; ++i) {
    CHECK(auth(f, peer, "test-token", numbered("a", i))["type"] == "ok");
  }
  for (int i = 0; i < 10; ++i) {
    CHECK(auth(f, peer, "wrong", numbered("w", i))["code"] == "unauthorized");
  }
}

TEST_CASE("a connection joins at most max_joined threads; rejoining one it holds is fine") {
  AppOptions options = AppFixture::default_options();
  options.max_joined = 3;
  AppFixture f(options);
  auto peer = f.connect();
  for (int i = 0; i < 3; ++i) CHECK(f.join(peer, numbered("t", i))["type"] == "snapshot");
  const json refused = f.join(peer, "t3");
  CHECK(refused["type"] == "error");
  CHECK(refused["code"] == "invalid");
  CHECK(f.join(peer, "t1")["type"] == "snapshot");  // already joined
  CHECK(f.request(peer, {{"type", "leave"}, {"thread", "t0"}}, "leave")["type"] == "ok");
  CHECK(f.join(peer, "t3")["type"] == "snapshot");
}

TEST_CASE("messages per second: a burst passes, then rate_limited with the wait and req; a flood is closed") {
  AppOptions options = AppFixture::default_options();
  options.messages_per_second = 2;  // bursts of 4, then 4 refusals before the close
  AppFixture f(options);
  auto peer = f.connect();
  // Every type counts, malformed ones too: here 4 at once pass...
  f.send(peer, {{"type", "join"}, {"thread", "a"}, {"req", "m0"}});
  f.send(peer, {{"type", "leave"}, {"thread", "z"}, {"req", "m1"}});
  f.app.on_text(peer, "not json");
  f.app.on_binary(peer);
  // ...and the next is refused with the wait until one more passes (one token at 2/s).
  const json refused = f.request(peer, {{"type", "more"}, {"thread", "a"}, {"before", 9}}, "m4");
  CHECK(refused["code"] == "rate_limited");
  CHECK(refused["retry_after_ms"].get<std::int64_t>() >= 1);
  CHECK(refused["retry_after_ms"].get<std::int64_t>() <= 500);
  CHECK(f.reply(peer, "m0")["type"] == "snapshot");
  CHECK_FALSE(peer->closed.has_value());
  // Three more refusals are answered; the one after closes the connection (1008).
  for (int i = 5; i < 8; ++i) {
    CHECK(f.request(peer, {{"type", "join"}, {"thread", "b"}}, numbered("m", i))["code"] == "rate_limited");
  }
  CHECK_FALSE(peer->closed.has_value());
  f.send(peer, {{"type", "join"}, {"thread", "b"}, {"req", "m8"}});
  REQUIRE(peer->closed.has_value());
  CHECK(*peer->closed == CloseReason::flooding);
  // Another connection of the same address has its own budget.
  auto other = f.connect();
  CHECK(f.join(other, "c")["type"] == "snapshot");
}

TEST_CASE("messages per second: 0 is no limit") {
  AppFixture f;  // default_options: messages_per_second stays 0
  auto peer = f.connect();
  for (int i = 0; i < 200; ++i) f.send(peer, {{"type", "leave"}, {"thread", "a"}, {"req", numbered("l", i)}});
  CHECK(f.reply(peer, "l199")["type"] == "ok");
  CHECK(peer->of_type("error").empty());
  CHECK_FALSE(peer->closed.has_value());
}

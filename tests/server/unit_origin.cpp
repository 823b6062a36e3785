// The WebSocket Origin rule of the contract.
#include <doctest/doctest.h>

#include "http/origin.hpp"

using namespace comments::server;

TEST_CASE("origin: parse scheme, host and port with defaults") {
  const auto a = parse_origin("HTTPS://News.Example.com");
  REQUIRE(a);
  CHECK(a->scheme == "https");
  CHECK(a->host == "news.example.com");
  CHECK(a->port == 443);
  CHECK_FALSE(a->explicit_port);
  const auto b = parse_origin("http://[::1]:8080");
  REQUIRE(b);
  CHECK(b->host == "::1");
  CHECK(b->port == 8080);
  for (const char* bad : {"example.com", "http://", "http://a:99999", "http://a:", "http://a/b"}) {
    CAPTURE(bad);
    const auto parsed = parse_origin(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().id == comments::ErrorId::origin_invalid);
  }
}

TEST_CASE("origin: no Origin header is allowed (not a browser page)") {
  const OriginPolicy policy;
  CHECK(policy.allows(std::nullopt, "comments.example.com"));
}

TEST_CASE("origin: own origin is judged from Host, a missing port meaning the default") {
  const OriginPolicy policy;
  CHECK(policy.allows("http://comments.example.com", "comments.example.com"));
  CHECK(policy.allows("http://comments.example.com", "comments.example.com:80"));
  CHECK(policy.allows("http://comments.example.com:80", "comments.example.com"));
  CHECK(policy.allows("http://Comments.Example.com:8080", "comments.example.com:8080"));
  CHECK_FALSE(policy.allows("http://comments.example.com:8080", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://comments.example.com", "comments.example.com:8080"));
  CHECK_FALSE(policy.allows("https://comments.example.com", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://evil.example.com", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://comments.example.com.evil.com", "comments.example.com"));
  // Behind a TLS proxy that says so (X-Forwarded-Proto with --trust-proxy).
  CHECK(policy.allows("https://comments.example.com", "comments.example.com", "https"));
}

TEST_CASE("origin: localhost and 127.0.0.1 on any port over http") {
  const OriginPolicy policy;
  CHECK(policy.allows("http://localhost:3000", "comments.example.com"));
  CHECK(policy.allows("http://localhost", "comments.example.com"));
  CHECK(policy.allows("http://127.0.0.1:65535", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://localhost.evil.com:3000", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://127.0.0.2:3000", "comments.example.com"));
}

TEST_CASE("origin: Origin null is always refused") {
  CHECK_FALSE(OriginPolicy{}.allows("null", "localhost:8080"));
  CHECK_FALSE(OriginPolicy{{"*"}}.allows("null", "localhost:8080"));
}

TEST_CASE("origin: --allow-origin exact entries and *") {
  const OriginPolicy policy({"https://news.example.com", "http://blog.example.org:8080"});
  CHECK(policy.allows("https://news.example.com", "comments.example.com"));
  CHECK(policy.allows("https://news.example.com:443", "comments.example.com"));
  CHECK(policy.allows("http://blog.example.org:8080", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://news.example.com", "comments.example.com"));
  CHECK_FALSE(policy.allows("https://other.example.com", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://blog.example.org", "comments.example.com"));
  const OriginPolicy any({"*"});
  CHECK(any.allows("https://anything.example", "comments.example.com"));
}

TEST_CASE("origin: malformed Origin or Host is refused") {
  const OriginPolicy policy;
  CHECK_FALSE(policy.allows("garbage", "comments.example.com"));
  CHECK_FALSE(policy.allows("http://comments.example.com", ""));
}

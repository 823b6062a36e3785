// Address hash (HMAC-SHA256), token check and random ids.
#include <doctest/doctest.h>

#include "support/crypto.hpp"

using namespace comments::server;

TEST_CASE("crypto: address hash is HMAC-SHA256 in hex (RFC 4231 test case 2)") {
  CHECK(address_hash("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("crypto: address hash depends on the key and the address") {
  const std::string key(32, '\x07');
  const auto a = address_hash(key, "203.0.113.5");
  CHECK(a.size() == 64);
  CHECK(a == address_hash(key, "203.0.113.5"));
  CHECK(a != address_hash(key, "203.0.113.6"));
  CHECK(a != address_hash(std::string(32, '\x08'), "203.0.113.5"));
  CHECK(a.find("203") == std::string::npos);
}

TEST_CASE("crypto: token check") {
  const TokenCheck none(std::nullopt);
  CHECK_FALSE(none.configured());
  CHECK_FALSE(none.matches(""));
  const TokenCheck empty(std::string{});
  CHECK_FALSE(empty.configured());
  const TokenCheck check(std::string("correct horse"));
  CHECK(check.configured());
  CHECK(check.matches("correct horse"));
  CHECK_FALSE(check.matches("correct hors"));
  CHECK_FALSE(check.matches("correct horse "));
  CHECK_FALSE(check.matches(""));
}

TEST_CASE("crypto: random ids are hex of the asked length and differ") {
  const auto a = random_hex(8);
  const auto b = random_hex(8);
  CHECK(a.size() == 16);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
}

// Address hash (HMAC-SHA256), token check and random ids.
#include <doctest/doctest.h>

#include "support/client_network.hpp"
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

TEST_CASE("client_network: IPv4 as it is, IPv6 by its /64, anything else untouched") {
  CHECK(client_network("203.0.113.5") == "203.0.113.5");
  CHECK(client_network("::ffff:203.0.113.5") == "203.0.113.5");
  CHECK(client_network("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
  CHECK(client_network("2001:DB8:1:2::1") == "2001:db8:1:2::/64");
  // Every host of one /64 is one client; the next /64 is another.
  CHECK(client_network("2001:db8:1:2::1") == client_network("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  CHECK(client_network("2001:db8:1:2::1") != client_network("2001:db8:1:3::1"));
  CHECK(client_network("::1") == "::/64");
  CHECK(client_network("unknown") == "unknown");
  CHECK(client_network("203.0.113.5, 10.0.0.1") == "203.0.113.5, 10.0.0.1");
  CHECK(client_network("") == "");
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

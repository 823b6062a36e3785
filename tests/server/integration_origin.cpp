// The Origin rules of the WebSocket upgrade (protocol.md, Transport).
#include <doctest/doctest.h>

#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

unsigned upgrade(const ServerProcess& server, std::optional<std::string> origin,
                 std::optional<std::string> host = std::nullopt) {
  ConnectOptions options;
  options.origin = std::move(origin);
  options.host_header = std::move(host);
  return WsClient::upgrade_status(server, options);
}

}  // namespace

TEST_CASE("origin: no Origin header is allowed") {
  TestServer test;
  CHECK(upgrade(test.server, std::nullopt) == 101);
}

TEST_CASE("origin: the server's own origin, taken from Host, is allowed") {
  TestServer test;
  const std::string port = std::to_string(test.server.port());
  // A public name, so the localhost rule cannot be what lets it in.
  CHECK(upgrade(test.server, "http://comments.example.org:" + port,
                "comments.example.org:" + port) == 101);
  CHECK(upgrade(test.server, "http://COMMENTS.example.org:" + port,
                "comments.example.org:" + port) == 101);
  // Same host, another port or another host: not the own origin.
  CHECK(upgrade(test.server, "http://comments.example.org:1", "comments.example.org:" + port) == 403);
  CHECK(upgrade(test.server, "http://evil.example.org:" + port, "comments.example.org:" + port) == 403);
}

TEST_CASE("origin: a missing port means the scheme's default") {
  TestServer test;
  CHECK(upgrade(test.server, "http://comments.example.org", "comments.example.org") == 101);
  CHECK(upgrade(test.server, "http://comments.example.org", "comments.example.org:80") == 101);
  CHECK(upgrade(test.server, "http://comments.example.org:80", "comments.example.org") == 101);
  CHECK(upgrade(test.server, "http://comments.example.org:8080", "comments.example.org") == 403);
}

TEST_CASE("origin: http://localhost and http://127.0.0.1 on any port are allowed") {
  TestServer test;
  CHECK(upgrade(test.server, "http://localhost:1234") == 101);
  CHECK(upgrade(test.server, "http://localhost:" + std::to_string(test.server.port())) == 101);
  CHECK(upgrade(test.server, "http://127.0.0.1:9") == 101);
  CHECK(upgrade(test.server, "http://127.0.0.1:65535") == 101);
  // Look-alikes are other origins.
  CHECK(upgrade(test.server, "http://localhost.evil.example:1234") == 403);
  CHECK(upgrade(test.server, "http://127.0.0.1.evil.example:80") == 403);
}

TEST_CASE("origin: any other origin is refused with 403") {
  TestServer test;
  CHECK(upgrade(test.server, "http://evil.example") == 403);
  CHECK(upgrade(test.server, "https://evil.example:443") == 403);
  CHECK(upgrade(test.server, "garbage") == 403);
}

TEST_CASE("origin: Origin null is refused") {
  TestServer test;
  CHECK(upgrade(test.server, "null") == 403);
}

TEST_CASE("origin: --allow-origin adds exact origins") {
  ServerOptions options;
  options.allow_origins = {"https://blog.example.org", "https://news.example.com:8443"};
  TestServer test(options);
  CHECK(upgrade(test.server, "https://blog.example.org") == 101);
  CHECK(upgrade(test.server, "https://news.example.com:8443") == 101);
  CHECK(upgrade(test.server, "https://blog.example.org:8443") == 403);
  CHECK(upgrade(test.server, "http://blog.example.org") == 403);
  CHECK(upgrade(test.server, "https://blog.example.org.evil.example") == 403);
  CHECK(upgrade(test.server, "https://news.example.com") == 403);
  // The defaults still hold.
  CHECK(upgrade(test.server, "http://localhost:3000") == 101);
  CHECK(upgrade(test.server, "null") == 403);
}

TEST_CASE("origin: --allow-origin * allows every origin") {
  ServerOptions options;
  options.allow_origins = {"*"};
  TestServer test(options);
  CHECK(upgrade(test.server, "http://evil.example") == 101);
  CHECK(upgrade(test.server, "https://anything.example.net:9999") == 101);
}

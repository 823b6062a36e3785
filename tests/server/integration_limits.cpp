// Limits per client against the real binary (docs/server.md "Limits"): open
// WebSocket connections per address and in total, messages per second per
// connection, /embed/latest requests per address, and that each refusal is
// logged once per address and window, not once per refused request.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace integ;

namespace {

ConnectOptions forwarded_for(std::string header) {
  ConnectOptions options;
  options.forwarded_for = std::move(header);
  return options;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Upgrades until the status is not 429/503 (a closed connection is counted
// off when the server has seen it end, a moment after the client closed).
unsigned upgrade_status_once_freed(const ServerProcess& server, ConnectOptions options) {
  const auto give_up = std::chrono::steady_clock::now() + io_deadline;
  for (;;) {
    const unsigned status = WsClient::upgrade_status(server, options);
    if ((status != 429 && status != 503) || std::chrono::steady_clock::now() > give_up) {
      return status;
    }
    std::this_thread::sleep_for(50ms);
  }
}

}  // namespace

TEST_CASE("limits: --max-connections-per-address refuses one more upgrade with 429, per address") {
  TempDir dir;
  ServerOptions options;
  options.db = dir / "c.db";
  options.log_file = dir / "server.log";
  options.max_connections_per_address = 3;
  ServerProcess server(options);
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 3; ++i) open.push_back(std::make_unique<WsClient>(server));
  // Each still works.
  for (auto& client : open) CHECK(client->request(join_msg("t"))["type"] == "snapshot");
  // One more from the same address: refused before the 101, several times.
  for (int i = 0; i < 5; ++i) CHECK(WsClient::upgrade_status(server, {}) == 429);
  // Another address has its own count.
  WsClient neighbour(server, from_address("127.0.0.5"));
  CHECK(neighbour.request(join_msg("t"))["type"] == "snapshot");
  // Refusals cost the open connections nothing.
  for (auto& client : open) CHECK(client->request(join_msg("u"))["type"] == "snapshot");
  // One goes: one more may come.
  open.pop_back();
  CHECK(upgrade_status_once_freed(server, {}) == 101);
  // Five refusals from one address, one log line.
  CHECK(server.stop(SIGTERM) == 0);
  const std::string log = read_text(*options.log_file);
  CAPTURE(log);
  CHECK(count_of(log, "limit-refused limit=connections-per-address") == 1);
  CHECK(count_of(log, "comments.refused.709") == 1);
}

TEST_CASE("limits: the 429 says why and when to retry; --trust-proxy keys on X-Forwarded-For") {
  ServerOptions options;
  options.max_connections_per_address = 1;
  options.trust_proxy = true;
  TestServer test(options);
  WsClient first(test.server, forwarded_for("198.51.100.1"));
  // The same TCP peer behind the proxy, another client address: allowed.
  WsClient second(test.server, forwarded_for("203.0.113.5, 198.51.100.2"));
  CHECK(WsClient::upgrade_status(test.server, forwarded_for("192.0.2.1, 198.51.100.1")) == 429);
  // The raw answer: status, Retry-After, a sentence.
  const HttpResponse refused = http_get(test.server, "/ws",
                                        {{"Upgrade", "websocket"},
                                         {"Connection", "Upgrade"},
                                         {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                         {"Sec-WebSocket-Version", "13"},
                                         {"X-Forwarded-For", "198.51.100.2"}});
  CHECK(refused.status == 429);
  CHECK(refused.header("retry-after") == "10");
  CHECK(refused.header("x-content-type-options") == "nosniff");
  CHECK(refused.body.find("too many open connections") != std::string::npos);
}

TEST_CASE("limits: an IPv6 client is its /64, so a new host address in it is no new client") {
  ServerOptions options;
  options.max_connections_per_address = 1;
  options.trust_proxy = true;
  TestServer test(options);
  WsClient first(test.server, forwarded_for("2001:db8:7:1::10"));
  CHECK(WsClient::upgrade_status(test.server, forwarded_for("2001:db8:7:1:dead:beef:0:1")) == 429);
  // The IPv4-mapped form of an address is that IPv4 address.
  WsClient v4(test.server, forwarded_for("198.51.100.9"));
  CHECK(WsClient::upgrade_status(test.server, forwarded_for("::ffff:198.51.100.9")) == 429);
  // The neighbouring /64 is another subscriber.
  WsClient neighbour(test.server, forwarded_for("2001:db8:7:2::10"));
  CHECK(neighbour.request(join_msg("t"))["type"] == "snapshot");
}

TEST_CASE("limits: --max-connections refuses one more upgrade from anyone with 503") {
  ServerOptions options;
  options.max_connections = 2;
  TestServer test(options);
  auto a = std::make_unique<WsClient>(test.server, from_address("127.0.0.2"));
  WsClient b(test.server, from_address("127.0.0.3"));
  CHECK(WsClient::upgrade_status(test.server, from_address("127.0.0.4")) == 503);
  CHECK(WsClient::upgrade_status(test.server, {}) == 503);
  // Plain HTTP is not a WebSocket connection: still served.
  CHECK(http_get(test.server, "/healthz").status == 200);
  a.reset();
  CHECK(upgrade_status_once_freed(test.server, from_address("127.0.0.4")) == 101);
  CHECK(b.request(join_msg("t"))["type"] == "snapshot");
}

TEST_CASE("limits: --max-messages-per-second answers rate_limited with retry_after_ms and req") {
  ServerOptions options;
  options.messages_per_second = 5;  // bursts of 10
  TestServer test(options);
  WsClient client(test.server);
  // 16 messages of several kinds at once: the burst is served, the rest refused.
  const int sent = 16;
  for (int i = 0; i < sent; ++i) {
    json m = i % 3 == 0   ? join_msg("t")
             : i % 3 == 1 ? json{{"type", "more"}, {"thread", "t"}, {"before", 1000}}
                          : json{{"type", "queue"}, {"status", "all"}};
    m["req"] = "m" + std::to_string(i);
    client.send(m);
  }
  int served = 0;
  int limited = 0;
  for (int i = 0; i < sent; ++i) {
    const json reply = client.next();
    CAPTURE(reply.dump());
    if (reply["type"] == "error" && reply["code"] == "rate_limited") {
      ++limited;
      CHECK(reply["req"].get<std::string>().starts_with("m"));
      REQUIRE(reply["retry_after_ms"].is_number_integer());
      CHECK(reply["retry_after_ms"].get<std::int64_t>() >= 1);
      CHECK(reply["retry_after_ms"].get<std::int64_t>() <= 1000);  // one token at 5/s: 200 ms
    } else {
      ++served;  // a snapshot, a page, or unauthorized for the queue: answered
    }
  }
  // 10 in the burst, and whatever refilled meanwhile (generous: a slow machine).
  CHECK(served >= 10);
  CHECK(served <= 14);
  CHECK(limited >= 2);
  CHECK(served + limited == sent);
  // Waiting as told works; the connection stays open.
  std::this_thread::sleep_for(1s);
  CHECK(client.request(join_msg("t"))["type"] == "snapshot");
  // Binary frames count too, and a refused binary frame is answered the same way.
  WsClient other(test.server, from_address("127.0.0.8"));
  for (int i = 0; i < 12; ++i) other.send_binary("x");
  int binary_limited = 0;
  for (int i = 0; i < 12; ++i) {
    if (other.next()["code"] == "rate_limited") ++binary_limited;
  }
  CHECK(binary_limited >= 1);
}

TEST_CASE("limits: a connection that floods on while refused is closed with 1008, logged once") {
  TempDir dir;
  ServerOptions options;
  options.db = dir / "c.db";
  options.log_file = dir / "server.log";
  options.messages_per_second = 5;
  ServerProcess server(options);
  WsClient reader(server, from_address("127.0.0.9"));
  REQUIRE(reader.request(join_msg("t"))["type"] == "snapshot");
  WsClient flooder(server);
  // 10 served, 10 refusals allowed, then the close: 60 is well past it.
  for (int i = 0; i < 60; ++i) flooder.send_text_allowing_close(join_msg("t").dump());
  CHECK(flooder.wait_closed() == 1008);
  // Others are served on.
  CHECK(reader.request(join_msg("u"))["type"] == "snapshot");
  // A second flood from the same address in the same minute logs nothing more.
  WsClient again(server);
  for (int i = 0; i < 60; ++i) again.send_text_allowing_close(join_msg("t").dump());
  CHECK(again.wait_closed() == 1008);
  CHECK(server.stop(SIGTERM) == 0);
  const std::string log = read_text(*options.log_file);
  CAPTURE(log);
  CHECK(count_of(log, "limit-refused limit=messages-per-second") == 1);
  CHECK(count_of(log, "limit-refused limit=message-flood") == 1);
}

TEST_CASE("limits: --embed-rate answers 429 with Retry-After per address") {
  TempDir dir;
  ServerOptions options;
  options.db = dir / "c.db";
  options.log_file = dir / "server.log";
  options.embed_rate = 3;
  options.trust_proxy = true;
  ServerProcess server(options);
  const std::vector<std::pair<std::string, std::string>> from_a = {{"X-Forwarded-For", "198.51.100.7"}};
  for (int i = 0; i < 3; ++i) CHECK(http_get(server, "/embed/latest?thread=t", from_a).status == 200);
  for (int i = 0; i < 4; ++i) {
    const HttpResponse refused = http_get(server, "/embed/latest?thread=t", from_a);
    CHECK(refused.status == 429);
    // 3 a minute: one more in at most 20 s.
    const int retry = std::stoi(refused.header("retry-after"));
    CHECK(retry >= 1);
    CHECK(retry <= 20);
    CHECK(refused.header("x-content-type-options") == "nosniff");
  }
  // Another address, and other paths, are not affected.
  CHECK(http_get(server, "/embed/latest?thread=t", {{"X-Forwarded-For", "198.51.100.8"}}).status == 200);
  CHECK(http_get(server, "/healthz", from_a).status == 200);
  CHECK(server.stop(SIGTERM) == 0);
  const std::string log = read_text(*options.log_file);
  CAPTURE(log);
  CHECK(count_of(log, "limit-refused limit=embed-rate") == 1);
  CHECK(count_of(log, "comments.refused.712") == 1);
}

TEST_CASE("limits: at the default values, 32 connections per address fit, and so does a page's burst of joins") {
  // The harness lifts the limits; these are the binary's defaults (unit_config
  // checks that they are the defaults).
  ServerOptions options;
  options.max_connections_per_address = 32;
  options.messages_per_second = 20;
  TestServer test(options);
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 32; ++i) open.push_back(std::make_unique<WsClient>(test.server));
  CHECK(WsClient::upgrade_status(test.server, {}) == 429);
  // A page joining its threads at once (a burst of 16) is well within 20/s.
  for (int i = 0; i < 16; ++i) open[0]->send(join_msg("thread-" + std::to_string(i)));
  for (int i = 0; i < 16; ++i) CHECK(open[0]->next()["type"] == "snapshot");
}

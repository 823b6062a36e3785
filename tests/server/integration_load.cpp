// Many clients at once against the real binary: a stalled reader is cut off
// without slowing the others, and concurrent posters are all acknowledged and
// delivered exactly once, in id order.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <latch>
#include <set>
#include <string>
#include <thread>

#include "harness.hpp"

using namespace integ;

TEST_CASE("slow reader: closed with 1008 once over 1 MiB waits for it; the others get everything") {
  TestServer test;
  const std::string thread = "flood";
  // A small receive buffer keeps the kernel from soaking up megabytes the
  // server would otherwise never have to queue.
  ConnectOptions stalled_options;
  stalled_options.start_reading = false;
  stalled_options.receive_buffer_bytes = 4096;
  WsClient stalled(test.server, stalled_options);
  stalled.start_reading(1);  // reads its snapshot, then never again
  stalled.send(join_msg(thread));
  REQUIRE(stalled.next()["type"] == "snapshot");

  WsClient healthy(test.server);
  REQUIRE(healthy.request(join_msg(thread))["type"] == "snapshot");
  WsClient poster(test.server);

  // ~6 KB per event: 1500 events are ~9 MB, far past 1 MiB plus any socket buffers.
  constexpr int posts = 1500;
  const std::string body = repeat("长", 1990);
  // A few posts in flight at a time: the poster itself must never have
  // 1 MiB of acks waiting for it, or it would be cut off as a slow reader.
  constexpr int in_flight = 16;
  std::set<std::int64_t> acked;
  int sent = 0;
  while (acked.size() < static_cast<std::size_t>(posts)) {
    while (sent < posts && sent - static_cast<int>(acked.size()) < in_flight) {
      poster.send(post_msg(thread, body + std::to_string(sent++)));
    }
    const json ack = poster.recv("ack");
    acked.insert(ack["comment"]["id"].get<std::int64_t>());
  }
  CHECK(acked.size() == posts);

  std::int64_t last_id = 0;
  int delivered = 0;
  for (int i = 0; i < posts; ++i) {
    const json event = healthy.next();
    REQUIRE(event["type"] == "comment");
    const auto id = event["comment"]["id"].get<std::int64_t>();
    CHECK(id > last_id);
    last_id = id;
    ++delivered;
  }
  CHECK(delivered == posts);
  CHECK(healthy.unexpected_within() == "");

  // The stalled reader now reads what reached it, then the close.
  const auto before = stalled.received_count();
  stalled.start_reading();
  const int code = stalled.wait_closed();
  CAPTURE(stalled.end_description());
  CHECK(code == 1008);
  const auto comments_reached = stalled.received_count() - before - 1;
  CAPTURE(comments_reached);
  CHECK(comments_reached < static_cast<std::size_t>(posts));  // the rest was dropped
  // The server is fine and keeps serving.
  WsClient later(test.server);
  CHECK(later.request(join_msg(thread))["total"] == posts);
}

TEST_CASE("50 concurrent posters: all acked, all delivered to a reader exactly once in id order") {
  TestServer test;
  const std::string thread = "concurrent";
  WsClient reader(test.server);
  REQUIRE(reader.request(join_msg(thread))["type"] == "snapshot");

  constexpr int posters = 50;
  constexpr int posts_each = 2;
  struct Outcome {
    std::vector<std::int64_t> acked;
    std::string failure;
  };
  std::vector<Outcome> outcomes(posters);
  std::latch ready(posters);
  std::vector<std::thread> threads;
  for (int p = 0; p < posters; ++p) {
    threads.emplace_back([&, p] {
      try {
        WsClient client(test.server);
        ready.arrive_and_wait();  // all connected, then all post at once
        for (int k = 0; k < posts_each; ++k) {
          const json c = post_ok(client, thread,
                                 "作者" + std::to_string(p) + " 第" + std::to_string(k) + "条");
          outcomes[p].acked.push_back(c["id"].get<std::int64_t>());
        }
      } catch (const std::exception& e) {
        outcomes[p].failure = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();

  std::set<std::int64_t> acked;
  for (int p = 0; p < posters; ++p) {
    CAPTURE(p);
    CHECK(outcomes[p].failure == "");
    acked.insert(outcomes[p].acked.begin(), outcomes[p].acked.end());
  }
  CHECK(acked.size() == posters * posts_each);

  std::vector<std::int64_t> delivered;
  for (std::size_t i = 0; i < acked.size(); ++i) {
    const json event = reader.next();
    REQUIRE(event["type"] == "comment");
    delivered.push_back(event["comment"]["id"].get<std::int64_t>());
  }
  CHECK(reader.unexpected_within() == "");  // nothing twice
  // Strictly increasing: id order, and no comment twice.
  CHECK(std::adjacent_find(delivered.begin(), delivered.end(), std::greater_equal<>()) ==
        delivered.end());
  CHECK(std::set<std::int64_t>(delivered.begin(), delivered.end()) == acked);
  CHECK(reader.request(join_msg(thread))["total"] == posters * posts_each);
}

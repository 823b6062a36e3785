// The server process over its life: clean exit on SIGTERM/SIGINT, restart on
// the same database, acknowledged posts surviving kill -9, and `internal` when
// the disk fills up mid-run.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

ServerOptions on_db(const TempDir& dir) {
  ServerOptions options;
  options.db = dir / "comments.db";
  return options;
}

std::vector<std::string> bodies_of(const json& comments) {
  std::vector<std::string> bodies;
  for (const auto& c : comments) bodies.push_back(c["body"]);
  return bodies;
}

}  // namespace

TEST_CASE("SIGTERM and SIGINT exit 0, also with connections open") {
  for (const int signal : {SIGTERM, SIGINT}) {
    CAPTURE(signal);
    TempDir dir;
    ServerProcess server(on_db(dir));
    WsClient reader(server);
    REQUIRE(reader.request(join_msg("t"))["type"] == "snapshot");
    post_ok(reader, "t", "in flight before the signal");
    CHECK(server.stop(signal) == 0);
    // The client learns that the connection is over (with or without a close frame).
    reader.wait_closed();
  }
}

TEST_CASE("restart: posts, pins, filters and bans persist on the same database") {
  TempDir dir;
  std::vector<std::int64_t> ids;
  {
    ServerProcess server(on_db(dir));
    WsClient troll(server, from_address("127.0.0.8"));
    WsClient poster(server);
    WsClient moderator(server);
    auth_moderator(moderator);
    ids.push_back(post_ok(poster, "t", "第一条 first")["id"]);
    ids.push_back(post_ok(poster, "t", "第二条 second", std::string_view("作者"))["id"]);
    ids.push_back(post_ok(troll, "t", "trouble")["id"]);
    REQUIRE(moderator.request({{"type", "moderate"}, {"id", ids[0]}, {"action", "pin"}})["type"] == "ok");
    REQUIRE(moderator.request({{"type", "ban"}, {"id", ids[2]}})["type"] == "ok");
    REQUIRE(moderator.request({{"type", "filters"}, {"banned", {"敏感词"}}, {"suspect", {"推广"}}})["type"] ==
            "filters");
    CHECK(server.stop(SIGTERM) == 0);
  }
  ServerProcess server(on_db(dir));
  WsClient reader(server);
  const json snapshot = reader.request(join_msg("t"));
  CHECK(snapshot["total"] == 3);
  CHECK(bodies_of(snapshot["comments"]) ==
        std::vector<std::string>{"trouble", "第二条 second", "第一条 first"});
  CHECK(snapshot["comments"][1]["author"] == "作者");
  REQUIRE(snapshot["pinned"].size() == 1);
  CHECK(snapshot["pinned"][0]["id"] == ids[0]);

  WsClient moderator(server);
  auth_moderator(moderator);
  const json filters = moderator.request({{"type", "filters"}});
  CHECK(filters["banned"] == json({"敏感词"}));
  CHECK(filters["suspect"] == json({"推广"}));
  CHECK(reader.request(post_msg("t", "敏 感 词"))["code"] == "blocked");
  CHECK(post_ok(reader, "t", "推广")["status"] == "pending");

  WsClient troll(server, from_address("127.0.0.8"));
  CHECK(troll.request(post_msg("t", "back again"))["code"] == "banned");
  // Ids keep increasing across the restart.
  CHECK(post_ok(reader, "t", "after restart")["id"].get<std::int64_t>() > ids.back());
}

TEST_CASE("durability: an acknowledged post survives kill -9 right after the ack") {
  TempDir dir;
  std::vector<std::string> acknowledged;
  for (int round = 0; round < 4; ++round) {
    CAPTURE(round);
    ServerProcess server(on_db(dir));
    {
      WsClient client(server);
      const json snapshot = client.request(join_msg("durable", 50));
      CHECK(snapshot["total"] == static_cast<std::int64_t>(acknowledged.size()));
      // Newest first in the snapshot; acknowledged is oldest first.
      std::vector<std::string> expected(acknowledged.rbegin(), acknowledged.rend());
      CHECK(bodies_of(snapshot["comments"]) == expected);
      const std::string body = "持久 round " + std::to_string(round);
      post_ok(client, "durable", body);
      acknowledged.push_back(body);
      server.kill_hard();  // no chance to flush anything after the ack
    }
  }
  ServerProcess server(on_db(dir));
  WsClient client(server);
  const json snapshot = client.request(join_msg("durable", 50));
  CHECK(snapshot["total"] == static_cast<std::int64_t>(acknowledged.size()));
  std::vector<std::string> expected(acknowledged.rbegin(), acknowledged.rend());
  CHECK(bodies_of(snapshot["comments"]) == expected);
}

TEST_CASE("internal: a write the disk refuses answers internal, stores nothing, and the server goes on") {
  // As root, permissions do not stop the server from writing; a file size
  // limit does (with SIGXFSZ ignored, writes past it fail like a full disk).
  TempDir dir;
  ServerOptions options = on_db(dir);
  options.ignore_file_size_signal = true;
  ServerProcess server(options);
  WsClient client(server);
  for (int i = 0; i < 3; ++i) post_ok(client, "t", "before the disk fills " + std::to_string(i));

  std::uintmax_t largest = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.is_regular_file()) largest = std::max(largest, entry.file_size());
  }
  server.limit_file_size(largest + 16 * 1024);

  // Big posts until a write fails: at most a few hundred KB past the limit.
  const std::string big = repeat("满", 1990);
  int acked = 3;
  json failure;
  std::string failed_body;
  for (int i = 0; i < 400 && failure.is_null(); ++i) {
    const std::string body = big + std::to_string(i);
    const json reply = client.request(post_msg("t", body));
    if (reply["type"] == "ack") {
      ++acked;
    } else {
      failure = reply;
      failed_body = body;
    }
  }
  CAPTURE(failure.dump());
  REQUIRE(!failure.is_null());
  CHECK(failure["type"] == "error");
  CHECK(failure["code"] == "internal");

  // The connection stays open; what was acked is there, the failed post is not.
  server.unlimit_file_size();
  const json snapshot = client.request(join_msg("t", 50));
  REQUIRE(snapshot["type"] == "snapshot");
  CHECK(snapshot["total"] == acked);
  for (const auto& c : snapshot["comments"]) CHECK(c["body"] != failed_body);
  // With room again, posting works again.
  const json after = client.request(post_msg("t", "the disk has room again"));
  CHECK(after["type"] == "ack");
}

TEST_CASE("a port that is already taken: exit 1 and one line that says so, no source location") {
  // Another program holds the port: a plain listening socket of this test.
  const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(holder >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(holder, 1) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string port = std::to_string(ntohs(address.sin_port));

  TempDir dir;
  const CommandResult run = run_server_command({"--port", port, "--db", (dir / "c.db").string()});
  ::close(holder);
  CHECK(run.status == 1);
  CHECK(run.out.find("listening on") == std::string::npos);
  CHECK(run.err.find("start-failed") != std::string::npos);
  CHECK(run.err.find("port " + port + " on 127.0.0.1 is already in use") != std::string::npos);
  CHECK(run.err.find("/usr/include") == std::string::npos);
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') <= 3);  // start-failed and little else
}

// Named moderators against the real binary: tokens made by
// `comment-server moderator add`, two moderators signed in at once, the audit
// log naming each, and a revocation that takes effect without a restart.
#include <doctest/doctest.h>

#include <future>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace integ;

namespace {

std::string add_moderator(const std::filesystem::path& file, const std::string& name) {
  const CommandResult added = run_server_command({"moderator", "add", name, "--file", file.string()});
  CAPTURE(added.err);
  REQUIRE(added.status == 0);
  std::string token = added.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  REQUIRE(token.size() == 64);  // 32 random bytes in hex
  return token;
}

json auth_as(WsClient& client, const std::string& token) {
  return client.request({{"type", "auth"}, {"token", token}});
}

json moderate(WsClient& moderator, const json& id, std::string_view action) {
  return moderator.request({{"type", "moderate"}, {"id", id}, {"action", action}});
}

}  // namespace

TEST_CASE("two named moderators: the audit log names each; a revoked one is refused at once") {
  TempDir dir;
  const auto file = dir / "moderators";
  const std::string alice_token = add_moderator(file, "alice");
  const std::string bob_token = add_moderator(file, "bob");
  CHECK(alice_token != bob_token);
  // The file holds digests, never the tokens.
  {
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find(alice_token) == std::string::npos);
    CHECK(text.find("alice ") != std::string::npos);
  }
  const CommandResult again = run_server_command({"moderator", "add", "alice", "--file", file.string()});
  CHECK(again.status == 1);
  CHECK(again.err.find("already") != std::string::npos);

  ServerOptions options;
  options.mod_token = std::nullopt;
  options.extra_args = {"--moderators", file.string()};
  TempDir db_dir;
  options.db = db_dir / "comments.db";
  ServerProcess server(options);

  WsClient alice(server);
  WsClient bob(server);
  WsClient poster(server);
  CHECK(auth_as(alice, alice_token)["type"] == "ok");
  CHECK(auth_as(bob, bob_token)["type"] == "ok");
  CHECK(auth_as(poster, "not-a-token")["code"] == "unauthorized");

  const json first = post_ok(poster, "named", "first");
  const json second = post_ok(poster, "named", "second");
  CHECK(moderate(alice, first["id"], "pin")["type"] == "ok");
  CHECK(moderate(bob, second["id"], "reject")["type"] == "ok");
  const json log = bob.request({{"type", "audit"}});
  REQUIRE(log["type"] == "audit");
  REQUIRE(log["entries"].size() == 2);
  CHECK(log["entries"][0]["moderator"] == "bob");
  CHECK(log["entries"][1]["moderator"] == "alice");

  // Revoked while signed in: the very next action is refused, bob goes on.
  const CommandResult revoked = run_server_command({"moderator", "revoke", "alice", "--file", file.string()});
  CAPTURE(revoked.err);
  REQUIRE(revoked.status == 0);
  const json refused = moderate(alice, first["id"], "unpin");
  CHECK(refused["code"] == "unauthorized");
  CHECK(auth_as(alice, alice_token)["code"] == "unauthorized");
  CHECK(moderate(bob, first["id"], "unpin")["type"] == "ok");
  const json after = bob.request({{"type", "audit"}});
  REQUIRE(after["entries"].size() == 3);
  CHECK(after["entries"][0]["moderator"] == "bob");
  CHECK(after["entries"][0]["action"] == "unpin");

  const CommandResult list = run_server_command({"moderator", "list", "--file", file.string()});
  CHECK(list.status == 0);
  CHECK(list.out == "bob\n");
  const CommandResult unknown = run_server_command({"moderator", "revoke", "carol", "--file", file.string()});
  CHECK(unknown.status == 1);
  CHECK(unknown.err.find("no moderator carol") != std::string::npos);

  // A moderator added while the server runs can sign in without a restart.
  const std::string carol_token = add_moderator(file, "carol");
  WsClient carol(server);
  CHECK(auth_as(carol, carol_token)["type"] == "ok");
}

TEST_CASE("the single-token shortcut still works, and signs in as \"moderator\"") {
  TestServer test;  // COMMENTS_MOD_TOKEN set by the harness
  WsClient moderator(test.server);
  auth_moderator(moderator);
  WsClient poster(test.server);
  const json c = post_ok(poster, "shortcut", "hello");
  CHECK(moderate(moderator, c["id"], "pin")["type"] == "ok");
  const json log = moderator.request({{"type", "audit"}});
  REQUIRE(log["entries"].size() == 1);
  CHECK(log["entries"][0]["moderator"] == "moderator");
}

TEST_CASE("--moderators with a missing or malformed file stops the start with a clear error") {
  TempDir dir;
  const CommandResult missing = run_server_command(
      {"--port", "0", "--db", (dir / "c.db").string(), "--moderators", (dir / "none").string()});
  CHECK(missing.status == 2);
  CHECK(missing.err.find("cannot read the moderators file") != std::string::npos);
  write_file(dir / "bad", "alice 1234\n");
  const CommandResult bad = run_server_command(
      {"--port", "0", "--db", (dir / "c.db").string(), "--moderators", (dir / "bad").string()});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("line 1") != std::string::npos);
}

TEST_CASE("moderator add run eight times at once: every moderator lands in the file") {
  TempDir dir;
  const auto file = dir / "moderators";
  std::vector<std::future<CommandResult>> runs;
  for (int i = 0; i < 8; ++i) {
    runs.push_back(std::async(std::launch::async, [&file, i] {
      return run_server_command({"moderator", "add", "mod" + std::to_string(i), "--file", file.string()});
    }));
  }
  for (auto& run : runs) {
    const CommandResult added = run.get();
    CAPTURE(added.err);
    CHECK(added.status == 0);
  }
  const CommandResult listed = run_server_command({"moderator", "list", "--file", file.string()});
  REQUIRE(listed.status == 0);
  for (int i = 0; i < 8; ++i) {
    CAPTURE(listed.out);
    CHECK(listed.out.find("mod" + std::to_string(i) + "\n") != std::string::npos);
  }
}

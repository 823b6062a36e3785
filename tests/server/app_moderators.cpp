// Named moderators in the application layer (fake peers, a real tokens file):
// who signs in, what the audit log records, and revocation without a restart.
#include <filesystem>
#include <fstream>

#include "app_support.hpp"
#include "support/moderators.hpp"

using namespace app_test;

namespace {

struct Team {
  store_test::TempDb dir;  // holds the tokens file
  std::string file = (dir.dir() / "moderators").string();
  std::vector<ModeratorEntry> entries;

  void add(const std::string& name, const std::string& token) {
    entries.push_back(ModeratorEntry{name, token_digest(token)});
    save();
  }
  void remove(const std::string& name) {
    std::erase_if(entries, [&](const ModeratorEntry& e) { return e.name == name; });
    save();
  }
  void save() const { REQUIRE(write_moderators_file(file, entries).ok()); }
};

AppOptions options_for(const Team& team, std::optional<std::string> shortcut = std::nullopt) {
  AppOptions o = AppFixture::default_options();
  o.mod_token = std::move(shortcut);
  o.moderators_file = team.file;
  return o;
}

json auth(AppFixture& f, const std::shared_ptr<FakePeer>& peer, const std::string& token, const std::string& req) {
  return f.request(peer, {{"type", "auth"}, {"token", token}}, req);
}

json moderate(AppFixture& f, const std::shared_ptr<FakePeer>& m, std::int64_t id, const std::string& action,
              const std::string& req) {
  return f.request(m, {{"type", "moderate"}, {"id", id}, {"action", action}}, req);
}

std::int64_t post_id(AppFixture& f, const std::string& body) {
  auto poster = f.connect("192.0.2.99");
  const json ack = f.post(poster, "named", body);
  REQUIRE(ack["type"] == "ack");
  return ack["comment"]["id"].get<std::int64_t>();
}

}  // namespace

TEST_CASE("named moderators sign in with their own tokens; the audit log names who did what") {
  Team team;
  team.add("alice", "alice-token-0123456789");
  team.add("bob", "bob-token-0123456789");
  AppFixture f(options_for(team, "shortcut-token"));

  auto alice = f.connect("198.51.100.1");
  auto bob = f.connect("198.51.100.2");
  auto shortcut = f.connect("198.51.100.3");
  CHECK(auth(f, alice, "alice-token-0123456789", "a")["type"] == "ok");
  CHECK(auth(f, bob, "bob-token-0123456789", "b")["type"] == "ok");
  CHECK(auth(f, shortcut, "shortcut-token", "s")["type"] == "ok");
  CHECK(auth(f, f.connect("198.51.100.4"), "alice-token-012345678", "x")["code"] == "unauthorized");
  CHECK(f.app.moderator_count() == 3);

  const std::int64_t first = post_id(f, "first");
  const std::int64_t second = post_id(f, "second");
  const std::int64_t third = post_id(f, "third");
  CHECK(moderate(f, alice, first, "pin", "m1")["type"] == "ok");
  CHECK(moderate(f, bob, second, "reject", "m2")["type"] == "ok");
  CHECK(moderate(f, shortcut, third, "delete", "m3")["type"] == "ok");

  const json audit = f.request(bob, {{"type", "audit"}}, "log");
  REQUIRE(audit["type"] == "audit");
  REQUIRE(audit["entries"].size() == 3);
  CHECK(audit["entries"][0]["moderator"] == "moderator");  // the shortcut's name
  CHECK(audit["entries"][1]["moderator"] == "bob");
  CHECK(audit["entries"][2]["moderator"] == "alice");
  // The pushed events carry the name too.
  const auto pushed = alice->of_type("audited");
  REQUIRE(pushed.size() == 3);
  CHECK(pushed[0]["entry"]["moderator"] == "alice");
  CHECK(pushed[1]["entry"]["moderator"] == "bob");
}

TEST_CASE("a revoked moderator's open session is refused at its next action; others go on") {
  Team team;
  team.add("alice", "alice-token-0123456789");
  team.add("bob", "bob-token-0123456789");
  AppFixture f(options_for(team));
  auto alice = f.connect("198.51.100.1");
  auto bob = f.connect("198.51.100.2");
  REQUIRE(auth(f, alice, "alice-token-0123456789", "a")["type"] == "ok");
  REQUIRE(auth(f, bob, "bob-token-0123456789", "b")["type"] == "ok");
  const std::int64_t id = post_id(f, "to moderate");
  CHECK(moderate(f, alice, id, "pin", "m1")["type"] == "ok");

  team.remove("alice");  // what `comment-server moderator revoke alice` does
  CHECK(moderate(f, alice, id, "unpin", "m2")["code"] == "unauthorized");
  CHECK(f.request(alice, {{"type", "queue"}, {"status", "pending"}}, "q")["code"] == "unauthorized");
  CHECK(auth(f, alice, "alice-token-0123456789", "a2")["code"] == "unauthorized");
  CHECK(moderate(f, bob, id, "unpin", "m3")["type"] == "ok");
  CHECK(f.app.moderator_count() == 1);
  // Pushes stop too: alice gets no audited event for bob's action.
  CHECK(alice->of_type("audited").size() == 1);
  CHECK(bob->of_type("audited").size() == 2);
}

TEST_CASE("a new token for the same name ends the sessions of the old one") {
  Team team;
  team.add("alice", "old-alice-token-0123456789");
  AppFixture f(options_for(team));
  auto old_session = f.connect("198.51.100.1");
  REQUIRE(auth(f, old_session, "old-alice-token-0123456789", "a")["type"] == "ok");
  team.remove("alice");
  team.add("alice", "new-alice-token-0123456789");
  CHECK(f.request(old_session, {{"type", "queue"}, {"status", "pending"}}, "q")["code"] == "unauthorized");
  auto new_session = f.connect("198.51.100.2");
  CHECK(auth(f, new_session, "old-alice-token-0123456789", "b")["code"] == "unauthorized");
  CHECK(auth(f, new_session, "new-alice-token-0123456789", "c")["type"] == "ok");
}

TEST_CASE("a moderators file that becomes unreadable or malformed keeps the last good list") {
  Team team;
  team.add("alice", "alice-token-0123456789");
  AppFixture f(options_for(team));
  auto alice = f.connect("198.51.100.1");
  REQUIRE(auth(f, alice, "alice-token-0123456789", "a")["type"] == "ok");
  {
    std::ofstream broken(team.file, std::ios::trunc);
    broken << "alice not-a-hash\n";
  }
  CHECK(f.request(alice, {{"type", "queue"}, {"status", "pending"}}, "q1")["type"] == "queue");
  std::filesystem::remove(team.file);
  CHECK(f.request(alice, {{"type", "queue"}, {"status", "pending"}}, "q2")["type"] == "queue");
  team.entries.clear();
  team.add("bob", "bob-token-0123456789");  // a good file again, without alice
  CHECK(f.request(alice, {{"type", "queue"}, {"status", "pending"}}, "q3")["code"] == "unauthorized");
}

TEST_CASE("the lock-out still holds with named moderators") {
  Team team;
  team.add("alice", "alice-token-0123456789");
  AppFixture f(options_for(team));
  auto guesser = f.connect("192.0.2.10");
  for (int i = 0; i < 10; ++i) {
    CHECK(auth(f, guesser, "wrong", std::to_string(i))["code"] == "unauthorized");
  }
  CHECK(auth(f, guesser, "alice-token-0123456789", "right")["code"] == "rate_limited");
}

TEST_CASE("moderators file: parse and format round-trip; bad lines are named") {
  const std::vector<ModeratorEntry> entries = {{"alice", token_digest("a")}, {"bob.b-1_x", token_digest("b")}};
  const auto parsed = parse_moderators(format_moderators(entries) + "\n# comment\n   \n");
  REQUIRE(parsed.ok());
  CHECK(*parsed == entries);
  ModeratorTokens tokens(entries);
  CHECK(tokens.match("a") == std::optional<std::string>("alice"));
  CHECK(tokens.match("b") == std::optional<std::string>("bob.b-1_x"));
  CHECK_FALSE(tokens.match("c").has_value());

  const auto short_hash = parse_moderators("alice abcd\n");
  REQUIRE_FALSE(short_hash.ok());
  CHECK(short_hash.error().id == ErrorId::moderators_file_invalid);
  CHECK(short_hash.error().message.find("line 1") != std::string::npos);
  const std::string hex(64, 'a');
  const auto twice = parse_moderators("a " + hex + "\na " + hex + "\n");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message.find("line 2") != std::string::npos);
  CHECK_FALSE(parse_moderators("bad/name " + hex + "\n").ok());
  CHECK_FALSE(parse_moderators("lonely\n").ok());
  CHECK_FALSE(valid_moderator_name(""));
  CHECK_FALSE(valid_moderator_name(std::string(65, 'a')));
  CHECK(valid_moderator_name(std::string(64, 'a')));
}

TEST_CASE("the shortcut token's session survives file changes, even when the file also names \"moderator\"") {
  Team team;
  team.add("moderator", "file-moderator-token-0123456789");
  AppFixture f(options_for(team, "shortcut-token"));
  auto shortcut = f.connect("198.51.100.1");
  auto named = f.connect("198.51.100.2");
  REQUIRE(auth(f, shortcut, "shortcut-token", "s")["type"] == "ok");
  REQUIRE(auth(f, named, "file-moderator-token-0123456789", "n")["type"] == "ok");
  team.add("carol", "carol-token-0123456789");  // the file changes
  CHECK(f.request(shortcut, {{"type", "queue"}, {"status", "pending"}}, "q1")["type"] == "queue");
  CHECK(f.request(named, {{"type", "queue"}, {"status", "pending"}}, "q2")["type"] == "queue");
  team.remove("moderator");  // the file's "moderator" goes; the shortcut stays
  CHECK(f.request(shortcut, {{"type", "queue"}, {"status", "pending"}}, "q3")["type"] == "queue");
  CHECK(f.request(named, {{"type", "queue"}, {"status", "pending"}}, "q4")["code"] == "unauthorized");
}

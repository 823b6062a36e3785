// Instances on a Redis that requires a password (requirepass): the password
// in the --redis URL or in COMMENTS_REDIS_PASSWORD signs both connections in
// (a post on A reaches a reader on B), and a wrong one keeps the instance from
// listening, logs redis-auth-failed once at error, and never logs the
// password itself. The Redis server is a private one of this test
// (private_redis.hpp, with a password).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "harness.hpp"
#include "private_redis.hpp"

using namespace integ;

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Sets an environment variable for the children started meanwhile.
struct ScopedEnv {
  ScopedEnv(const char* name, const std::string& value) : name(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name); }
  const char* name;
};

}  // namespace

TEST_CASE("redis with a password: the URL's or COMMENTS_REDIS_PASSWORD signs in, live across instances") {
  PrivateRedis redis("s3cret:with@signs");
  TempDir db_dir;
  ServerOptions a_options;
  a_options.db = db_dir / "shared.db";
  // ':' and '@' in the password are percent-encoded in the URL.
  a_options.redis = "unix://:s3cret%3Awith%40signs@" + redis.socket();
  a_options.log_file = db_dir / "a.log";
  ServerProcess a(a_options);
  ServerOptions b_options;
  b_options.db = a_options.db;
  b_options.redis = "unix://" + redis.socket();
  std::optional<ServerProcess> b;
  {
    ScopedEnv password("COMMENTS_REDIS_PASSWORD", redis.password());
    b.emplace(b_options);
  }
  WsClient reader(*b);
  REQUIRE(reader.request(join_msg("auth-thread"))["type"] == "snapshot");
  WsClient poster(a);
  const json posted = post_ok(poster, "auth-thread", "through a signed-in Redis");
  const json live = reader.recv("comment");
  CHECK(live["comment"]["id"] == posted["id"]);
  CHECK(a.stop(SIGTERM) == 0);
  const std::string log = read_text(*a_options.log_file);
  CHECK(log.find("s3cret") == std::string::npos);
  CHECK(log.find("redis=unix://:***@") != std::string::npos);
}

TEST_CASE("redis with a password: a wrong one keeps the instance from listening and is said once") {
  PrivateRedis redis("right-password");
  TempDir db_dir;
  ServerOptions options;
  options.db = db_dir / "c.db";
  options.redis = "unix://:wrong-password@" + redis.socket();
  options.log_file = db_dir / "server.log";
  CHECK_THROWS(ServerProcess(options));  // no `listening on` within the deadline
  const std::string log = read_text(*options.log_file);
  CAPTURE(log);
  CHECK(log.find("redis-auth-failed") != std::string::npos);
  CHECK(log.find("WRONGPASS") != std::string::npos);
  // Once per connection (publish, subscribe), however many retries followed.
  std::size_t said = 0;
  for (auto at = log.find("error redis-auth-failed"); at != std::string::npos;
       at = log.find("error redis-auth-failed", at + 1)) {
    ++said;
  }
  CHECK(said == 2);
  CHECK(log.find("wrong-password") == std::string::npos);
  CHECK(log.find("listening on") == std::string::npos);
}

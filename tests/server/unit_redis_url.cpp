// --redis and --reuse-port on the command line, and the Redis URL forms.
#include <doctest/doctest.h>

#include "bus/redis_connection.hpp"
#include "support/config.hpp"

using namespace comments;
using namespace comments::server;

TEST_CASE("parse_redis_url: redis://HOST:PORT[/DB] and unix:///path[?db=N]") {
  auto tcp = parse_redis_url("redis://127.0.0.1:6380/2");
  REQUIRE(tcp);
  CHECK(tcp->host == "127.0.0.1");
  CHECK(tcp->port == 6380);
  CHECK(tcp->db == 2);
  CHECK(tcp->unix_path.empty());
  auto plain = parse_redis_url("redis://cache.internal");
  REQUIRE(plain);
  CHECK(plain->host == "cache.internal");
  CHECK(plain->port == 6379);
  CHECK(plain->db == 0);
  auto v6 = parse_redis_url("redis://[::1]:7000");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);
  auto local = parse_redis_url("unix:///run/redis/redis.sock");
  REQUIRE(local);
  CHECK(local->unix_path == "/run/redis/redis.sock");
  CHECK(local->host.empty());
  auto local_db = parse_redis_url("unix:///tmp/r.sock?db=3");
  REQUIRE(local_db);
  CHECK(local_db->unix_path == "/tmp/r.sock");
  CHECK(local_db->db == 3);
  CHECK(local_db->describe() == "unix:///tmp/r.sock?db=3");
  for (const char* bad : {"http://x:1", "redis://", "redis://:6379", "redis://h:0", "redis://h:70000",
                          "redis://h:1/x", "redis://user@h:1", "redis://user:@h:1", "redis://:p%zz@h:1",
                          "redis://:p%4@h:1", "unix://relative.sock", "unix://", "unix://:pw@", "unix://pw@/r.sock",
                          "redis://[::1", "unix:///a.sock?db=x"}) {
    CAPTURE(bad);
    const auto parsed = parse_redis_url(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().id == ErrorId::option_value_invalid);
  }
}

TEST_CASE("parse_redis_url: a password in the URL or from the environment, never in describe()") {
  auto with_password = parse_redis_url("redis://:s3cret@10.0.0.5:6380/1");
  REQUIRE(with_password);
  CHECK(with_password->user.empty());
  CHECK(with_password->password == "s3cret");
  CHECK(with_password->host == "10.0.0.5");
  CHECK(with_password->port == 6380);
  CHECK(with_password->db == 1);
  CHECK(with_password->describe() == "redis://:***@10.0.0.5:6380/1");
  // An ACL user; the password percent-decoded (':' '@' '/' and '%' in it).
  auto acl = parse_redis_url("redis://comments:a%3Ab%40c%2Fd%25@cache.internal");
  REQUIRE(acl);
  CHECK(acl->user == "comments");
  CHECK(acl->password == "a:b@c/d%");
  CHECK(acl->host == "cache.internal");
  CHECK(acl->port == 6379);
  CHECK(acl->describe() == "redis://comments:***@cache.internal:6379");
  auto local = parse_redis_url("unix://:pw@/run/redis.sock?db=2");
  REQUIRE(local);
  CHECK(local->password == "pw");
  CHECK(local->unix_path == "/run/redis.sock");
  CHECK(local->db == 2);
  CHECK(local->describe() == "unix://:***@/run/redis.sock?db=2");
  // From the environment when the URL has none; the URL's wins.
  auto from_env = parse_redis_url("redis://127.0.0.1:6379", "envpw", "envuser");
  REQUIRE(from_env);
  CHECK(from_env->password == "envpw");
  CHECK(from_env->user == "envuser");
  CHECK(from_env->describe().find("envpw") == std::string::npos);
  auto url_wins = parse_redis_url("redis://:urlpw@127.0.0.1:6379", "envpw", "envuser");
  REQUIRE(url_wins);
  CHECK(url_wins->password == "urlpw");
  CHECK(url_wins->user.empty());
  auto none = parse_redis_url("redis://127.0.0.1:6379");
  REQUIRE(none);
  CHECK(none->password.empty());
  // A bad URL's message does not repeat its password.
  const auto bad = parse_redis_url("redis://:hunter2@h:0");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("hunter2") == std::string::npos);
  const auto raw_slash = parse_redis_url("redis://:hunter/2@h:1");  // '/' not written %2F
  REQUIRE_FALSE(raw_slash);
  CHECK(raw_slash.error().message.find("hunter") == std::string::npos);
}

TEST_CASE("--redis and --reuse-port") {
  const auto parsed = parse_command_line(
      {"--port", "0", "--db", "x.db", "--redis", "redis://127.0.0.1:6379", "--reuse-port"}, "web");
  REQUIRE(parsed);
  const Config& config = std::get<Config>(*parsed);
  CHECK(config.redis_url == "redis://127.0.0.1:6379");
  CHECK(config.reuse_port);
  const auto defaults = parse_command_line({"--port", "0", "--db", "x.db"}, "web");
  REQUIRE(defaults);
  CHECK_FALSE(std::get<Config>(*defaults).redis_url);
  CHECK_FALSE(std::get<Config>(*defaults).reuse_port);
  CHECK(parse_command_line({"--port", "0", "--db", "x", "--redis"}, "web").error().id ==
        ErrorId::option_value_missing);
  CHECK(parse_command_line({"--port", "0", "--db", "x", "--redis", "localhost:6379"}, "web").error().id ==
        ErrorId::option_value_invalid);
  CHECK(parse_command_line({"--port", "0", "--db", "x", "--reuse-port=yes"}, "web").error().id ==
        ErrorId::option_takes_no_value);
}

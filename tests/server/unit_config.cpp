// Command-line parsing of comment-server.
#include <doctest/doctest.h>

#include "support/config.hpp"

using namespace comments::server;

namespace {

CommandLine parse(std::vector<std::string> args) { return parse_command_line(args, "/srv/web"); }

std::string usage_error(std::vector<std::string> args) {
  const auto result = parse(std::move(args));
  REQUIRE(std::holds_alternative<UsageError>(result));
  return std::get<UsageError>(result).message;
}

}  // namespace

TEST_CASE("config: minimal command line gets the documented defaults") {
  const auto result = parse({"--port", "0", "--db", "c.db"});
  REQUIRE(std::holds_alternative<Config>(result));
  const auto& c = std::get<Config>(result);
  CHECK(c.port == 0);
  CHECK(c.db_path == "c.db");
  CHECK(c.host == "127.0.0.1");
  CHECK(c.web_dir == "/srv/web");
  CHECK(c.rate_per_minute == 5);
  CHECK_FALSE(c.premoderate);
  CHECK_FALSE(c.trust_proxy);
  CHECK(c.allow_origins.empty());
  CHECK_FALSE(c.mod_token_file.has_value());
}

TEST_CASE("config: every option, both --opt value and --opt=value") {
  const auto result = parse({"--port=8080", "--db", "/var/c.db", "--web", "/w", "--allow-origin",
                             "https://a.example", "--allow-origin=*", "--premoderate", "--rate",
                             "0", "--trust-proxy", "--host", "::", "--mod-token-file", "/etc/t"});
  REQUIRE(std::holds_alternative<Config>(result));
  const auto& c = std::get<Config>(result);
  CHECK(c.port == 8080);
  CHECK(c.db_path == "/var/c.db");
  CHECK(c.web_dir == "/w");
  CHECK(c.allow_origins == std::vector<std::string>{"https://a.example", "*"});
  CHECK(c.premoderate);
  CHECK(c.rate_per_minute == 0);
  CHECK(c.trust_proxy);
  CHECK(c.host == "::");
  CHECK(c.mod_token_file == "/etc/t");
}

TEST_CASE("config: --help wins") {
  CHECK(std::holds_alternative<ShowHelp>(parse({"--help"})));
  CHECK(std::holds_alternative<ShowHelp>(parse({"--port", "1", "-h"})));
  CHECK(usage_text().find("--mod-token-file") != std::string::npos);
}

TEST_CASE("config: bad arguments give one clear message") {
  CHECK(usage_error({"--db", "x"}).find("--port is required") != std::string::npos);
  CHECK(usage_error({"--port", "1"}).find("--db is required") != std::string::npos);
  CHECK(usage_error({"--port", "65536", "--db", "x"}).find("0 to 65535") != std::string::npos);
  CHECK(usage_error({"--port", "-1", "--db", "x"}).find("--port") != std::string::npos);
  CHECK(usage_error({"--port", "80x", "--db", "x"}).find("'80x'") != std::string::npos);
  CHECK(usage_error({"--port"}).find("--port needs a value") != std::string::npos);
  CHECK(usage_error({"--port", "1", "--db", "x", "--rate", "five"}).find("--rate") !=
        std::string::npos);
  CHECK(usage_error({"--port", "1", "--db", "x", "--host", "example.com"}).find("IP address") !=
        std::string::npos);
  CHECK(usage_error({"--port", "1", "--db", "x", "--allow-origin", "example.com"})
            .find("scheme://") != std::string::npos);
  CHECK(usage_error({"--port", "1", "--db", "x", "--premoderate=yes"}).find("takes no value") !=
        std::string::npos);
  CHECK(usage_error({"--port", "1", "--db", "x", "--frobnicate"}).find("'--frobnicate'") !=
        std::string::npos);
}

TEST_CASE("config: the moderator token is never accepted on the command line") {
  const auto message = usage_error({"--port", "1", "--db", "x", "--mod-token", "s3cret"});
  CHECK(message.find("COMMENTS_MOD_TOKEN") != std::string::npos);
  CHECK(message.find("s3cret") == std::string::npos);
}

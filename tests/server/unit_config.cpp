// Command-line parsing of comment-server.
#include <doctest/doctest.h>

#include "support/config.hpp"

using namespace comments::server;

using comments::ErrorId;

namespace {

comments::Result<CommandLine> parse(std::vector<std::string> args) {
  return parse_command_line(args, "/srv/web");
}

comments::Error usage_error(std::vector<std::string> args) {
  const auto result = parse(std::move(args));
  REQUIRE_FALSE(result.ok());
  return result.error();
}

const Config& config_of(const comments::Result<CommandLine>& result) {
  REQUIRE(result.ok());
  REQUIRE(std::holds_alternative<Config>(*result));
  return std::get<Config>(*result);
}

bool shows_help(const comments::Result<CommandLine>& result) {
  return result.ok() && std::holds_alternative<ShowHelp>(*result);
}

}  // namespace

TEST_CASE("config: minimal command line gets the documented defaults") {
  const auto result = parse({"--port", "0", "--db", "c.db"});
  const auto& c = config_of(result);
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
  const auto& c = config_of(result);
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

TEST_CASE("config: --help wins, and is no error") {
  CHECK(shows_help(parse({"--help"})));
  CHECK(shows_help(parse({"--port", "1", "-h"})));
  CHECK(usage_text().find("--mod-token-file") != std::string::npos);
}

TEST_CASE("config: bad arguments give one clear message and a stable id") {
  const struct {
    std::vector<std::string> args;
    ErrorId id;
    const char* says;
  } cases[] = {
      {{"--db", "x"}, ErrorId::option_required, "--port is required"},
      {{"--port", "1"}, ErrorId::option_required, "--db is required"},
      {{"--port", "65536", "--db", "x"}, ErrorId::option_value_invalid, "0 to 65535"},
      {{"--port", "-1", "--db", "x"}, ErrorId::option_value_invalid, "--port"},
      {{"--port", "80x", "--db", "x"}, ErrorId::option_value_invalid, "'80x'"},
      {{"--port"}, ErrorId::option_value_missing, "--port needs a value"},
      {{"--port", "1", "--db", ""}, ErrorId::option_value_missing, "--db needs a file path"},
      {{"--port", "1", "--db", "x", "--rate", "five"}, ErrorId::option_value_invalid, "--rate"},
      {{"--port", "1", "--db", "x", "--host", "example.com"}, ErrorId::option_value_invalid, "IP address"},
      {{"--port", "1", "--db", "x", "--allow-origin", "example.com"}, ErrorId::option_value_invalid,
       "scheme://"},
      {{"--port", "1", "--db", "x", "--premoderate=yes"}, ErrorId::option_takes_no_value,
       "takes no value"},
      {{"--port", "1", "--db", "x", "--frobnicate"}, ErrorId::option_unknown, "'--frobnicate'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.says);
    const comments::Error e = usage_error(c.args);
    CHECK(e.id == c.id);
    CHECK(e.message.find(c.says) != std::string::npos);
  }
}

TEST_CASE("config: the moderator token is never accepted on the command line") {
  const auto error = usage_error({"--port", "1", "--db", "x", "--mod-token", "s3cret"});
  CHECK(error.id == ErrorId::option_refused);
  CHECK(error.message.find("COMMENTS_MOD_TOKEN") != std::string::npos);
  CHECK(error.message.find("s3cret") == std::string::npos);
}

TEST_CASE("config: subcommands backup, restore and moderator") {
  const auto backup = parse({"backup", "--db", "/var/c.db", "--to=/backups/c.db"});
  REQUIRE(backup.ok());
  REQUIRE(std::holds_alternative<BackupCommand>(*backup));
  CHECK(std::get<BackupCommand>(*backup).db_path == "/var/c.db");
  CHECK(std::get<BackupCommand>(*backup).to == "/backups/c.db");
  CHECK(usage_error({"backup", "--db", "c.db"}).id == ErrorId::option_required);
  CHECK(usage_error({"backup", "--to", "b.db"}).id == ErrorId::option_required);
  CHECK(usage_error({"backup", "--db", "c.db", "--to"}).id == ErrorId::option_value_missing);
  CHECK(usage_error({"backup", "--db", "c.db", "--to", "b", "--port", "1"}).id == ErrorId::option_unknown);
  CHECK(shows_help(parse({"backup", "--help"})));

  const auto restore = parse({"restore", "--from", "b.db", "--db", "c.db"});
  REQUIRE(restore.ok());
  REQUIRE(std::holds_alternative<RestoreCommand>(*restore));
  CHECK(std::get<RestoreCommand>(*restore).from == "b.db");
  CHECK(std::get<RestoreCommand>(*restore).db_path == "c.db");
  CHECK(usage_error({"restore", "--db", "c.db"}).id == ErrorId::option_required);

  const auto add = parse({"moderator", "add", "alice", "--file", "/etc/mods"});
  REQUIRE(add.ok());
  const auto& m = std::get<ModeratorCommand>(*add);
  CHECK(m.action == ModeratorCommand::Action::add);
  CHECK(m.name == "alice");
  CHECK(m.file == "/etc/mods");
  const auto list = parse({"moderator", "list", "--file=/etc/mods"});
  REQUIRE(list.ok());
  CHECK(std::get<ModeratorCommand>(*list).action == ModeratorCommand::Action::list);
  CHECK(std::get<ModeratorCommand>(*parse({"moderator", "revoke", "bob", "--file", "f"})).action ==
        ModeratorCommand::Action::revoke);
  CHECK(usage_error({"moderator"}).id == ErrorId::option_required);
  CHECK(usage_error({"moderator", "add", "--file", "f"}).id == ErrorId::option_required);
  CHECK(usage_error({"moderator", "add", "bad name", "--file", "f"}).id == ErrorId::option_value_invalid);
  CHECK(usage_error({"moderator", "add", "alice"}).id == ErrorId::option_required);
  CHECK(usage_error({"moderator", "promote", "alice"}).id == ErrorId::option_unknown);
}

TEST_CASE("config: --moderators and --metrics-listen") {
  const auto result = parse({"--port", "0", "--db", "c.db", "--moderators", "/etc/mods", "--metrics-listen",
                             "127.0.0.1:9464"});
  const auto& c = config_of(result);
  CHECK(c.moderators_file == std::optional<std::string>("/etc/mods"));
  CHECK(c.metrics_host == std::optional<std::string>("127.0.0.1"));
  CHECK(c.metrics_port == 9464);
  const auto v6 = parse({"--port", "0", "--db", "c.db", "--metrics-listen=[::1]:0"});
  CHECK(config_of(v6).metrics_host == std::optional<std::string>("::1"));
  CHECK_FALSE(config_of(parse({"--port", "0", "--db", "c.db"})).metrics_host.has_value());
  CHECK(usage_error({"--port", "0", "--db", "c.db", "--metrics-listen", "9464"}).id == ErrorId::option_value_invalid);
  CHECK(usage_error({"--port", "0", "--db", "c.db", "--metrics-listen", "localhost:9464"}).id ==
        ErrorId::option_value_invalid);
  CHECK(usage_error({"--port", "0", "--db", "c.db", "--metrics-listen", "127.0.0.1:70000"}).id ==
        ErrorId::option_value_invalid);
  CHECK(usage_error({"--port", "0", "--db", "c.db", "--moderators"}).id == ErrorId::option_value_missing);
}

TEST_CASE("config: --edit-window is seconds, 600 by default, 0 for never") {
  CHECK(config_of(parse({"--port", "0", "--db", "c.db"})).edit_window_s == 600);
  CHECK(config_of(parse({"--port", "0", "--db", "c.db", "--edit-window", "0"})).edit_window_s == 0);
  CHECK(config_of(parse({"--port", "0", "--db", "c.db", "--edit-window=90"})).edit_window_s == 90);
  for (const char* bad : {"-1", "ten", "2.5", "1000001"}) {
    CAPTURE(bad);
    const comments::Error e = usage_error({"--port", "0", "--db", "c.db", "--edit-window", bad});
    CHECK(e.id == ErrorId::option_value_invalid);
    CHECK(e.message.find("--edit-window") != std::string::npos);
  }
  CHECK(usage_error({"--port", "0", "--db", "c.db", "--edit-window"}).id == ErrorId::option_value_missing);
}

TEST_CASE("config: limits per client have documented defaults, take 0 for no limit, refuse the rest") {
  {
    const auto result = parse({"--port", "0", "--db", "c.db"});
    const auto& c = config_of(result);
    CHECK(c.max_joined == 16);
    CHECK(c.max_connections_per_address == 32);
    CHECK(c.max_connections == 10000);
    CHECK(c.messages_per_second == 20);
    CHECK(c.embed_per_minute == 60);
  }
  {
    const auto result = parse({"--port", "0", "--db", "c.db", "--max-connections-per-address", "0",
                               "--max-connections=0", "--max-messages-per-second", "0",
                               "--embed-rate=0", "--max-joined", "0"});
    const auto& c = config_of(result);
    CHECK(c.max_connections_per_address == 0);
    CHECK(c.max_connections == 0);
    CHECK(c.messages_per_second == 0);
    CHECK(c.embed_per_minute == 0);
    CHECK(c.max_joined == 0);
  }
  {
    const auto result = parse({"--port", "0", "--db", "c.db", "--max-connections-per-address=4",
                               "--max-connections", "100", "--max-messages-per-second=5",
                               "--embed-rate", "1000000"});
    const auto& c = config_of(result);
    CHECK(c.max_connections_per_address == 4);
    CHECK(c.max_connections == 100);
    CHECK(c.messages_per_second == 5);
    CHECK(c.embed_per_minute == 1'000'000);
  }
  for (const char* option : {"--max-connections-per-address", "--max-connections",
                             "--max-messages-per-second", "--embed-rate"}) {
    CAPTURE(option);
    for (const char* bad : {"-1", "ten", "1000001", "+3", "2.5"}) {
      CAPTURE(bad);
      const comments::Error e = usage_error({"--port", "1", "--db", "x", option, bad});
      CHECK(e.id == ErrorId::option_value_invalid);
      CHECK(e.message.find(option) != std::string::npos);
      CHECK(e.message.find("0 = no limit") != std::string::npos);
    }
    CHECK(usage_error({"--port", "1", "--db", "x", option}).id == ErrorId::option_value_missing);
    CHECK(usage_text().find(option) != std::string::npos);
  }
}

TEST_CASE("config: --sqlite-cache-mib caps SQLite's page cache, 1 to 4096 MiB") {
  CHECK(config_of(parse({"--port", "0", "--db", "c.db"})).sqlite_cache_mib == 32);
  CHECK(config_of(parse({"--port", "0", "--db", "c.db", "--sqlite-cache-mib", "4"})).sqlite_cache_mib == 4);
  CHECK(config_of(parse({"--port", "0", "--db", "c.db", "--sqlite-cache-mib=4096"})).sqlite_cache_mib == 4096);
  for (const char* bad : {"0", "4097", "-1", "big"}) {
    CAPTURE(bad);
    const comments::Error e = usage_error({"--port", "1", "--db", "x", "--sqlite-cache-mib", bad});
    CHECK(e.id == ErrorId::option_value_invalid);
    CHECK(e.message.find("--sqlite-cache-mib") != std::string::npos);
  }
  CHECK(usage_error({"--port", "1", "--db", "x", "--sqlite-cache-mib"}).id == ErrorId::option_value_missing);
  CHECK(usage_text().find("--sqlite-cache-mib") != std::string::npos);
}

TEST_CASE("--db takes a PostgreSQL URI as it is") {
  const auto result = parse({"--port", "0", "--db", "postgresql://app:pw@db.example/comments?sslmode=require"});
  CHECK(config_of(result).db_path == "postgresql://app:pw@db.example/comments?sslmode=require");
}

TEST_CASE("copy-store --from DB --to DB") {
  const auto result = parse({"copy-store", "--from", "/var/lib/c.db", "--to=postgres://h/db"});
  REQUIRE(result.ok());
  REQUIRE(std::holds_alternative<CopyStore>(*result));
  CHECK(std::get<CopyStore>(*result).from == "/var/lib/c.db");
  CHECK(std::get<CopyStore>(*result).to == "postgres://h/db");
  CHECK(shows_help(parse({"copy-store", "--help"})));
  CHECK(usage_error({"copy-store", "--from", "a.db"}).id == ErrorId::option_required);
  CHECK(usage_error({"copy-store", "--to", "b.db"}).id == ErrorId::option_required);
  CHECK(usage_error({"copy-store", "--from", "a.db", "--to"}).id == ErrorId::option_value_missing);
  CHECK(usage_error({"copy-store", "--from", "a.db", "--to", "b.db", "--port", "1"}).id == ErrorId::option_unknown);
  CHECK(usage_error({"copy-store", "--from", "a.db", "--to", "a.db"}).id == ErrorId::option_value_invalid);
  // Elsewhere than first, it is not a subcommand.
  CHECK(usage_error({"--port", "0", "copy-store"}).id == ErrorId::option_unknown);
}

TEST_CASE("config: --time-zone names the site's zone (default Asia/Shanghai) or a fixed offset") {
  const auto defaults = parse({"--port", "0", "--db", "c.db"});
  CHECK(config_of(defaults).utc_offset_minutes == 480);
  CHECK(config_of(defaults).time_zone == "Asia/Shanghai");
  const auto utc = parse({"--port", "0", "--db", "c.db", "--time-zone", "UTC"});
  CHECK(config_of(utc).utc_offset_minutes == 0);
  const auto india = parse({"--port", "0", "--db", "c.db", "--time-zone=+05:30"});
  CHECK(config_of(india).utc_offset_minutes == 330);
  CHECK(parse_time_zone("UTC-03:00") == -180);
  CHECK(parse_time_zone("Asia/Hong_Kong") == 480);
  CHECK_FALSE(parse_time_zone("Europe/Berlin"));  // daylight saving time: an offset is needed
  CHECK_FALSE(parse_time_zone("+8"));
  CHECK_FALSE(parse_time_zone("+15:00"));
  CHECK(usage_error({"--port", "0", "--db", "c.db", "--time-zone", "Mars/Olympus"}).id ==
        ErrorId::option_value_invalid);
  CHECK(usage_error({"--port", "0", "--db", "c.db", "--time-zone"}).id == ErrorId::option_value_missing);
}

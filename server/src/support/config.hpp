// The server's command line. Parsing is pure (no I/O) so it is unit-tested;
// main.cpp reads the token file and the environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "comments/result.hpp"

namespace comments::server {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string db_path;
  std::string web_dir;                     // defaults to COMMENTS_DEFAULT_WEB_DIR
  std::vector<std::string> allow_origins;  // exact origins, or "*"
  bool premoderate = false;
  int rate_per_minute = 5;                 // 0 = no limit
  int max_joined = 16;                     // threads joined per connection; 0 = no limit
  bool trust_proxy = false;
  std::optional<std::string> mod_token_file;
  // redis://HOST:PORT[/DB] or unix:///path/redis.sock: several instances on
  // one database exchange events there (checked fully by bus/redis_connection).
  std::optional<std::string> redis_url;
  bool reuse_port = false;  // SO_REUSEPORT on the listener
};

// What a valid command line asks for: run with a Config, or show the help.
struct ShowHelp {};
using CommandLine = std::variant<Config, ShowHelp>;

// `args` excludes the program name. Accepts `--opt value` and `--opt=value`.
// --port and --db are required. Never accepts the moderator token itself.
// Fails with an option_* id (4xx) and one sentence naming the bad argument.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                       const std::string& default_web_dir);

// The --help text.
std::string usage_text();

}  // namespace comments::server

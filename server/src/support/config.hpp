// The server's command line. Parsing is pure (no I/O) so it is unit-tested;
// main.cpp reads the token file and the environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "comments/result.hpp"

namespace comments::server {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string db_path;
  int sqlite_cache_mib = 32;               // SQLite page cache cap (--sqlite-cache-mib)
  std::string web_dir;                     // defaults to COMMENTS_DEFAULT_WEB_DIR
  std::vector<std::string> allow_origins;  // exact origins, or "*"
  bool premoderate = false;
  int rate_per_minute = 5;                 // 0 = no limit
  int max_joined = 16;                     // threads joined per connection; 0 = no limit
  int edit_window_s = 600;                 // authors edit/delete their own comments; 0 = never
  // Limits per client (docs/server.md "Limits"); 0 = no limit for each.
  int max_connections_per_address = 32;    // open WebSocket connections per client address
  int max_connections = 10000;             // open WebSocket connections in total
  int messages_per_second = 20;            // per connection, every message type; burst twice that
  int embed_per_minute = 60;               // GET /embed/latest per client address
  bool trust_proxy = false;
  std::optional<std::string> mod_token_file;
  std::optional<std::string> moderators_file;  // named moderators (--moderators)
  // The Prometheus /metrics listener (--metrics-listen HOST:PORT); off when unset.
  std::optional<std::string> metrics_host;
  std::uint16_t metrics_port = 0;
  // redis://HOST:PORT[/DB] or unix:///path/redis.sock: several instances on
  // one database exchange events there (checked fully by bus/redis_connection).
  std::optional<std::string> redis_url;
  bool reuse_port = false;  // SO_REUSEPORT on the listener
  // The site's time zone (--time-zone): the dates of old comments in the
  // server-rendered block (/embed/latest, the page include). Minutes east of UTC.
  int utc_offset_minutes = 480;
  std::string time_zone = "Asia/Shanghai";
};

// The UTC offset (minutes east) of a --time-zone value: a zone without
// daylight saving time by its IANA name (Asia/Shanghai, Asia/Hong_Kong, UTC…),
// or a fixed offset "UTC+08:00" / "+08:00" / "-05:30". nullopt for anything
// else (zones with daylight saving time are not supported: use an offset).
std::optional<int> parse_time_zone(std::string_view zone);

// What a valid command line asks for: run with a Config, show the help, or
// one of the subcommands (the first argument names it).
struct ShowHelp {};
// comment-server backup --db PATH --to FILE
struct BackupCommand {
  std::string db_path;
  std::string to;
};
// comment-server restore --from FILE --db PATH
struct RestoreCommand {
  std::string from;
  std::string db_path;
};
// comment-server moderator add|revoke NAME --file FILE, moderator list --file FILE
struct ModeratorCommand {
  enum class Action { add, revoke, list };
  Action action = Action::list;
  std::string name;  // empty for list
  std::string file;
};
// comment-server copy-store --from DB --to DB (copy a whole store into an
// empty one, any engine to any: store/copy_store.hpp).
struct CopyStore {
  std::string from;
  std::string to;
};
using CommandLine =
    std::variant<Config, ShowHelp, BackupCommand, RestoreCommand, ModeratorCommand, CopyStore>;

// `args` excludes the program name. Accepts `--opt value` and `--opt=value`.
// Running the server: --port and --db are required. Never accepts the
// moderator token itself. A first argument `backup`, `restore`,
// `moderator` or `copy-store` selects that subcommand and its own options (--help works in
// each). Fails with an option_* id (4xx) and one sentence naming the bad
// argument.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                       const std::string& default_web_dir);

// The --help text.
std::string usage_text();

}  // namespace comments::server

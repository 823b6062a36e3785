#include "support/config.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <limits>
#include <utility>
#include <string_view>

#include "comments/limits.hpp"
#include "support/moderators.hpp"

namespace comments::server {
namespace {

// Whole-string non-negative decimal integer within [0, max].
std::optional<long long> parse_count(std::string_view text, long long max) {
  long long value = 0;
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

// Out of line: GCC 12 warns (falsely, -Wmaybe-uninitialized) about the
// variant's inactive members where this is inlined into the parsers.
[[gnu::noinline]] Result<CommandLine> help_requested() { return CommandLine{ShowHelp{}}; }

Error missing(std::string message) { return Error{ErrorId::option_value_missing, std::move(message)}; }
Error invalid(std::string message) { return Error{ErrorId::option_value_invalid, std::move(message)}; }

// Walks `--opt value` / `--opt=value` arguments (for the subcommands; the
// server's own options are read by the loop in parse_command_line).
class OptionReader {
 public:
  OptionReader(const std::vector<std::string>& args, std::size_t first) : args_(args), i_(first) {}
  bool done() const { return i_ >= args_.size(); }
  // The next argument: sets name() (and the inline value of --opt=value).
  void next() {
    std::string_view arg = args_[i_];
    inline_value_.reset();
    if (arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        inline_value_ = std::string(arg.substr(eq + 1));
        arg = arg.substr(0, eq);
      }
    }
    name_ = std::string(arg);
  }
  const std::string& name() const { return name_; }
  const std::string& raw() const { return args_[i_]; }
  // The value of the current option (non-empty), or an option_value_missing error.
  Result<std::string> value(const std::string& what) {
    std::optional<std::string> v = inline_value_;
    if (!v && i_ + 1 < args_.size()) v = args_[++i_];
    if (!v || v->empty()) return missing(name_ + " needs " + what);
    return *v;
  }
  void advance() { ++i_; }

 private:
  const std::vector<std::string>& args_;
  std::size_t i_;
  std::string name_;
  std::optional<std::string> inline_value_;
};

Error unknown_argument(const std::string& arg, const char* command) {
  return Error{ErrorId::option_unknown,
               "unknown argument '" + arg + "' for " + command};
}

Result<CommandLine> parse_backup(const std::vector<std::string>& args) {
  BackupCommand command;
  for (OptionReader r(args, 1); !r.done(); r.advance()) {
    r.next();
    if (r.name() == "--help" || r.name() == "-h") return help_requested();
    if (r.name() == "--db") {
      auto v = r.value("the database file path");
      if (!v) return v.error();
      command.db_path = *v;
    } else if (r.name() == "--to") {
      auto v = r.value("the backup file path");
      if (!v) return v.error();
      command.to = *v;
    } else {
      return unknown_argument(r.raw(), "backup");
    }
  }
  if (command.db_path.empty()) return Error{ErrorId::option_required, "backup needs --db PATH"};
  if (command.to.empty()) return Error{ErrorId::option_required, "backup needs --to FILE"};
  return CommandLine{std::move(command)};
}

Result<CommandLine> parse_restore(const std::vector<std::string>& args) {
  RestoreCommand command;
  for (OptionReader r(args, 1); !r.done(); r.advance()) {
    r.next();
    if (r.name() == "--help" || r.name() == "-h") return help_requested();
    if (r.name() == "--from") {
      auto v = r.value("the backup file path");
      if (!v) return v.error();
      command.from = *v;
    } else if (r.name() == "--db") {
      auto v = r.value("the database file path");
      if (!v) return v.error();
      command.db_path = *v;
    } else {
      return unknown_argument(r.raw(), "restore");
    }
  }
  if (command.from.empty()) return Error{ErrorId::option_required, "restore needs --from FILE"};
  if (command.db_path.empty()) return Error{ErrorId::option_required, "restore needs --db PATH"};
  return CommandLine{std::move(command)};
}

Result<CommandLine> parse_moderator(const std::vector<std::string>& args) {
  ModeratorCommand command;
  if (args.size() < 2) {
    return Error{ErrorId::option_required, "moderator needs add NAME, revoke NAME or list"};
  }
  const std::string& action = args[1];
  std::size_t first = 2;
  if (action == "--help" || action == "-h") return help_requested();
  if (action == "add" || action == "revoke") {
    command.action = action == "add" ? ModeratorCommand::Action::add : ModeratorCommand::Action::revoke;
    if (args.size() < 3 || args[2].starts_with("--")) {
      return Error{ErrorId::option_required, "moderator " + action + " needs a NAME"};
    }
    if (!valid_moderator_name(args[2])) {
      return invalid("a moderator name is 1 to 64 letters, digits, '.', '_' or '-', got '" + args[2] + "'");
    }
    command.name = args[2];
    first = 3;
  } else if (action == "list") {
    command.action = ModeratorCommand::Action::list;
  } else {
    return Error{ErrorId::option_unknown, "moderator needs add, revoke or list, got '" + action + "'"};
  }
  for (OptionReader r(args, first); !r.done(); r.advance()) {
    r.next();
    if (r.name() == "--help" || r.name() == "-h") return help_requested();
    if (r.name() == "--file") {
      auto v = r.value("the moderators file path");
      if (!v) return v.error();
      command.file = *v;
    } else {
      return unknown_argument(r.raw(), "moderator");
    }
  }
  if (command.file.empty()) return Error{ErrorId::option_required, "moderator needs --file FILE"};
  return CommandLine{std::move(command)};
}

Result<CommandLine> parse_copy_store(const std::vector<std::string>& args) {
  CopyStore command;
  for (OptionReader r(args, 1); !r.done(); r.advance()) {
    r.next();
    if (r.name() == "--help" || r.name() == "-h") return help_requested();
    if (r.name() == "--from" || r.name() == "--to") {
      auto v = r.value("a database (a SQLite path or a postgresql:// URI)");
      if (!v) return v.error();
      (r.name() == "--from" ? command.from : command.to) = *v;
    } else {
      return unknown_argument(r.raw(), "copy-store");
    }
  }
  if (command.from.empty()) return Error{ErrorId::option_required, "copy-store needs --from DB"};
  if (command.to.empty()) return Error{ErrorId::option_required, "copy-store needs --to DB"};
  if (command.from == command.to) {
    return Error{ErrorId::option_value_invalid, "copy-store: --from and --to are the same database"};
  }
  return CommandLine{std::move(command)};
}

}  // namespace

std::string usage_text() {
  return R"(Usage: comment-server --port P --db PATH [options]

  --port P               TCP port to listen on (0 picks a free one)
  --db PATH|URI          SQLite database file (created when missing), or a PostgreSQL
                         connection URI postgresql://USER[:PASSWORD]@HOST[:PORT]/DB
                         (also postgres://; the password may instead come from
                         PGPASSWORD or ~/.pgpass); the schema is created or migrated
  --sqlite-cache-mib N   SQLite's page cache, at most N MiB (default 32, 1-4096): the
                         part of the memory that grows with the database, up to N
  --host ADDR            address to bind (default 127.0.0.1; 0.0.0.0 or :: for all)
  --web DIR              folder of static files to serve (default: the build's web folder)
  --allow-origin O       also accept WebSocket upgrades from origin O (repeatable;
                         exact match such as https://news.example.com, or * for any)
  --premoderate          store every post as pending until a moderator approves it
  --rate N               posts per client address per 60 s (default 5; 0 = no limit)
  --max-joined N         threads one connection may join at once (default 16; 0 = no limit)
  --edit-window S        seconds in which authors may edit or delete their own comments
                         (default 600; 0 = never)
  --max-connections-per-address N
                         open WebSocket connections per client address (default 32;
                         0 = no limit); one more upgrade gets HTTP 429
  --max-connections N    open WebSocket connections in total (default 10000; 0 = no
                         limit); one more upgrade gets HTTP 503
  --max-messages-per-second N
                         messages per connection per second, any type (default 20,
                         bursts of twice that; 0 = no limit); more get rate_limited,
                         a connection that keeps on is closed with 1008
  --embed-rate N         GET /embed/latest per client address per 60 s (default 60;
                         0 = no limit); more get HTTP 429 with Retry-After
  --time-zone ZONE       the site's time zone for the dates in the server-rendered
                         comments (default Asia/Shanghai): an IANA name of a zone
                         without daylight saving time, or an offset like +08:00
  --trust-proxy          take the client address from the last X-Forwarded-For entry
                         (only behind a reverse proxy that sets it)
  --mod-token-file PATH  read the moderator token from PATH (else from the
                         environment variable COMMENTS_MOD_TOKEN; with neither,
                         moderation is off)
  --moderators FILE      named moderators: one "NAME SHA256-HEX" line each, written
                         by `comment-server moderator add`; re-read when it changes
  --metrics-listen HOST:PORT
                         serve Prometheus /metrics on this separate address
                         (off by default; never on the public port)
  --redis URL            run as one of several instances on one database: exchange
                         live events and rate-limit counts through Redis at
                         redis://HOST:PORT[/DB] or unix:///path/redis.sock; with
                         requirepass or an ACL user: redis://[USER]:PASSWORD@HOST:PORT,
                         or the password in COMMENTS_REDIS_PASSWORD (and the user in
                         COMMENTS_REDIS_USER), which ps does not show
  --reuse-port           set SO_REUSEPORT, so several instances share one port
  --help                 show this text

Prints "listening on http://HOST:PORT" once it accepts connections (with --redis:
once it is subscribed to Redis; before it, "metrics on http://HOST:PORT" with
--metrics-listen).
SIGINT/SIGTERM close connections, finish queued commits and exit 0.

Subcommands:
  comment-server backup --db PATH --to FILE
      copies the database, safely while the server runs, to FILE (written
      whole or not at all); every post acknowledged before it started is in it
  comment-server restore --from FILE --db PATH
      replaces PATH with the backup FILE (the server must be stopped; the old
      PATH is kept as PATH.before-restore)
  comment-server moderator add NAME --file FILE
      creates NAME's token, prints it once, stores only its SHA-256 in FILE
  comment-server moderator revoke NAME --file FILE
  comment-server moderator list --file FILE
  comment-server copy-store --from DB --to DB
      copies every comment (ids kept), flag, ban, filter list, audit entry and
      secret (the address-hash key) from one store into an EMPTY one, in one
      transaction: e.g. --from /var/lib/comments/comments.db --to postgresql://...
      Stop the server on --from first.
)";
}

std::optional<int> parse_time_zone(std::string_view zone) {
  // Zones of the site's readers without daylight saving time (China has had
  // none since 1991): their offset is fixed, so no zone database is needed.
  static constexpr std::pair<std::string_view, int> fixed[] = {
      {"Asia/Shanghai", 480}, {"Asia/Chongqing", 480}, {"Asia/Harbin", 480}, {"Asia/Urumqi", 360},
      {"Asia/Hong_Kong", 480}, {"Asia/Macau", 480},     {"Asia/Taipei", 480}, {"Asia/Singapore", 480},
      {"Asia/Kuala_Lumpur", 480}, {"Asia/Manila", 480}, {"Asia/Tokyo", 540}, {"Asia/Seoul", 540},
      {"PRC", 480},            {"UTC", 0},               {"Etc/UTC", 0},       {"GMT", 0}};
  for (const auto& [name, offset] : fixed) {
    if (zone == name) return offset;
  }
  std::string_view rest = zone;
  if (rest.starts_with("UTC")) rest.remove_prefix(3);
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return std::nullopt;
  const auto digit = [&](std::size_t i) -> int {
    return rest[i] >= '0' && rest[i] <= '9' ? rest[i] - '0' : -1;
  };
  const int h1 = digit(1), h2 = digit(2), m1 = digit(4), m2 = digit(5);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  const int hours = h1 * 10 + h2, minutes = m1 * 10 + m2;
  if (hours > 14 || minutes > 59) return std::nullopt;
  const int offset = hours * 60 + minutes;
  return rest[0] == '-' ? -offset : offset;
}

Result<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                       const std::string& default_web_dir) {
  if (!args.empty()) {
    if (args[0] == "backup") return parse_backup(args);
    if (args[0] == "restore") return parse_restore(args);
    if (args[0] == "moderator") return parse_moderator(args);
    if (args[0] == "copy-store") return parse_copy_store(args);
  }
  Config config;
  config.web_dir = default_web_dir;
  config.rate_per_minute = limits::default_rate_per_minute;
  bool have_port = false;
  bool have_db = false;

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = std::string(arg.substr(eq + 1));
        arg = arg.substr(0, eq);
      }
    }
    const std::string name(arg);

    // Fetches the option's value: `--opt=value` or the next argument.
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    // A limit: a whole number from 0 (no limit) to 1,000,000 of `what`.
    auto limit_value = [&](const std::string& what) -> Result<int> {
      const auto v = value();
      if (!v) return missing(name + " needs a value");
      const auto n = parse_count(*v, 1'000'000);
      if (!n) return invalid(name + " needs a whole number of " + what + " (0 = no limit), got '" + *v + "'");
      return static_cast<int>(*n);
    };
    auto flag_only = [&]() -> Result<void> {
      if (inline_value) return Error{ErrorId::option_takes_no_value, name + " takes no value"};
      return {};
    };

    if (name == "--help" || name == "-h") {
      return CommandLine{ShowHelp{}};
    } else if (name == "--port") {
      const auto v = value();
      if (!v) return missing("--port needs a value");
      const auto port = parse_count(*v, std::numeric_limits<std::uint16_t>::max());
      if (!port) return invalid("--port needs a number from 0 to 65535, got '" + *v + "'");
      config.port = static_cast<std::uint16_t>(*port);
      have_port = true;
    } else if (name == "--db") {
      const auto v = value();
      if (!v || v->empty()) return missing("--db needs a file path or a postgresql:// URI");
      config.db_path = *v;
      have_db = true;
    } else if (name == "--host") {
      const auto v = value();
      if (!v) return missing("--host needs an IP address");
      boost::system::error_code ec;
      boost::asio::ip::make_address(*v, ec);
      if (ec) return invalid("--host needs an IP address such as 127.0.0.1 or ::, got '" + *v + "'");
      config.host = *v;
    } else if (name == "--web") {
      const auto v = value();
      if (!v || v->empty()) return missing("--web needs a folder path");
      config.web_dir = *v;
    } else if (name == "--allow-origin") {
      const auto v = value();
      if (!v || v->empty()) return missing("--allow-origin needs an origin such as https://example.com or *");
      if (*v != "*" && v->find("://") == std::string::npos) {
        return invalid("--allow-origin needs scheme://host[:port] or *, got '" + *v + "'");
      }
      config.allow_origins.push_back(*v);
    } else if (name == "--time-zone") {
      const auto v = value();
      if (!v || v->empty()) return missing("--time-zone needs a zone such as Asia/Shanghai or +08:00");
      const auto offset = parse_time_zone(*v);
      if (!offset) {
        return invalid("--time-zone needs a zone without daylight saving time (Asia/Shanghai, UTC, …) "
                       "or an offset such as +08:00, got '" + *v + "'");
      }
      config.time_zone = *v;
      config.utc_offset_minutes = *offset;
    } else if (name == "--premoderate") {
      if (auto flag = flag_only(); !flag) return flag.error();
      config.premoderate = true;
    } else if (name == "--trust-proxy") {
      if (auto flag = flag_only(); !flag) return flag.error();
      config.trust_proxy = true;
    } else if (name == "--rate") {
      const auto rate = limit_value("posts per minute");
      if (!rate) return rate.error();
      config.rate_per_minute = *rate;
    } else if (name == "--edit-window") {
      const auto v = value();
      if (!v) return missing(name + " needs a value");
      const auto seconds = parse_count(*v, 1'000'000);
      if (!seconds) return invalid(name + " needs a whole number of seconds (0 = authors cannot edit), got '" + *v + "'");
      config.edit_window_s = static_cast<int>(*seconds);
    } else if (name == "--max-joined") {
      const auto joined = limit_value("threads");
      if (!joined) return joined.error();
      config.max_joined = *joined;
    } else if (name == "--sqlite-cache-mib") {
      const auto v = value();
      if (!v) return missing(name + " needs a value");
      const auto n = parse_count(*v, 4096);
      if (!n || *n < 1) return invalid(name + " needs a whole number of MiB from 1 to 4096, got '" + *v + "'");
      config.sqlite_cache_mib = static_cast<int>(*n);
    } else if (name == "--max-connections-per-address") {
      const auto n = limit_value("connections");
      if (!n) return n.error();
      config.max_connections_per_address = *n;
    } else if (name == "--max-connections") {
      const auto n = limit_value("connections");
      if (!n) return n.error();
      config.max_connections = *n;
    } else if (name == "--max-messages-per-second") {
      const auto n = limit_value("messages per second");
      if (!n) return n.error();
      config.messages_per_second = *n;
    } else if (name == "--embed-rate") {
      const auto n = limit_value("requests per minute");
      if (!n) return n.error();
      config.embed_per_minute = *n;
    } else if (name == "--mod-token-file") {
      const auto v = value();
      if (!v || v->empty()) return missing("--mod-token-file needs a file path");
      config.mod_token_file = *v;
    } else if (name == "--moderators") {
      const auto v = value();
      if (!v || v->empty()) return missing("--moderators needs a file path");
      config.moderators_file = *v;
    } else if (name == "--metrics-listen") {
      const auto v = value();
      if (!v || v->empty()) return missing("--metrics-listen needs HOST:PORT");
      const auto colon = v->rfind(':');
      std::string host = colon == std::string::npos ? std::string() : v->substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
      const auto port = colon == std::string::npos
                            ? std::nullopt
                            : parse_count(std::string_view(*v).substr(colon + 1),
                                          std::numeric_limits<std::uint16_t>::max());
      boost::system::error_code ec;
      if (!host.empty()) boost::asio::ip::make_address(host, ec);
      if (host.empty() || ec || !port) {
        return invalid("--metrics-listen needs HOST:PORT such as 127.0.0.1:9464 or [::1]:9464, got '" +
                       *v + "'");
      }
      config.metrics_host = host;
      config.metrics_port = static_cast<std::uint16_t>(*port);
    } else if (name == "--redis") {
      const auto v = value();
      if (!v || v->empty()) return missing("--redis needs redis://HOST:PORT[/DB] or unix:///path");
      if (!v->starts_with("redis://") && !v->starts_with("unix://")) {
        return invalid("--redis needs redis://HOST:PORT[/DB] or unix:///path/redis.sock, got '" + *v + "'");
      }
      config.redis_url = *v;
    } else if (name == "--reuse-port") {
      if (auto flag = flag_only(); !flag) return flag.error();
      config.reuse_port = true;
    } else if (name == "--mod-token" || name == "--token") {
      return Error{ErrorId::option_refused, name + " is not accepted: a token on the command line shows in ps; "
                                                   "use COMMENTS_MOD_TOKEN or --mod-token-file"};
    } else {
      return Error{ErrorId::option_unknown, "unknown argument '" + std::string(args[i]) + "'"};
    }
  }
  if (!have_port) return Error{ErrorId::option_required, "--port is required (0 picks a free port)"};
  if (!have_db) return Error{ErrorId::option_required, "--db is required"};
  return CommandLine{std::move(config)};
}

}  // namespace comments::server

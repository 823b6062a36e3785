#include "support/config.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <limits>
#include <string_view>

#include "comments/limits.hpp"

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

}  // namespace

std::string usage_text() {
  return R"(Usage: comment-server --port P --db PATH [options]

  --port P               TCP port to listen on (0 picks a free one)
  --db PATH              SQLite database file (created when missing)
  --host ADDR            address to bind (default 127.0.0.1; 0.0.0.0 or :: for all)
  --web DIR              folder of static files to serve (default: the build's web folder)
  --allow-origin O       also accept WebSocket upgrades from origin O (repeatable;
                         exact match such as https://news.example.com, or * for any)
  --premoderate          store every post as pending until a moderator approves it
  --rate N               posts per client address per 60 s (default 5; 0 = no limit)
  --max-joined N         threads one connection may join at once (default 16; 0 = no limit)
  --trust-proxy          take the client address from the last X-Forwarded-For entry
                         (only behind a reverse proxy that sets it)
  --mod-token-file PATH  read the moderator token from PATH (else from the
                         environment variable COMMENTS_MOD_TOKEN; with neither,
                         moderation is off)
  --redis URL            run as one of several instances on one database: exchange
                         live events and rate-limit counts through Redis at
                         redis://HOST:PORT[/DB] or unix:///path/redis.sock
  --reuse-port           set SO_REUSEPORT, so several instances share one port
  --help                 show this text

Prints "listening on http://HOST:PORT" once it accepts connections (with --redis:
once it is subscribed to Redis).
SIGINT/SIGTERM close connections, finish queued commits and exit 0.
)";
}

Result<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                       const std::string& default_web_dir) {
  const auto missing = [](std::string message) { return Error{ErrorId::option_value_missing, std::move(message)}; };
  const auto invalid = [](std::string message) { return Error{ErrorId::option_value_invalid, std::move(message)}; };
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
      if (!v || v->empty()) return missing("--db needs a file path");
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
    } else if (name == "--max-joined") {
      const auto joined = limit_value("threads");
      if (!joined) return joined.error();
      config.max_joined = *joined;
    } else if (name == "--mod-token-file") {
      const auto v = value();
      if (!v || v->empty()) return missing("--mod-token-file needs a file path");
      config.mod_token_file = *v;
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

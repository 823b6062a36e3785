// comment-server: the entry point, and the one place that wires the layers
// together (support <- store <- app <- ws <- http <- here; docs/architecture.md).
// Parses the command line, opens the store, reads what the application keeps
// in memory, subscribes to Redis (with --redis), listens, and shuts down cleanly on
// SIGINT/SIGTERM (stop accepting, close WebSockets with 1001, let the
// StoreWorker finish every queued commit, close the store, exit 0).
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <functional>
#include <iostream>
#include <sstream>

#include "app/app.hpp"
#include "bus/redis_bus.hpp"
#include "comments/text.hpp"
#include "http/http_context.hpp"
#include "http/listener.hpp"
#include "http/metrics_listener.hpp"
#include "store/backup.hpp"
#include "store/sqlite_store.hpp"
#include "store/copy_store.hpp"
#include "store/open_store.hpp"
#include "store/store_worker.hpp"
#include "support/config.hpp"
#include "support/crypto.hpp"
#include "support/moderators.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"
#include "ws/ws_session.hpp"

#ifndef COMMENTS_DEFAULT_WEB_DIR
#define COMMENTS_DEFAULT_WEB_DIR "web"
#endif

namespace {

using namespace comments::server;
namespace net = boost::asio;

constexpr int exit_usage = 2;
constexpr int exit_failure = 1;
// How long shutdown waits for peers to answer the close handshake.
constexpr auto shutdown_deadline = std::chrono::seconds(3);
constexpr auto drain_poll = std::chrono::milliseconds(20);

// The moderator token from --mod-token-file or COMMENTS_MOD_TOKEN (never the
// command line: it would show in ps). Surrounding whitespace is trimmed, so a
// file ending in a newline works. nullopt: moderation off.
comments::Result<std::optional<std::string>> read_mod_token(const Config& config) {
  using comments::Error;
  using comments::ErrorId;
  if (config.mod_token_file) {
    std::ifstream file(*config.mod_token_file, std::ios::binary);
    if (!file) {
      return Error{ErrorId::mod_token_unreadable, "cannot read --mod-token-file " + *config.mod_token_file};
    }
    std::ostringstream content;
    content << file.rdbuf();
    const std::string text = content.str();
    const std::string token(comments::text::trim(text));
    if (token.empty()) {
      return Error{ErrorId::mod_token_empty, "--mod-token-file " + *config.mod_token_file + " is empty"};
    }
    return std::optional<std::string>(token);
  }
  if (const char* env = std::getenv("COMMENTS_MOD_TOKEN"); env != nullptr) {
    const std::string token(comments::text::trim(env));
    if (!token.empty()) return std::optional<std::string>(token);
  }
  return std::optional<std::string>();
}

// Many idle readers need many descriptors: raise the soft limit to the hard one.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string url_host(const net::ip::address& address) {
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

// Why binding `host`:`port` failed, in one line a person can act on (the
// exception's own text carries a source location).
std::string bind_failure(const std::exception& e, const std::string& host, unsigned port) {
  if (const auto* system = dynamic_cast<const boost::system::system_error*>(&e)) {
    if (system->code() == net::error::address_in_use) {
      return "port " + std::to_string(port) + " on " + host +
             " is already in use (another program listens there; choose another with --port)";
    }
    if (system->code() == net::error::access_denied) {
      return "not allowed to listen on port " + std::to_string(port) + " (ports below 1024 need privileges)";
    }
    return system->code().message();
  }
  return e.what();
}

int run(const Config& config) {
  // Log lines leave through their own thread while the server runs (log.hpp
  // says why); declared first, so it ends last, after every thread that logs.
  const StderrLogWriterScope log_writer;
  if (const char* level_text = std::getenv("COMMENTS_LOG_LEVEL")) {
    if (const auto level = parse_log_level(level_text)) {
      set_log_level(*level);
    } else {
      log_warn("log-level-ignored", "error=" + std::string(name(level.error().id)) +
                                        " value=" + log_value(level_text));
    }
  }
  auto token = read_mod_token(config);
  if (!token) {
    std::fprintf(stderr, "comment-server: %s\n", token.error().message.c_str());
    return exit_usage;
  }
  if (config.moderators_file) {
    // Must be readable at start; later, a bad edit keeps the last good list.
    if (auto entries = read_moderators_file(*config.moderators_file); !entries) {
      std::fprintf(stderr, "comment-server: %s\n", entries.error().message.c_str());
      return exit_usage;
    }
  }
  raise_file_limit();
  std::signal(SIGPIPE, SIG_IGN);

  // The io_context outlives the worker and every layer on it: handlers it
  // still holds at the shutdown deadline are destroyed with it, last.
  net::io_context io(1);

  std::unique_ptr<StoreWorker> worker;
  StartupState state;
  try {
    worker = std::make_unique<StoreWorker>(open_store(config.db_path, StoreOptions{config.sqlite_cache_mib}));
    state = load_startup_state(*worker);
  } catch (const std::exception& e) {
    log_error("start-failed", "db=" + log_value(redact_db(config.db_path)) + " error=" + log_value(e.what()));
    return exit_failure;
  }

  AppOptions options;
  options.premoderate = config.premoderate;
  options.rate_per_minute = config.rate_per_minute;
  options.max_joined = config.max_joined;
  options.edit_window_ms = std::int64_t{config.edit_window_s} * 1000;
  options.messages_per_second = config.messages_per_second;
  options.mod_token = std::move(token).value();
  options.moderators_file = config.moderators_file;
  const bool moderation_on = options.mod_token.has_value() || config.moderators_file.has_value();
  // With --redis, one of several instances on one database (app/cluster.hpp).
  std::unique_ptr<RedisBus> bus;
  std::string redis_shown = "off";  // for the log: the password as ***
  if (config.redis_url) {
    const auto env = [](const char* name) -> std::string_view {
      const char* value = std::getenv(name);
      return value ? value : "";
    };
    auto address = parse_redis_url(*config.redis_url, env("COMMENTS_REDIS_PASSWORD"), env("COMMENTS_REDIS_USER"));
    if (!address) {
      std::fprintf(stderr, "comment-server: %s\n", address.error().message.c_str());
      worker->stop();
      return exit_usage;
    }
    redis_shown = log_value(address->describe());
    bus = std::make_unique<RedisBus>(io, std::move(address).value(), cluster_channel(state.cluster_id));
  }
  auto app = std::make_unique<App>(io, *worker, std::move(options), std::move(state), bus.get());
  auto websockets = std::make_unique<WsSessions>(
      io, ConnectionLimits{config.max_connections_per_address, config.max_connections});
  auto http = std::make_unique<HttpContext>(
      *app, *websockets,
      HttpOptions{config.trust_proxy, config.allow_origins, config.web_dir, config.embed_per_minute,
                  config.utc_offset_minutes});

  // Gauges read at scrape time, on this (the io) thread.
  Metrics& stats = metrics();
  stats.open_connections.set_source([&] { return static_cast<double>(websockets->size()); });
  stats.joined_threads.set_source([&] { return static_cast<double>(app->hubs().size()); });
  stats.moderators.set_source([&] { return static_cast<double>(app->moderator_count()); });
  stats.sqlite_memory.set_source([] { return static_cast<double>(sqlite_memory_used()); });
  std::unique_ptr<MetricsListener> metrics_listener;
  if (config.metrics_host) {
    try {
      const net::ip::tcp::endpoint endpoint(net::ip::make_address(*config.metrics_host), config.metrics_port);
      metrics_listener = std::make_unique<MetricsListener>(io, endpoint, [&stats] { return stats.render(); });
    } catch (const std::exception& e) {
      log_error("start-failed", "metrics=" + *config.metrics_host + ":" + std::to_string(config.metrics_port) +
                                    " error=" + log_value(bind_failure(e, *config.metrics_host, config.metrics_port)));
      worker->stop();
      return exit_failure;
    }
    const auto metrics_bound = metrics_listener->local_endpoint();
    metrics_listener->start();
    std::cout << "metrics on http://" << url_host(metrics_bound.address()) << ':' << metrics_bound.port()
              << "/metrics" << std::endl;
  }

  std::unique_ptr<Listener> listener;
  int exit_code = 0;
  // Binds, listens and says so; with --redis only once subscribed, so an
  // instance that prints `listening on` already hears the others.
  const auto start_listening = [&]() -> bool {
    try {
      const net::ip::tcp::endpoint endpoint(net::ip::make_address(config.host), config.port);
      listener = std::make_unique<Listener>(io, endpoint, *http, config.reuse_port);
    } catch (const std::exception& e) {
      log_error("start-failed", "host=" + config.host + " port=" + std::to_string(config.port) +
                                    " error=" + log_value(bind_failure(e, config.host, config.port)));
      return false;
    }
    const auto bound = listener->local_endpoint();
    listener->start();
    log_info("start", "db=" + log_value(redact_db(config.db_path)) + " web=" + log_value(config.web_dir) +
                          " premoderate=" + (config.premoderate ? "yes" : "no") +
                          " rate=" + std::to_string(config.rate_per_minute) +
                          " max_connections=" + std::to_string(config.max_connections) +
                          " per_address=" + std::to_string(config.max_connections_per_address) +
                          " messages_per_second=" + std::to_string(config.messages_per_second) +
                          " embed_rate=" + std::to_string(config.embed_per_minute) +
                          " trust_proxy=" + (config.trust_proxy ? "yes" : "no") +
                          " moderation=" + (moderation_on ? "on" : "off") +
                          " redis=" + redis_shown +
                          (bus ? " instance=" + app->origin() : std::string{}));
    std::cout << "listening on http://" << url_host(bound.address()) << ':' << bound.port()
              << std::endl;  // flushed: tests and scripts wait for this line
    return true;
  };
  if (bus) {
    bus->start([&] {
      if (!start_listening()) {
        exit_code = exit_failure;
        io.stop();
      }
    });
  } else if (!start_listening()) {
    worker->stop();
    return exit_failure;
  }

  // After a signal: stop the io_context once every connection has ended, or
  // at the deadline, so peers that never answer the close frame do not hold
  // the exit up.
  net::steady_timer drain_timer(io);
  std::chrono::steady_clock::time_point give_up;
  std::function<void()> wait_for_drain = [&] {
    if (http->drained() || std::chrono::steady_clock::now() >= give_up) {
      io.stop();
      return;
    }
    drain_timer.expires_after(drain_poll);
    drain_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) wait_for_drain();
    });
  };
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    log_info("signal", "signal=" + std::to_string(signal_number));
    if (listener) listener->stop();
    if (metrics_listener) metrics_listener->stop();
    app->shutdown();
    websockets->shutdown();
    http->shutdown();
    give_up = std::chrono::steady_clock::now() + shutdown_deadline;
    wait_for_drain();
  });

  io.run();

  // Every queued commit finishes before the store closes.
  worker->stop();
  stats.open_connections.set_source({});
  stats.joined_threads.set_source({});
  stats.moderators.set_source({});
  stats.sqlite_memory.set_source({});
  metrics_listener.reset();
  listener.reset();
  http.reset();
  websockets.reset();
  if (bus) bus->stop();
  app.reset();
  bus.reset();
  worker.reset();  // closes the store
  log_info("stopped");
  return exit_code;
}

// comment-server backup: one line on success, the reason and exit 1 on failure.
int run_backup(const BackupCommand& command) {
  try {
    const auto started = std::chrono::steady_clock::now();
    const BackupReport report = backup_database(command.db_path, command.to);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started).count();
    std::cout << "backup of " << command.db_path << " written to " << command.to << " ("
              << report.bytes << " bytes, " << report.pages << " pages, " << ms << " ms, "
              << report.busy_retries << " busy retries)" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "comment-server backup: " << e.what() << "\n";
    return exit_failure;
  }
}

// comment-server copy-store: the whole store into an empty one (any engine
// to any). A SQLite source must exist (opening would create an empty one).
int copy(const CopyStore& request) {
  if (!is_postgres_uri(request.from) && !std::filesystem::exists(request.from)) {
    std::cerr << "comment-server copy-store: --from " << request.from << " does not exist\n";
    return exit_failure;
  }
  try {
    const CopyCounts n = copy_store(request.from, request.to);
    std::cout << "copied " << n.comments << " comments, " << n.flags << " flags, " << n.likes << " likes, " << n.bans << " bans, "
              << n.filter_words << " filter words, " << n.audit << " audit entries, " << n.threads
              << " thread titles, " << n.secrets
              << " secrets from " << redact_db(request.from) << " to " << redact_db(request.to) << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "comment-server copy-store: " << e.what() << "\n";
    return exit_failure;
  }
}

int run_restore(const RestoreCommand& command) {
  try {
    restore_database(command.from, command.db_path);
    std::cout << "restored " << command.from << " into " << command.db_path << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "comment-server restore: " << e.what() << "\n";
    return exit_failure;
  }
}

// comment-server moderator add|revoke|list. A new token is printed once, on
// stdout alone (so a script can capture it); only its digest is stored.
int run_moderator(const ModeratorCommand& command) {
  const auto fail = [](const comments::Error& error) {
    std::cerr << "comment-server moderator: " << error.message << " (" << comments::name(error.id) << ")\n";
    return exit_failure;
  };
  using Action = ModeratorCommand::Action;
  std::optional<comments::Result<ModeratorsFileLock>> lock;  // add and revoke write
  if (command.action != Action::list) {
    lock.emplace(ModeratorsFileLock::acquire(command.file));
    if (!*lock) return fail(lock->error());
  }
  auto entries = read_moderators_file(command.file, command.action == Action::add);
  if (!entries) return fail(entries.error());
  auto& list = *entries;
  const auto found = std::find_if(list.begin(), list.end(),
                                  [&](const ModeratorEntry& e) { return e.name == command.name; });
  switch (command.action) {
    case Action::list:
      for (const auto& e : list) std::cout << e.name << '\n';
      return 0;
    case Action::add: {
      if (found != list.end()) {
        return fail({comments::ErrorId::moderator_exists,
                     "the moderator " + command.name + " is already in " + command.file +
                         " (revoke first to give a new token)"});
      }
      // 32 bytes of OpenSSL's CSPRNG: the token's strength is what makes the
      // plain SHA-256 in the file enough (support/moderators.hpp).
      const std::string token = random_hex(32);
      list.push_back(ModeratorEntry{command.name, token_digest(token)});
      if (auto written = write_moderators_file(command.file, list); !written) return fail(written.error());
      std::cout << token << std::endl;
      std::cerr << "moderator " << command.name << " added to " << command.file
                << "; the token above is shown only this once\n";
      return 0;
    }
    case Action::revoke: {
      if (found == list.end()) {
        return fail({comments::ErrorId::moderator_unknown,
                     "no moderator " + command.name + " in " + command.file});
      }
      list.erase(found);
      if (auto written = write_moderators_file(command.file, list); !written) return fail(written.error());
      std::cerr << "moderator " << command.name << " revoked; a running server signs their sessions out\n";
      return 0;
    }
  }
  return exit_failure;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto command = parse_command_line(args, COMMENTS_DEFAULT_WEB_DIR);
  if (!command) {
    std::cerr << "comment-server: " << command.error().message << " (see --help)\n";
    return exit_usage;
  }
  if (std::holds_alternative<ShowHelp>(*command)) {
    std::cout << usage_text();
    return 0;
  }
  if (const auto* backup = std::get_if<BackupCommand>(&*command)) return run_backup(*backup);
  if (const auto* restore = std::get_if<RestoreCommand>(&*command)) return run_restore(*restore);
  if (const auto* moderator = std::get_if<ModeratorCommand>(&*command)) return run_moderator(*moderator);
  if (const auto* request = std::get_if<CopyStore>(&*command)) return copy(*request);
  try {
    return run(std::get<Config>(*command));
  } catch (const std::exception& e) {
    log_error("fatal", "error=" + log_value(e.what()));
    return exit_failure;
  }
}

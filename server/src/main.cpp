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
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "app/app.hpp"
#include "bus/redis_bus.hpp"
#include "comments/text.hpp"
#include "http/http_context.hpp"
#include "http/listener.hpp"
#include "store/sqlite_store.hpp"
#include "store/store_worker.hpp"
#include "support/config.hpp"
#include "support/log.hpp"
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
  raise_file_limit();
  std::signal(SIGPIPE, SIG_IGN);

  // The io_context outlives the worker and every layer on it: handlers it
  // still holds at the shutdown deadline are destroyed with it, last.
  net::io_context io(1);

  std::unique_ptr<StoreWorker> worker;
  StartupState state;
  try {
    worker = std::make_unique<StoreWorker>(open_sqlite_store(config.db_path));
    state = load_startup_state(*worker);
  } catch (const std::exception& e) {
    log_error("start-failed", "db=" + log_value(config.db_path) + " error=" + log_value(e.what()));
    return exit_failure;
  }

  AppOptions options;
  options.premoderate = config.premoderate;
  options.rate_per_minute = config.rate_per_minute;
  options.max_joined = config.max_joined;
  options.mod_token = std::move(token).value();
  const bool moderation_on = options.mod_token.has_value();
  // With --redis, one of several instances on one database (app/cluster.hpp).
  std::unique_ptr<RedisBus> bus;
  if (config.redis_url) {
    auto address = parse_redis_url(*config.redis_url);
    if (!address) {
      std::fprintf(stderr, "comment-server: %s\n", address.error().message.c_str());
      worker->stop();
      return exit_usage;
    }
    bus = std::make_unique<RedisBus>(io, std::move(address).value(), cluster_channel(state.cluster_id));
  }
  auto app = std::make_unique<App>(io, *worker, std::move(options), std::move(state), bus.get());
  auto websockets = std::make_unique<WsSessions>(io);
  auto http = std::make_unique<HttpContext>(
      *app, *websockets, HttpOptions{config.trust_proxy, config.allow_origins, config.web_dir});

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
                                    " error=" + log_value(e.what()));
      return false;
    }
    const auto bound = listener->local_endpoint();
    listener->start();
    log_info("start", "db=" + log_value(config.db_path) + " web=" + log_value(config.web_dir) +
                          " premoderate=" + (config.premoderate ? "yes" : "no") +
                          " rate=" + std::to_string(config.rate_per_minute) +
                          " trust_proxy=" + (config.trust_proxy ? "yes" : "no") +
                          " moderation=" + (moderation_on ? "on" : "off") +
                          " redis=" + (config.redis_url ? log_value(*config.redis_url) : "off") +
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
    app->shutdown();
    websockets->shutdown();
    http->shutdown();
    give_up = std::chrono::steady_clock::now() + shutdown_deadline;
    wait_for_drain();
  });

  io.run();

  // Every queued commit finishes before the store closes.
  worker->stop();
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
  try {
    return run(std::get<Config>(*command));
  } catch (const std::exception& e) {
    log_error("fatal", "error=" + log_value(e.what()));
    return exit_failure;
  }
}

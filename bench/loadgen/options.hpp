// Command line of the load generator: one mode per run, every knob explicit so
// bench/run.sh can drive both servers with identical traffic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace loadgen {

enum class Mode { fanout, threads, idle, ingest, join };

struct Options {
  Mode mode = Mode::fanout;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;          // posters (and readers, unless --reader-port is given)
  // Readers spread over these ports in turn (several instances of a server,
  // each on its own port); latency is then also reported per port.
  std::vector<std::uint16_t> reader_ports;
  // Posters spread over these ports in turn (default --port): ingest against
  // several instances.
  std::vector<std::uint16_t> poster_ports;
  // Read their CPU time and RSS from /proc around the measured phase, summed
  // (several instances, or a primary and its workers).
  std::vector<int> server_pids;
  // Other process trees whose CPU is sampled at the same instants and
  // reported apart (the database, the bus): name -> root pid.
  std::vector<std::pair<std::string, int>> other_pids;

  int io_threads = 1;             // 1 or 2 io_context threads
  int readers = 1000;             // joined connections that only read
  int threads = 1;                // thread keys the readers (and posts) are spread over
  int posters = 1;                // connections that post (never joined)
  double rate = 0;                // total posts per second; 0 = closed loop (see window)
  int window = 8;                 // closed loop: posts in flight per poster (until acked and delivered)
  double duration_s = 5;          // how long posts are sent (idle: how long connections are held)
  double drain_timeout_s = 30;    // after the last post, how long to wait for acks and deliveries
  int connect_concurrency = 200;  // connection setups in flight at once
  bool verify = false;            // remember which post each reader got: exact-once check
  std::string thread_prefix = "bench";

  // join mode
  std::string join_thread = "bench-join";
  int joins = 2000;               // sequential joins after the first (cold) one
  int join_limit = 10;
  std::optional<std::int64_t> expect_total;  // fail unless the snapshot's total is this
};

// Parses argv; on error returns nullopt after printing a message and the usage.
std::optional<Options> parse_options(const std::vector<std::string>& args);

std::string usage();

const char* to_string(Mode m);

}  // namespace loadgen

#include "options.hpp"

#include <charconv>
#include <functional>
#include <iostream>
#include <map>
#include <string_view>

namespace loadgen {

namespace {

template <class T>
bool parse_number(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

std::optional<Mode> parse_mode(std::string_view s) {
  if (s == "fanout") return Mode::fanout;
  if (s == "threads") return Mode::threads;
  if (s == "idle") return Mode::idle;
  if (s == "ingest") return Mode::ingest;
  if (s == "join") return Mode::join;
  return std::nullopt;
}

}  // namespace

const char* to_string(Mode m) {
  switch (m) {
    case Mode::fanout: return "fanout";
    case Mode::threads: return "threads";
    case Mode::idle: return "idle";
    case Mode::ingest: return "ingest";
    case Mode::join: return "join";
  }
  return "?";
}

std::string usage() {
  return R"(usage: loadgen MODE --port P [options]
modes:
  fanout   R readers join one thread; posters post (fixed --rate or closed loop --window)
  threads  R readers spread over --threads T thread keys; posts spread over them too
  idle     open R joined connections and hold them for --duration seconds
  ingest   --posters N post as fast as acks come back (--window 1), no readers
  join     sequential join latency on --join-thread (prefilled beforehand)
options:
  --host H (127.0.0.1)   --port P   --server-pid PID (CPU seconds and RSS from /proc; repeatable: summed)
  --reader-port P (repeatable: readers spread over these ports in turn; default --port)
  --poster-port P (repeatable: posters spread over these ports in turn; default --port)
  --other-pid NAME=PID (repeatable: CPU of PID's whole process tree over the same
                        phase, reported apart as other_cpu_s.NAME; e.g. postgres=PID)
  --io-threads 1|2       --readers R   --threads T   --posters N
  --rate POSTS_PER_S (0 = closed loop)   --window W (posts in flight per poster)
  --duration S   --drain-timeout S   --connect-concurrency C   --verify
  --thread-prefix NAME   --join-thread KEY   --joins N   --join-limit N   --expect-total N
Prints one JSON object with the results on stdout; progress goes to stderr.
)";
}

std::optional<Options> parse_options(const std::vector<std::string>& args) {
  Options o;
  auto fail = [](const std::string& message) -> std::optional<Options> {
    std::cerr << "loadgen: " << message << "\n" << usage();
    return std::nullopt;
  };
  if (args.empty()) return fail("missing MODE");
  auto mode = parse_mode(args[0]);
  if (!mode) return fail("unknown mode '" + args[0] + "'");
  o.mode = *mode;
  if (o.mode == Mode::ingest) {
    o.readers = 0;
    o.posters = 100;
    o.threads = 100;
    o.window = 1;
  }

  int pid = 0;
  long long expect_total = 0;
  unsigned port = 0;
  using Setter = std::function<bool(std::string_view)>;
  const std::map<std::string, Setter, std::less<>> with_value = {
      {"--host", [&](std::string_view v) { o.host = v; return !v.empty(); }},
      {"--port", [&](std::string_view v) { return parse_number(v, port) && port > 0 && port < 65536; }},
      {"--server-pid", [&](std::string_view v) { return parse_number(v, pid) && pid > 0; }},
      {"--reader-port", [&](std::string_view v) {
         unsigned p = 0;
         if (!parse_number(v, p) || p == 0 || p > 65535) return false;
         o.reader_ports.push_back(static_cast<std::uint16_t>(p));
         return true; }},
      {"--poster-port", [&](std::string_view v) {
         unsigned p = 0;
         if (!parse_number(v, p) || p == 0 || p > 65535) return false;
         o.poster_ports.push_back(static_cast<std::uint16_t>(p));
         return true; }},
      {"--other-pid", [&](std::string_view v) {
         const auto eq = v.find('=');
         int other = 0;
         if (eq == std::string_view::npos || eq == 0 || !parse_number(v.substr(eq + 1), other) || other <= 0) {
           return false;
         }
         o.other_pids.emplace_back(std::string(v.substr(0, eq)), other);
         return true; }},
      {"--io-threads", [&](std::string_view v) {
         return parse_number(v, o.io_threads) && o.io_threads >= 1 && o.io_threads <= 2; }},
      {"--readers", [&](std::string_view v) { return parse_number(v, o.readers) && o.readers >= 0; }},
      {"--threads", [&](std::string_view v) { return parse_number(v, o.threads) && o.threads >= 1; }},
      {"--posters", [&](std::string_view v) { return parse_number(v, o.posters) && o.posters >= 0; }},
      {"--rate", [&](std::string_view v) { return parse_number(v, o.rate) && o.rate >= 0; }},
      {"--window", [&](std::string_view v) { return parse_number(v, o.window) && o.window >= 1; }},
      {"--duration", [&](std::string_view v) { return parse_number(v, o.duration_s) && o.duration_s > 0; }},
      {"--drain-timeout",
       [&](std::string_view v) { return parse_number(v, o.drain_timeout_s) && o.drain_timeout_s > 0; }},
      {"--connect-concurrency",
       [&](std::string_view v) { return parse_number(v, o.connect_concurrency) && o.connect_concurrency >= 1; }},
      {"--thread-prefix", [&](std::string_view v) { o.thread_prefix = v; return !v.empty(); }},
      {"--join-thread", [&](std::string_view v) { o.join_thread = v; return !v.empty(); }},
      {"--joins", [&](std::string_view v) { return parse_number(v, o.joins) && o.joins >= 1; }},
      {"--join-limit",
       [&](std::string_view v) { return parse_number(v, o.join_limit) && o.join_limit >= 1 && o.join_limit <= 50; }},
      {"--expect-total", [&](std::string_view v) { return parse_number(v, expect_total) && expect_total >= 0; }},
  };

  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--verify") {
      o.verify = true;
      continue;
    }
    auto it = with_value.find(flag);
    if (it == with_value.end()) return fail("unknown option '" + flag + "'");
    if (i + 1 >= args.size()) return fail(flag + " needs a value");
    const std::string& value = args[++i];
    if (!it->second(value)) return fail("bad value '" + value + "' for " + flag);
    if (flag == "--server-pid") o.server_pids.push_back(pid);
    if (flag == "--expect-total") o.expect_total = expect_total;
  }
  if (port == 0) return fail("--port is required");
  o.port = static_cast<std::uint16_t>(port);
  if (o.reader_ports.empty()) o.reader_ports.push_back(o.port);
  if (o.poster_ports.empty()) o.poster_ports.push_back(o.port);
  if ((o.mode == Mode::fanout || o.mode == Mode::threads || o.mode == Mode::ingest) && o.posters < 1) {
    return fail("this mode needs at least one poster");
  }
  if (o.mode == Mode::idle && o.readers < 1) return fail("idle needs --readers >= 1");
  return o;
}

}  // namespace loadgen

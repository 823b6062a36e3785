// Test harness for the integration tests: starts the REAL comment-server binary
// as a child process and talks to it over HTTP and WebSocket the way a browser
// or a third-party client would. Every wait has a deadline, so a hung or dead
// server fails the test with a message instead of hanging ctest.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

namespace integ {

using json = nlohmann::json;
using namespace std::chrono_literals;

// How long any single wait may take before the test fails. Generous: this is a
// hang detector, never a speed assertion.
inline constexpr std::chrono::milliseconds io_deadline = 15s;
// The quiet period of "no message arrives": a correctness check, kept short.
inline constexpr std::chrono::milliseconds quiet_period = 300ms;

inline constexpr std::string_view test_mod_token = "integ-moderator-token";

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `file` (creating parent folders).
void write_file(const std::filesystem::path& file, std::string_view content);

struct ServerOptions {
  std::filesystem::path db;
  // When set, --db takes this instead of `db` (a postgresql:// URI).
  std::string db_uri;
  std::optional<std::filesystem::path> web;
  std::vector<std::string> allow_origins;
  bool premoderate = false;
  int rate = 0;  // 0 = no limit: every test but the rate tests posts freely
  // The limits per client, lifted (0) likewise: the tests open many
  // connections from 127.0.0.1 and send as fast as they can. The tests of
  // each limit set it.
  int max_connections_per_address = 0;
  int max_connections = 0;
  int messages_per_second = 0;
  int embed_rate = 0;
  bool trust_proxy = false;
  // COMMENTS_MOD_TOKEN for the child; nullopt leaves it unset (moderation off).
  std::optional<std::string> mod_token = std::string(test_mod_token);
  // The child ignores SIGXFSZ so an RLIMIT_FSIZE set later behaves like a
  // full disk (writes fail with EFBIG) instead of killing the server.
  bool ignore_file_size_signal = false;
  // Further command-line arguments, passed as they are (--moderators, ...).
  std::vector<std::string> extra_args;
  // When set, the server's log (stderr) is written to this file.
  std::optional<std::filesystem::path> log_file;
  // --redis URL (one of several instances on one database), --reuse-port,
  // and a fixed --port (0: a free one).
  std::optional<std::string> redis;
  bool reuse_port = false;
  unsigned short port = 0;
};

// A subcommand of the binary (backup, restore, moderator) run to its end.
struct CommandResult {
  int status = -1;  // exit status (128 + signal when killed)
  std::string out;  // stdout
  std::string err;  // stderr
};
CommandResult run_server_command(const std::vector<std::string>& arguments);

// The comment-server binary running as a child process.
class ServerProcess {
 public:
  // Starts the binary and waits for its `listening on http://HOST:PORT` line.
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const ServerOptions& options() const { return options_; }
  const std::string& host() const { return host_; }  // address to connect to
  unsigned short port() const { return port_; }
  // The /metrics port printed with --metrics-listen (0 without it).
  unsigned short metrics_port() const { return metrics_port_; }
  pid_t pid() const { return pid_; }
  std::string origin() const;  // http://HOST:PORT as printed

  // Sends `signal` and waits for the exit. Returns the exit status, or
  // 128 + signal number when the child died of a signal.
  int stop(int signal);
  // kill -9 and reap: a crash at the worst moment.
  void kill_hard();
  // Caps the size of any file the server writes (RLIMIT_FSIZE via prlimit):
  // with ignore_file_size_signal set, writes past it fail like a full disk.
  void limit_file_size(std::uint64_t bytes);
  void unlimit_file_size();

 private:
  void drain_stdout();

  ServerOptions options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string host_;
  unsigned short port_ = 0;
  unsigned short metrics_port_ = 0;
  std::thread drainer_;  // keeps reading stdout so the server never blocks on it
};

// A server on a fresh database in its own temp dir (the common case).
struct TestServer {
  TempDir dir;
  ServerProcess server;
  explicit TestServer(ServerOptions options = {});
  std::filesystem::path db() const { return server.options().db; }
};

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(std::string_view lower_name) const;
};

// One GET with an exact request target (sent verbatim, never normalised).
HttpResponse http_get(const ServerProcess& server, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers = {});
// A GET to any address (the metrics listener).
HttpResponse http_get_at(const std::string& host, unsigned short port, const std::string& target);
// The same request with HEAD: headers only (body stays empty).
HttpResponse http_head(const ServerProcess& server, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

struct ConnectOptions {
  std::optional<std::string> origin;         // Origin header, absent by default
  std::optional<std::string> host_header;    // Host header, default HOST:PORT
  std::optional<std::string> forwarded_for;  // X-Forwarded-For header
  std::optional<std::string> source_address; // bind to this local address (127.0.0.x)
  int receive_buffer_bytes = 0;              // SO_RCVBUF; 0 keeps the default
  bool start_reading = true;                 // false: a reader that never reads
};

// Options for a client connecting from another loopback address (127.0.0.x),
// so the server sees a different client address.
inline ConnectOptions from_address(std::string address) {
  ConnectOptions options;
  options.source_address = std::move(address);
  return options;
}

// What arrived on a WebSocket: a message, or the end of the connection.
struct Incoming {
  bool closed = false;
  std::string text;        // message payload (when !closed)
  bool binary = false;
  int close_code = 0;      // when closed: the close frame's code, or -1 without one
  std::string close_error; // when closed without a close frame: why
};

// A WebSocket client with its own io thread. The reader runs continuously
// (unless start_reading is false) and queues what arrives; the test thread
// waits on that queue with deadlines.
class WsClient {
 public:
  // Connects and upgrades; throws when the upgrade is refused or times out.
  explicit WsClient(const ServerProcess& server, ConnectOptions options = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // The HTTP status of an upgrade attempt (101 when accepted, e.g. 403 when refused).
  static unsigned upgrade_status(const ServerProcess& server, ConnectOptions options);

  // Each send waits until the frame is written; failures throw.
  void send(const json& message);
  void send_text(std::string text);
  void send_binary(std::string bytes);
  // For frames the server may answer by closing: a failed write is not an error.
  void send_text_allowing_close(std::string text);
  // Sends and returns the reply: the next message that is not an event
  // (comment, update, queued, audited events are skipped and kept aside).
  json request(const json& message);
  // The next message of `type`; events of other types are skipped, any other
  // reply is a failure (thrown with the message text).
  json recv(std::string_view type);
  // The next message whatever it is (throws when the connection ends).
  json next();
  // The next message or the end of the connection; throws after `deadline`.
  Incoming next_incoming(std::chrono::milliseconds deadline = io_deadline);
  // "" when nothing arrives within the quiet period, else what arrived.
  std::string unexpected_within(std::chrono::milliseconds period = quiet_period);
  // Reads (and discards) messages until the server closes the connection;
  // returns the close code (-1 when the connection ended without a close frame).
  int wait_closed(std::chrono::milliseconds deadline = io_deadline);
  // How the connection ended, for failure messages ("" while it is open).
  std::string end_description();
  // Starts the reader of a client made with start_reading = false. With
  // `stop_after`, the reader stops by itself after that many messages (a
  // reader that reads its snapshot and then stalls).
  void start_reading(std::optional<std::size_t> stop_after = std::nullopt);
  // Messages taken from the queue so far, counting skipped events.
  std::size_t received_count() const { return received_; }

 private:
  void read_loop();
  boost::system::error_code write(std::string payload, bool binary);
  void push(Incoming in);
  std::optional<Incoming> wait_incoming(std::chrono::milliseconds deadline);

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Incoming> inbox_;
  std::atomic<bool> read_active_ = false;  // an async_read is under way
  std::optional<std::size_t> reads_left_;  // io thread only
  bool ended_reading_ = false;             // io thread only: the read loop saw the end
  bool ended_ = false;  // the reader saw the end of the connection
  std::size_t received_ = 0;
};

// Convenience builders for the messages tests send most.
json join_msg(std::string_view thread, std::optional<int> limit = std::nullopt);
json post_msg(std::string_view thread, std::string_view body,
              std::optional<std::string_view> author = std::nullopt);

// Posts and returns the ack's comment (throws unless the reply is an ack).
json post_ok(WsClient& client, std::string_view thread, std::string_view body,
             std::optional<std::string_view> author = std::nullopt);
// Authenticates as moderator with test_mod_token (throws unless ok).
void auth_moderator(WsClient& client);

// `count` copies of the UTF-8 text `unit`.
std::string repeat(std::string_view unit, std::size_t count);

}  // namespace integ

// The harness of harness.hpp: child process control, a deadline-bound HTTP GET
// and a WebSocket client whose reader runs on its own io thread.
#include "harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <iterator>
#include <random>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

extern char** environ;

namespace integ {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

std::runtime_error failure(const std::string& what) { return std::runtime_error(what); }

std::string errno_text(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

bool is_event_type(std::string_view type) {
  return type == "comment" || type == "update" || type == "queued" || type == "audited";
}

std::string close_description(const Incoming& in) {
  if (in.close_code >= 0) return "closed by the server with code " + std::to_string(in.close_code);
  return "connection ended without a close frame (" + in.close_error + ")";
}

}  // namespace

// ---- TempDir ----------------------------------------------------------------

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "comments-integ-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw failure(errno_text("mkdtemp"));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void write_file(const std::filesystem::path& file, std::string_view content) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw failure("cannot write " + file.string());
}

// ---- ServerProcess ----------------------------------------------------------

CommandResult run_server_command(const std::vector<std::string>& arguments) {
  TempDir dir;
  const std::string out_path = (dir / "stdout").string();
  const std::string err_path = (dir / "stderr").string();
  std::vector<std::string> args = {COMMENT_SERVER_BINARY};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw failure(errno_text("fork"));
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0) ::_exit(126);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  const auto give_up = std::chrono::steady_clock::now() + 4 * io_deadline;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw failure("comment-server " + (arguments.empty() ? std::string() : arguments[0]) +
                    " did not finish within the deadline");
    }
    std::this_thread::sleep_for(5ms);
  }
  const auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  CommandResult result;
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  std::vector<std::string> args = {COMMENT_SERVER_BINARY, "--port", std::to_string(options_.port), "--host", "127.0.0.1",
                                   "--db", options_.db_uri.empty() ? options_.db.string() : options_.db_uri, "--rate",
                                   std::to_string(options_.rate),
                                   "--max-connections-per-address",
                                   std::to_string(options_.max_connections_per_address),
                                   "--max-connections", std::to_string(options_.max_connections),
                                   "--max-messages-per-second",
                                   std::to_string(options_.messages_per_second),
                                   "--embed-rate", std::to_string(options_.embed_rate)};
  if (options_.web) {
    args.push_back("--web");
    args.push_back(options_.web->string());
  }
  for (const auto& origin : options_.allow_origins) {
    args.push_back("--allow-origin");
    args.push_back(origin);
  }
  if (options_.premoderate) args.push_back("--premoderate");
  if (options_.trust_proxy) args.push_back("--trust-proxy");
  if (options_.redis) {
    args.push_back("--redis");
    args.push_back(*options_.redis);
  }
  if (options_.reuse_port) args.push_back("--reuse-port");
  for (const auto& extra : options_.extra_args) args.push_back(extra);

  // The child's environment: ours without any moderator token, plus the one asked for.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).starts_with("COMMENTS_MOD_TOKEN=")) continue;
    env.emplace_back(*e);
  }
  if (options_.mod_token) env.push_back("COMMENTS_MOD_TOKEN=" + *options_.mod_token);

  // Everything the child touches is prepared before fork (only
  // async-signal-safe calls happen between fork and exec).
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  // The server's log (stderr) is noise in a passing run; set
  // COMMENTS_INTEG_SERVER_LOG=1 to see it.
  const bool show_log = ::getenv("COMMENTS_INTEG_SERVER_LOG") != nullptr;
  const int dev_null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (dev_null < 0) throw failure(errno_text("open /dev/null"));
  int log_fd = -1;
  if (options_.log_file) {
    log_fd = ::open(options_.log_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0) throw failure(errno_text("open " + options_.log_file->string()));
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw failure(errno_text("pipe2"));
  const bool ignore_sigxfsz = options_.ignore_file_size_signal;
  pid_ = ::fork();
  if (pid_ < 0) throw failure(errno_text("fork"));
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDERR_FILENO);
    } else if (!show_log) {
      ::dup2(dev_null, STDERR_FILENO);
    }
    // Sockets of other clients in this test process must not leak into the server.
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
    struct sigaction action {};
    action.sa_handler = ignore_sigxfsz ? SIG_IGN : SIG_DFL;
    ::sigaction(SIGXFSZ, &action, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  ::close(dev_null);
  if (log_fd >= 0) ::close(log_fd);
  stdout_fd_ = fds[0];

  // Read stdout until the listening line.
  const std::string marker = "listening on http://";
  const std::string metrics_marker = "metrics on http://";
  std::string seen;
  const auto give_up = std::chrono::steady_clock::now() + io_deadline;
  for (;;) {
    const auto newline = seen.find('\n');
    if (newline != std::string::npos) {
      std::string line = seen.substr(0, newline);
      seen.erase(0, newline + 1);
      if (const auto m = line.find(metrics_marker); m != std::string::npos) {
        const std::string address = line.substr(m + metrics_marker.size());
        const auto colon = address.rfind(':');
        if (colon == std::string::npos) throw failure("no port in: " + line);
        metrics_port_ = static_cast<unsigned short>(std::stoi(address.substr(colon + 1)));
        continue;
      }
      const auto at = line.find(marker);
      if (at == std::string::npos) continue;
      const std::string address = line.substr(at + marker.size());
      const auto colon = address.rfind(':');
      if (colon == std::string::npos) throw failure("no port in: " + line);
      host_ = address.substr(0, colon);
      if (host_ == "0.0.0.0" || host_.empty()) host_ = "127.0.0.1";
      port_ = static_cast<unsigned short>(std::stoi(address.substr(colon + 1)));
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    pollfd p{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      kill_hard();
      throw failure("comment-server printed no 'listening on' line within the deadline");
    }
    char chunk[4096];
    const auto n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n <= 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      throw failure("comment-server exited before listening (wait status " +
                    std::to_string(status) + "); stdout: " + seen);
    }
    seen.append(chunk, static_cast<std::size_t>(n));
  }
  drainer_ = std::thread([this] { drain_stdout(); });
}

void ServerProcess::drain_stdout() {
  char chunk[4096];
  for (;;) {
    const auto n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n > 0) {
      (void)!::write(STDERR_FILENO, chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return;
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill_hard();
  if (drainer_.joinable()) drainer_.join();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string ServerProcess::origin() const {
  return "http://" + host_ + ":" + std::to_string(port_);
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) throw failure("the server is not running");
  ::kill(pid_, signal);
  const auto give_up = std::chrono::steady_clock::now() + io_deadline;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() > give_up) {
      kill_hard();
      throw failure("comment-server did not exit after signal " + std::to_string(signal));
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
  if (drainer_.joinable()) drainer_.join();
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (drainer_.joinable()) drainer_.join();
}

void ServerProcess::limit_file_size(std::uint64_t bytes) {
  rlimit limit{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
  // Keep the hard limit open so unlimit_file_size can lift it again.
  limit.rlim_max = RLIM_INFINITY;
  if (::prlimit(pid_, RLIMIT_FSIZE, &limit, nullptr) != 0) throw failure(errno_text("prlimit"));
}

void ServerProcess::unlimit_file_size() {
  const rlimit limit{RLIM_INFINITY, RLIM_INFINITY};
  if (::prlimit(pid_, RLIMIT_FSIZE, &limit, nullptr) != 0) throw failure(errno_text("prlimit"));
}

namespace {
ServerOptions with_db_in(const TempDir& dir, ServerOptions options) {
  if (options.db.empty()) options.db = dir / "comments.db";
  return options;
}
}  // namespace

TestServer::TestServer(ServerOptions options) : server(with_db_in(dir, std::move(options))) {}

// ---- HTTP -------------------------------------------------------------------

std::string HttpResponse::header(std::string_view lower_name) const {
  const auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

namespace {

HttpResponse http_request_at(const std::string& host, unsigned short port, http::verb method,
                             const std::string& target,
                             const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(io_deadline);
  http::request<http::empty_body> request{method, target, 11};
  request.set(http::field::host, host + ":" + std::to_string(port));
  request.keep_alive(false);
  for (const auto& [name, value] : headers) request.set(name, value);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  // The answer to HEAD announces a body it does not send.
  if (method == http::verb::head) parser.skip(true);
  beast::flat_buffer buffer;
  error_code result;
  bool done = false;
  const tcp::endpoint endpoint(asio::ip::make_address(host), port);
  stream.async_connect(endpoint, [&](error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    http::async_write(stream, request, [&](error_code ec2, std::size_t) {
      if (ec2) {
        result = ec2;
        done = true;
        return;
      }
      http::async_read(stream, buffer, parser, [&](error_code ec3, std::size_t) {
        result = ec3;
        done = true;
      });
    });
  });
  io.run();
  if (!done || result) {
    throw failure(std::string(http::to_string(method)) + " " + target +
                  " failed: " + (done ? result.message() : "no answer"));
  }
  HttpResponse response;
  const auto& message = parser.get();
  response.status = message.result_int();
  response.body = message.body();
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    response.headers[name] = std::string(field.value());
  }
  return response;
}

}  // namespace

HttpResponse http_request(const ServerProcess& server, http::verb method, const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
  return http_request_at(server.host(), server.port(), method, target, headers);
}

HttpResponse http_get_at(const std::string& host, unsigned short port, const std::string& target) {
  return http_request_at(host, port, http::verb::get, target, {});
}

HttpResponse http_get(const ServerProcess& server, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  return http_request(server, http::verb::get, target, headers);
}

HttpResponse http_head(const ServerProcess& server, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  return http_request(server, http::verb::head, target, headers);
}

// ---- WebSocket --------------------------------------------------------------

namespace {

// Opens a TCP connection as `options` asks and runs the upgrade handshake on
// `io` (which must not be running elsewhere); returns when both are done.
void open_websocket(asio::io_context& io, websocket::stream<beast::tcp_stream>& ws,
                    const ServerProcess& server, const ConnectOptions& options,
                    websocket::response_type& response, error_code& result) {
  auto& socket = beast::get_lowest_layer(ws).socket();
  socket.open(tcp::v4());
  if (options.source_address) {
    socket.bind(tcp::endpoint(asio::ip::make_address(*options.source_address), 0));
  }
  if (options.receive_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(options.receive_buffer_bytes));
  }
  ws.set_option(websocket::stream_base::decorator([options](websocket::request_type& request) {
    if (options.origin) request.set(http::field::origin, *options.origin);
    if (options.forwarded_for) request.set("X-Forwarded-For", *options.forwarded_for);
  }));
  ws.auto_fragment(false);  // one message, one frame: what the contract speaks of
  const std::string host =
      options.host_header.value_or(server.host() + ":" + std::to_string(server.port()));
  beast::get_lowest_layer(ws).expires_after(io_deadline);
  bool done = false;
  const tcp::endpoint endpoint(asio::ip::make_address(server.host()), server.port());
  beast::get_lowest_layer(ws).async_connect(endpoint, [&](error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    ws.async_handshake(response, host, "/ws", [&](error_code ec2) {
      result = ec2;
      done = true;
    });
  });
  io.run();
  io.restart();
  if (!done) result = asio::error::timed_out;
  beast::get_lowest_layer(ws).expires_never();
}

}  // namespace

unsigned WsClient::upgrade_status(const ServerProcess& server, ConnectOptions options) {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws(io);
  websocket::response_type response;
  error_code ec;
  open_websocket(io, ws, server, options, response, ec);
  if (ec && response.result_int() == 0) {
    throw failure("WebSocket upgrade got no HTTP answer: " + ec.message());
  }
  return response.result_int();
}

WsClient::WsClient(const ServerProcess& server, ConnectOptions options) : ws_(io_) {
  websocket::response_type response;
  error_code ec;
  open_websocket(io_, ws_, server, options, response, ec);
  if (ec) {
    throw failure("WebSocket upgrade failed (HTTP " + std::to_string(response.result_int()) +
                  "): " + ec.message());
  }
  // Close handshakes time out; an idle connection never does.
  ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(5),
                                                  websocket::stream_base::none(), false});
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
  if (options.start_reading) start_reading();
}

WsClient::~WsClient() {
  if (read_active_) {
    // A polite close, as a browser would; the reader sees its end.
    asio::post(io_, [this] { ws_.async_close(websocket::close_code::normal, [](error_code) {}); });
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, 2s, [this] { return ended_; });
  }
  asio::post(io_, [this] {
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  });
  work_.reset();
  // Let the close run, then stop whatever is still pending.
  asio::post(io_, [this] { io_.stop(); });
  if (thread_.joinable()) thread_.join();
}

void WsClient::start_reading(std::optional<std::size_t> stop_after) {
  std::promise<void> started;
  asio::post(io_, [this, stop_after, &started] {
    reads_left_ = stop_after;
    if (!read_active_ && !ended_reading_) read_loop();
    started.set_value();
  });
  started.get_future().wait();
}

void WsClient::read_loop() {
  read_active_ = true;
  ws_.async_read(buffer_, [this](error_code ec, std::size_t) {
    Incoming in;
    if (ec) {
      read_active_ = false;
      ended_reading_ = true;
      in.closed = true;
      // A close frame may have arrived even when answering it failed (the
      // server is free to drop the TCP connection right after sending it).
      const auto reason = ws_.reason();
      if (ec == websocket::error::closed || reason.code != websocket::close_code::none) {
        in.close_code = static_cast<int>(reason.code);
      } else {
        in.close_code = -1;
        in.close_error = std::string(ec.category().name()) + ":" + std::to_string(ec.value()) +
                         " " + ec.message();
      }
      push(std::move(in));
      return;
    }
    in.text = beast::buffers_to_string(buffer_.data());
    in.binary = ws_.got_binary();
    buffer_.consume(buffer_.size());
    push(std::move(in));
    if (reads_left_ && --*reads_left_ == 0) {
      read_active_ = false;  // stall on purpose
      return;
    }
    read_loop();
  });
}

void WsClient::push(Incoming in) {
  {
    std::lock_guard lock(mutex_);
    if (in.closed) ended_ = true;
    inbox_.push_back(std::move(in));
  }
  arrived_.notify_all();
}

error_code WsClient::write(std::string payload, bool binary) {
  auto data = std::make_shared<std::string>(std::move(payload));
  auto outcome = std::make_shared<std::promise<error_code>>();
  auto future = outcome->get_future();
  asio::post(io_, [this, data, binary, outcome] {
    ws_.binary(binary);
    ws_.async_write(asio::buffer(*data), [data, outcome](error_code ec, std::size_t) {
      outcome->set_value(ec);
    });
  });
  if (future.wait_for(io_deadline) != std::future_status::ready) {
    throw failure("a WebSocket write did not finish within the deadline");
  }
  return future.get();
}

void WsClient::send(const json& message) { send_text(message.dump()); }

void WsClient::send_text(std::string text) {
  if (const auto ec = write(std::move(text), false)) {
    throw failure("WebSocket write failed: " + ec.message());
  }
}

void WsClient::send_binary(std::string bytes) {
  if (const auto ec = write(std::move(bytes), true)) {
    throw failure("WebSocket write failed: " + ec.message());
  }
}

void WsClient::send_text_allowing_close(std::string text) { (void)write(std::move(text), false); }

std::optional<Incoming> WsClient::wait_incoming(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  if (!arrived_.wait_for(lock, deadline, [this] { return !inbox_.empty(); })) return std::nullopt;
  // The end of the connection stays queued (copied, not moved) so every
  // later wait sees it too.
  Incoming in = inbox_.front();
  if (!in.closed) inbox_.pop_front();
  ++received_;
  return in;
}

Incoming WsClient::next_incoming(std::chrono::milliseconds deadline) {
  auto in = wait_incoming(deadline);
  if (!in) {
    throw failure("no WebSocket message within " + std::to_string(deadline.count()) + " ms");
  }
  return std::move(*in);
}

json WsClient::next() {
  const Incoming in = next_incoming();
  if (in.closed) throw failure("expected a message, but the " + close_description(in));
  if (in.binary) throw failure("the server sent a binary frame");
  json message = json::parse(in.text, nullptr, false);
  if (message.is_discarded() || !message.is_object() || !message.contains("type")) {
    throw failure("the server sent a frame that is not a typed JSON object: " + in.text);
  }
  return message;
}

json WsClient::recv(std::string_view type) {
  for (;;) {
    json message = next();
    const std::string got = message["type"].is_string() ? message["type"].get<std::string>() : "";
    if (got == type) return message;
    if (is_event_type(got)) continue;
    throw failure("expected a '" + std::string(type) + "' message, got: " + message.dump());
  }
}

json WsClient::request(const json& message) {
  send(message);
  for (;;) {
    json reply = next();
    if (reply["type"].is_string() && is_event_type(reply["type"].get<std::string>())) continue;
    return reply;
  }
}

std::string WsClient::unexpected_within(std::chrono::milliseconds period) {
  const auto in = wait_incoming(period);
  if (!in) return "";
  if (in->closed) return close_description(*in);
  return in->text;
}

std::string WsClient::end_description() {
  std::lock_guard lock(mutex_);
  if (inbox_.empty() || !inbox_.back().closed) return "";
  return close_description(inbox_.back());
}

int WsClient::wait_closed(std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw failure("the server did not close the connection in time");
    const Incoming in = next_incoming(left);
    if (in.closed) return in.close_code;
  }
}

// ---- Message helpers ----------------------------------------------------------

json join_msg(std::string_view thread, std::optional<int> limit) {
  json message = {{"type", "join"}, {"thread", thread}};
  if (limit) message["limit"] = *limit;
  return message;
}

json post_msg(std::string_view thread, std::string_view body,
              std::optional<std::string_view> author) {
  json message = {{"type", "post"}, {"thread", thread}, {"body", body}, {"parent", nullptr}};
  if (author) message["author"] = *author;
  return message;
}

json post_ok(WsClient& client, std::string_view thread, std::string_view body,
             std::optional<std::string_view> author) {
  json reply = client.request(post_msg(thread, body, author));
  if (reply.value("type", "") != "ack" || !reply.contains("comment")) {
    throw failure("post was not acknowledged: " + reply.dump());
  }
  return reply["comment"];
}

void auth_moderator(WsClient& client) {
  const json reply = client.request({{"type", "auth"}, {"token", test_mod_token}});
  if (reply.value("type", "") != "ok" || reply.value("role", "") != "moderator") {
    throw failure("auth as moderator failed: " + reply.dump());
  }
}

std::string repeat(std::string_view unit, std::size_t count) {
  std::string out;
  out.reserve(unit.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

}  // namespace integ

// One connection to Redis through hiredis's async API, driven by the server's
// io_context: hiredis owns the socket and the protocol, and asks for read and
// write readiness through its event hooks (addRead/addWrite/...), which this
// adapter turns into asio::posix::stream_descriptor::async_wait calls on the
// same descriptor (the descriptor is released, never closed, by asio: hiredis
// closes it). When the connection fails or drops, it is made again with
// backoff (50 ms doubling to 1 s), for as long as the object lives.
// Everything runs on the io thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comments/result.hpp"

struct redisAsyncContext;
struct redisReply;

namespace comments::server {

// Where Redis is: redis://[[USER]:PASSWORD@]HOST:PORT[/DB] or
// unix:///path/redis.sock[?db=N], and how to sign in (AUTH, sent first on
// every connection when a password is set; Redis 6 ACL users too).
struct RedisAddress {
  std::string host;       // empty for a unix socket
  int port = 6379;
  std::string unix_path;  // empty for TCP
  int db = 0;             // SELECTed on the command connection (pub/sub ignores it)
  std::string user;       // empty: the default user
  std::string password;   // empty: no AUTH
  // For the log: the URL with the password shown as *** (never the password).
  std::string describe() const;
};
// The URL's user and password are percent-decoded. A URL without a password
// takes it from `password_from_env` (COMMENTS_REDIS_PASSWORD, so it stays out
// of `ps`), the user likewise from `user_from_env` (COMMENTS_REDIS_USER).
Result<RedisAddress> parse_redis_url(std::string_view url, std::string_view password_from_env = {},
                                     std::string_view user_from_env = {});

class RedisConnection {
 public:
  // `name` is for the log (e.g. "publish", "subscribe").
  RedisConnection(boost::asio::io_context& io, RedisAddress address, std::string name);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Called on the io thread each time the connection is up (signed in when
  // the address has a password, and SELECT queued), and each time it is lost.
  std::function<void()> on_connected;
  std::function<void()> on_disconnected;

  // Connects (and reconnects until stop()).
  void start();
  // Disconnects for good; pending replies are called with nullptr.
  void stop();
  // Usable: connected, signed in when a password is set.
  bool connected() const noexcept { return context_ != nullptr && ready_; }

  // A reply, or nullptr when the connection went before it came.
  using ReplyFn = std::function<void(redisReply*)>;
  // Queues a command (arguments sent as binary-safe bulk strings). False
  // when not connected (nothing queued; `done` is not called).
  bool command(const std::vector<std::string_view>& args, ReplyFn done = {});
  // A SUBSCRIBE: `message` is called for its confirmation and for every
  // message published on the channel, until the connection drops.
  bool subscribe(std::string_view channel, std::function<void(redisReply*)> message);
  // Writes whatever is queued to the socket now (non-blocking; the rest
  // follows when the socket is writable).
  void flush();

  // Times the connection was made again after being lost (for the
  // redis_reconnects_total metric: read it from here).
  std::uint64_t reconnects() const noexcept { return reconnects_; }

 private:
  struct Watch;
  static void connect_callback(const redisAsyncContext* ac, int status);
  static void disconnect_callback(const redisAsyncContext* ac, int status);
  static void reply_callback(redisAsyncContext* ac, void* reply, void* privdata);
  static void subscribe_callback(redisAsyncContext* ac, void* reply, void* privdata);
  void connect();
  void authenticate();  // AUTH, then ready() or a disconnect
  void ready();         // the connection is usable: SELECT, on_connected
  // Queues a command on a connected socket, signed in or not (AUTH itself).
  bool send(const std::vector<std::string_view>& args, ReplyFn done);
  void lost(const std::string& why);
  void schedule_retry();

  boost::asio::io_context& io_;
  RedisAddress address_;
  std::string name_;
  boost::asio::steady_timer retry_timer_;
  std::chrono::milliseconds backoff_{50};
  redisAsyncContext* context_ = nullptr;  // owned by hiredis once connecting
  bool up_ = false;     // the socket is connected
  bool ready_ = false;  // and signed in (when a password is set): usable
  bool stopping_ = false;
  bool ever_up_ = false;
  std::uint64_t reconnects_ = 0;
  std::uint64_t failures_ = 0;  // failed attempts since the last connection
  std::function<void(redisReply*)> subscription_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace comments::server

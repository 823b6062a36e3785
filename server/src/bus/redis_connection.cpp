#include "bus/redis_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <charconv>

#include "support/log.hpp"
#include "support/metrics.hpp"

namespace comments::server {

namespace {

std::optional<int> parse_number(std::string_view text, int max) {
  int value = 0;
  if (text.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

// %XX escapes of a URL's user or password (RFC 3986 2.1; a password may hold
// ':' '@' or '/'). Hand-written: Debian's Boost.URL is a separate library
// package for what is eight lines here.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc{} || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

constexpr std::chrono::milliseconds first_backoff{50};
constexpr std::chrono::milliseconds max_backoff{1000};

}  // namespace

std::string RedisAddress::describe() const {
  const std::string credentials = password.empty() ? "" : user + ":***@";
  std::string text = unix_path.empty() ? "redis://" + credentials + host + ":" + std::to_string(port)
                                       : "unix://" + credentials + unix_path;
  if (db != 0) text += (unix_path.empty() ? "/" : "?db=") + std::to_string(db);
  return text;
}

Result<RedisAddress> parse_redis_url(std::string_view url, std::string_view password_from_env,
                                     std::string_view user_from_env) {
  RedisAddress address;
  // The message repeats the URL, but never a password in it.
  const auto invalid = [&] {
    return Error{ErrorId::option_value_invalid,
                 "--redis needs redis://[[USER]:PASSWORD@]HOST:PORT[/DB] or unix://[[USER]:PASSWORD@]/path/redis.sock[?db=N], got '" +
                     redact_url_password(url) + "'"};
  };
  // [[USER]:PASSWORD@] after the scheme: split off and decoded.
  const auto take_credentials = [&](std::string_view& rest) -> bool {
    const auto at = rest.rfind('@');
    if (at == std::string_view::npos) return true;
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) return false;  // a user alone: say the password too
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!user || !password || password->empty()) return false;
    address.user = std::move(*user);
    address.password = std::move(*password);
    return true;
  };
  const auto credentials_from_env = [&] {
    if (!address.password.empty()) return;
    address.password = std::string(password_from_env);
    if (!address.password.empty()) address.user = std::string(user_from_env);
  };
  if (url.starts_with("unix://")) {
    std::string_view rest = url.substr(7);
    if (!rest.starts_with('/')) {
      // unix://[USER]:PASSWORD@/path: the credentials end at the path's '/'.
      const auto slash = rest.find('/');
      if (slash == std::string_view::npos || slash == 0 || rest[slash - 1] != '@') return invalid();
      std::string_view credentials = rest.substr(0, slash);  // ends with '@'
      if (!take_credentials(credentials) || !credentials.empty()) return invalid();
      rest = rest.substr(slash);
    }
    credentials_from_env();
    if (const auto q = rest.find("?db="); q != std::string_view::npos) {
      const auto db = parse_number(rest.substr(q + 4), 1'000'000);
      if (!db) return invalid();
      address.db = *db;
      rest = rest.substr(0, q);
    }
    if (!rest.starts_with('/') || rest.size() < 2) return invalid();
    address.unix_path = std::string(rest);
    return address;
  }
  if (!url.starts_with("redis://")) return invalid();
  std::string_view rest = url.substr(8);
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    // The credentials end before the path (a password's '/' is written %2F).
    std::string_view authority = rest.substr(0, slash);
    const std::string_view path = rest.substr(slash);
    if (!take_credentials(authority)) return invalid();
    rest = url.substr(url.size() - authority.size() - path.size());
  } else if (!take_credentials(rest)) {
    return invalid();
  }
  credentials_from_env();
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db_text = rest.substr(slash + 1);
    if (!db_text.empty()) {
      const auto db = parse_number(db_text, 1'000'000);
      if (!db) return invalid();
      address.db = *db;
    }
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return invalid();
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return invalid();
      const auto port = parse_number(rest.substr(1), 65535);
      if (!port || *port == 0) return invalid();
      address.port = *port;
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    const auto port = parse_number(rest.substr(colon + 1), 65535);
    if (!port || *port == 0) return invalid();
    address.port = *port;
  }
  if (host.empty()) return invalid();
  address.host = std::string(host);
  return address;
}

// hiredis's event hooks on asio: one wait per direction at a time.
struct RedisConnection::Watch : std::enable_shared_from_this<Watch> {
  Watch(boost::asio::io_context& io, redisAsyncContext* context)
      : ac(context), descriptor(io, context->c.fd) {}

  void arm_read() {
    if (!alive || !reading || read_armed) return;
    read_armed = true;
    descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [self = shared_from_this()](boost::system::error_code ec) {
                            self->read_armed = false;
                            if (ec || !self->alive || !self->reading) return;
                            redisAsyncHandleRead(self->ac);  // may end the context (cleanup)
                            self->arm_read();
                          });
  }
  void arm_write() {
    if (!alive || !writing || write_armed) return;
    write_armed = true;
    descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                          [self = shared_from_this()](boost::system::error_code ec) {
                            self->write_armed = false;
                            if (ec || !self->alive || !self->writing) return;
                            redisAsyncHandleWrite(self->ac);  // calls delWrite when all is sent
                            self->arm_write();
                          });
  }

  static Watch& of(void* privdata) { return **static_cast<std::shared_ptr<Watch>*>(privdata); }
  static void add_read(void* p) {
    of(p).reading = true;
    of(p).arm_read();
  }
  static void del_read(void* p) { of(p).reading = false; }
  static void add_write(void* p) {
    of(p).writing = true;
    of(p).arm_write();
  }
  static void del_write(void* p) { of(p).writing = false; }
  static void cleanup(void* p) {
    auto* holder = static_cast<std::shared_ptr<Watch>*>(p);
    Watch& w = **holder;
    w.alive = false;
    boost::system::error_code ignored;
    w.descriptor.cancel(ignored);
    w.descriptor.release();  // hiredis closes the descriptor itself
    delete holder;           // pending waits hold their own reference
  }

  redisAsyncContext* ac;
  boost::asio::posix::stream_descriptor descriptor;
  bool reading = false;
  bool writing = false;
  bool read_armed = false;
  bool write_armed = false;
  bool alive = true;
};

RedisConnection::RedisConnection(boost::asio::io_context& io, RedisAddress address,
                                 std::string name)
    : io_(io), address_(std::move(address)), name_(std::move(name)), retry_timer_(io) {}

RedisConnection::~RedisConnection() { stop(); }

void RedisConnection::start() {
  stopping_ = false;
  connect();
}

void RedisConnection::stop() {
  stopping_ = true;
  retry_timer_.cancel();
  if (context_) {
    redisAsyncContext* ac = context_;
    redisAsyncFree(ac);  // pending callbacks get nullptr; disconnect_callback clears context_
    context_ = nullptr;
    up_ = false;
    ready_ = false;
  }
}

void RedisConnection::connect() {
  if (stopping_ || context_) return;
  redisAsyncContext* ac = address_.unix_path.empty()
                              ? redisAsyncConnect(address_.host.c_str(), address_.port)
                              : redisAsyncConnectUnix(address_.unix_path.c_str());
  if (ac == nullptr || ac->err) {
    const std::string why = ac ? ac->errstr : "out of memory";
    if (ac) redisAsyncFree(ac);
    lost(why);
    return;
  }
  ac->data = this;
  auto* holder = new std::shared_ptr<Watch>(std::make_shared<Watch>(io_, ac));
  ac->ev.data = holder;
  ac->ev.addRead = &Watch::add_read;
  ac->ev.delRead = &Watch::del_read;
  ac->ev.addWrite = &Watch::add_write;
  ac->ev.delWrite = &Watch::del_write;
  ac->ev.cleanup = &Watch::cleanup;
  redisAsyncSetConnectCallback(ac, &RedisConnection::connect_callback);
  redisAsyncSetDisconnectCallback(ac, &RedisConnection::disconnect_callback);
  context_ = ac;
  // The first writable event completes the non-blocking connect.
  Watch::add_read(holder);
  Watch::add_write(holder);
}

void RedisConnection::connect_callback(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  if (status != REDIS_OK) {
    // hiredis frees the context after this returns.
    self->context_ = nullptr;
    self->up_ = false;
    self->lost(ac->errstr);
    return;
  }
  self->up_ = true;
  // With a password, AUTH goes first and the connection counts as made only
  // once Redis accepted it (then SELECT and the owner's SUBSCRIBE follow).
  if (self->address_.password.empty()) {
    self->ready();
  } else {
    self->authenticate();
  }
}

void RedisConnection::ready() {
  ready_ = true;
  backoff_ = first_backoff;
  failures_ = 0;
  if (ever_up_) {
    ++reconnects_;
    metrics().redis_reconnects.inc();
  }
  ever_up_ = true;
  log_info("redis-connected", "conn=" + name_ + " at=" + log_value(address_.describe()));
  if (address_.db != 0) command({"SELECT", std::to_string(address_.db)});
  if (on_connected) on_connected();
}

void RedisConnection::authenticate() {
  std::vector<std::string_view> args{"AUTH"};
  if (!address_.user.empty()) args.push_back(address_.user);
  args.push_back(address_.password);
  send(args, [this, alive = std::weak_ptr<bool>(alive_)](redisReply* reply) {
    if (alive.expired() || reply == nullptr || stopping_) return;
    if (reply->type != REDIS_REPLY_ERROR) {
      ready();
      return;
    }
    // A wrong password is a setting to fix, not an outage: said at error
    // once, then retried quietly with the backoff (the operator may be
    // changing the password on Redis and here one after the other).
    log_line(failures_++ == 0 ? LogLevel::error : LogLevel::debug, "redis-auth-failed",
             "conn=" + name_ + " at=" + log_value(address_.describe()) +
                 " error=" + log_value(std::string(reply->str, reply->len)));
    if (context_) redisAsyncDisconnect(context_);
  });
}

void RedisConnection::disconnect_callback(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  const bool was_up = self->ready_;  // on_disconnected only after an on_connected
  self->ready_ = false;
  self->context_ = nullptr;
  self->up_ = false;
  if (self->stopping_) return;
  self->lost(status == REDIS_OK ? "closed" : ac->errstr);
  if (was_up && self->on_disconnected) self->on_disconnected();
}

void RedisConnection::lost(const std::string& why) {
  if (stopping_) return;
  // Once per outage at warn; the retries after it at debug.
  log_line(failures_++ == 0 ? LogLevel::warn : LogLevel::debug, "redis-unavailable",
           "conn=" + name_ + " at=" + log_value(address_.describe()) + " error=" + log_value(why) +
               " retry_ms=" + std::to_string(backoff_.count()));
  schedule_retry();
}

void RedisConnection::schedule_retry() {
  retry_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, max_backoff);
  retry_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    connect();
  });
}

void RedisConnection::reply_callback(redisAsyncContext*, void* reply, void* privdata) {
  auto* done = static_cast<ReplyFn*>(privdata);
  (*done)(static_cast<redisReply*>(reply));
  delete done;
}

void RedisConnection::subscribe_callback(redisAsyncContext*, void* reply, void* privdata) {
  auto* self = static_cast<RedisConnection*>(privdata);
  if (reply == nullptr || self->stopping_) return;
  if (self->subscription_) self->subscription_(static_cast<redisReply*>(reply));
}

bool RedisConnection::command(const std::vector<std::string_view>& args, ReplyFn done) {
  if (!connected()) return false;
  return send(args, std::move(done));
}

bool RedisConnection::send(const std::vector<std::string_view>& args, ReplyFn done) {
  if (context_ == nullptr || !up_) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* fn = done ? new ReplyFn(std::move(done)) : nullptr;
  const int rc = redisAsyncCommandArgv(context_, fn ? &RedisConnection::reply_callback : nullptr, fn,
                                       static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (rc != REDIS_OK) {
    delete fn;
    return false;
  }
  return true;
}

bool RedisConnection::subscribe(std::string_view channel, std::function<void(redisReply*)> message) {
  if (!connected()) return false;
  subscription_ = std::move(message);
  const char* argv[] = {"SUBSCRIBE", channel.data()};
  const std::size_t lengths[] = {9, channel.size()};
  return redisAsyncCommandArgv(context_, &RedisConnection::subscribe_callback, this, 2, argv,
                               lengths) == REDIS_OK;
}

void RedisConnection::flush() {
  if (connected()) redisAsyncHandleWrite(context_);
}

}  // namespace comments::server

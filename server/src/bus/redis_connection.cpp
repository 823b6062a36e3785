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

constexpr std::chrono::milliseconds first_backoff{50};
constexpr std::chrono::milliseconds max_backoff{1000};

}  // namespace

std::string RedisAddress::describe() const {
  std::string text = unix_path.empty() ? "redis://" + host + ":" + std::to_string(port)
                                       : "unix://" + unix_path;
  if (db != 0) text += (unix_path.empty() ? "/" : "?db=") + std::to_string(db);
  return text;
}

Result<RedisAddress> parse_redis_url(std::string_view url) {
  const auto invalid = [&] {
    return Error{ErrorId::option_value_invalid,
                 "--redis needs redis://HOST:PORT[/DB] or unix:///path/redis.sock, got '" +
                     std::string(url) + "'"};
  };
  RedisAddress address;
  if (url.starts_with("unix://")) {
    std::string_view rest = url.substr(7);
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
    const std::string_view db_text = rest.substr(slash + 1);
    if (!db_text.empty()) {
      const auto db = parse_number(db_text, 1'000'000);
      if (!db) return invalid();
      address.db = *db;
    }
    rest = rest.substr(0, slash);
  }
  if (rest.find('@') != std::string_view::npos) return invalid();  // no credentials in the URL
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
  self->backoff_ = first_backoff;
  self->failures_ = 0;
  if (self->ever_up_) {
    ++self->reconnects_;
    metrics().redis_reconnects.inc();
  }
  self->ever_up_ = true;
  log_info("redis-connected", "conn=" + self->name_ + " at=" + log_value(self->address_.describe()));
  if (self->address_.db != 0) self->command({"SELECT", std::to_string(self->address_.db)});
  if (self->on_connected) self->on_connected();
}

void RedisConnection::disconnect_callback(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  const bool was_up = self->up_;
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

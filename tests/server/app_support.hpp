// The application layer without sockets: a real App on a real SQLite store
// (through the FailingStore double, which can fail writes on demand), fake
// peers that record what they are sent, and an io_context run until a
// condition holds (every wait has a deadline, so a missing message fails the
// test instead of hanging it).
#pragma once

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "failing_store.hpp"
#include "store/sqlite_store.hpp"
#include "store_support.hpp"
#include "support/log.hpp"

namespace app_test {

using nlohmann::json;
using namespace comments;
using namespace comments::server;

class FakePeer final : public Peer {
 public:
  FakePeer(std::string poster, std::uint64_t id) : Peer(std::move(poster), id) {}

  bool send(const Encoded& message) override {
    if (refuse) return false;
    received.push_back(json::parse(*message));
    return true;
  }
  void close(CloseReason reason) override { closed = reason; }

  // Messages of `type` received so far.
  std::vector<json> of_type(std::string_view type) const {
    std::vector<json> out;
    for (const json& m : received) {
      if (m.value("type", "") == type) out.push_back(m);
    }
    return out;
  }

  std::vector<json> received;
  std::optional<CloseReason> closed;
  bool refuse = false;  // acts as a peer whose queue is full
};

struct AppFixture {
  explicit AppFixture(AppOptions options = default_options())
      : failing(std::make_shared<std::atomic<bool>>(false)),
        worker(std::make_unique<store_test::FailingStore>(open_sqlite_store(db.path()), failing)),
        app(io, worker, std::move(options), load_startup_state(worker)) {}
  ~AppFixture() { worker.stop(); }

  static AppOptions default_options() {
    AppOptions o;
    o.rate_per_minute = 0;
    o.mod_token = "test-token";
    return o;
  }

  std::shared_ptr<FakePeer> connect(const std::string& address = "192.0.2.1") {
    return std::make_shared<FakePeer>(app.address_key(address), ++next_id);
  }

  void send(const std::shared_ptr<FakePeer>& peer, const json& message) {
    app.on_text(peer, message.dump());
  }

  // Runs the io_context until `done()` holds; false after 5 s.
  bool settle(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // The reply to request `req` (waits for it).
  json reply(const std::shared_ptr<FakePeer>& peer, const std::string& req) {
    std::optional<json> found;
    const bool ok = settle([&] {
      for (const json& m : peer->received) {
        if (m.value("req", "") == req) {
          found = m;
          return true;
        }
      }
      return false;
    });
    REQUIRE_MESSAGE(ok, "no reply to " << req);
    return *found;
  }

  // Sends `message` with `req` and waits for its reply.
  json request(const std::shared_ptr<FakePeer>& peer, json message, const std::string& req) {
    message["req"] = req;
    send(peer, message);
    return reply(peer, req);
  }

  std::shared_ptr<FakePeer> moderator() {
    auto m = connect("198.51.100.7");
    const json ok = request(m, {{"type", "auth"}, {"token", "test-token"}}, "auth");
    REQUIRE(ok["type"] == "ok");
    return m;
  }

  json join(const std::shared_ptr<FakePeer>& peer, const std::string& thread, int limit = 10) {
    return request(peer, {{"type", "join"}, {"thread", thread}, {"limit", limit}},
                   "join-" + std::to_string(++next_req));
  }

  // A new peer from `address` that joined `thread`.
  std::shared_ptr<FakePeer> reader(const std::string& address, const std::string& thread) {
    auto peer = connect(address);
    join(peer, thread);
    return peer;
  }

  json post(const std::shared_ptr<FakePeer>& peer, const std::string& thread,
            const std::string& body) {
    return request(peer, {{"type", "post"}, {"thread", thread}, {"author", "网友"}, {"body", body}},
                   "post-" + std::to_string(++next_req));
  }

  // What the store itself holds for `thread` (read through the worker).
  ThreadSnapshot stored(const std::string& thread, int limit) {
    std::promise<ThreadSnapshot> promise;
    worker.run([&](Store& store) { promise.set_value(store.latest(thread, limit)); });
    return promise.get_future().get();
  }

  store_test::TempDb db;
  boost::asio::io_context io;
  std::shared_ptr<std::atomic<bool>> failing;
  StoreWorker worker;
  App app;
  std::uint64_t next_id = 0;
  int next_req = 0;
};

inline std::vector<std::int64_t> ids_of(const json& comments) {
  std::vector<std::int64_t> ids;
  for (const json& c : comments) ids.push_back(c["id"].get<std::int64_t>());
  return ids;
}

inline std::vector<std::int64_t> ids_of(const std::vector<Comment>& comments) {
  std::vector<std::int64_t> ids;
  for (const Comment& c : comments) ids.push_back(c.id);
  return ids;
}

}  // namespace app_test

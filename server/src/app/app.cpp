#include "app/app.hpp"

#include <chrono>

#include "support/client_network.hpp"
#include "support/crypto.hpp"
#include "support/log.hpp"
#include "support/token_bucket.hpp"

namespace comments::server {

namespace {
constexpr auto sweep_interval = std::chrono::seconds(60);
// How often the moderators file is looked at (besides before every auth and
// moderator request): a revoked moderator's pushes stop within this.
constexpr auto moderators_check_interval = std::chrono::seconds(1);
}  // namespace

App::App(boost::asio::io_context& io, StoreWorker& worker, AppOptions options,
         StartupState state, EventBus* bus)
    : address_key_(std::move(state.address_key)),
      state_(io, worker, options, state, bus, random_hex(8)),
      readers_(state_),
      authors_(state_),
      posts_(state_),
      moderation_(state_, std::move(options.mod_token), options.moderators_file),
      cluster_(state_),
      sweep_timer_(io),
      moderators_timer_(io) {
  if (bus) bus->listen(&cluster_);
  schedule_sweep();
  if (options.moderators_file) schedule_moderators_check();
}

void App::schedule_moderators_check() {
  moderators_timer_.expires_after(moderators_check_interval);
  moderators_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || shutting_down_) return;
    moderation_.refresh();
    schedule_moderators_check();
  });
}

App::~App() {
  if (EventBus* bus = state_.publisher.bus()) bus->listen(nullptr);
}

std::string App::address_key(std::string_view address) const {
  return address_hash(address_key_, client_network(address));
}

void App::schedule_sweep() {
  sweep_timer_.expires_after(sweep_interval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || shutting_down_) return;
    const auto now = now_ms();
    state_.policy.sweep(now);
    moderation_.sweep(now);
    schedule_sweep();
  });
}

void App::shutdown() {
  shutting_down_ = true;
  sweep_timer_.cancel();
  moderators_timer_.cancel();
}

// A token bucket per connection: `messages_per_second` refilled, twice that
// at most (a page joining its threads at once, a moderator's burst of
// actions). Every message counts, whatever its type or whether it parses.
// A refused message is answered rate_limited with the wait; a client that
// ignores the wait collects refusals from a second bucket (a burst of them,
// refilled one a second), and when that is empty too the connection is closed
// with 1008: a flood costs the server one small reply per message for a
// moment, not for ever.
bool App::admit_message(const PeerPtr& peer, const Req& req) {
  if (state_.messages_per_second <= 0) return true;
  const std::int64_t now = steady_ms();
  const double rate = state_.messages_per_second;
  const double burst = 2.0 * rate;
  const auto wait = peer->message_budget.take(now, rate, burst);
  if (!wait) return true;
  const std::string conn = "conn=" + std::to_string(peer->id());
  if (peer->refusal_budget.take(now, 1.0, burst)) {
    state_.refusals.refused("message-flood", peer->poster(), conn + " closed=1008", now);
    peer->close(CloseReason::flooding);
    return false;
  }
  state_.refusals.refused("messages-per-second", peer->poster(), conn, now);
  reply_error(*peer, ErrorId::messages_too_fast,
              "Too many messages in a short time (at most " +
                  std::to_string(state_.messages_per_second) + " a second); try again in " +
                  std::to_string(*wait) + " ms.",
              req, *wait);
  return false;
}

void App::on_binary(const PeerPtr& peer) {
  if (peer->dropped || !admit_message(peer, std::nullopt)) return;
  reply_error(*peer, ErrorId::binary_frame,
              "Binary frames are not accepted; send one JSON object per text frame.", {});
}

void App::on_text(const PeerPtr& peer, std::string_view message) {
  if (peer->dropped) return;
  const ClientMessage m = parse_client_message(message);
  // Parsed first, so a refusal echoes the message's req like any other reply.
  if (!admit_message(peer, m.req)) return;
  if (!m.request) {
    reply_error(*peer, ErrorReply{m.request.error(), m.req, std::nullopt});
    return;
  }
  std::visit(
      [&](const auto& request) {
        using R = std::decay_t<decltype(request)>;
        if constexpr (std::is_same_v<R, PostRequest>) {
          posts_.submit(peer, m.req, request);
        } else if constexpr (requires { authors_.handle(peer, m.req, request); }) {
          authors_.handle(peer, m.req, request);
        } else if constexpr (requires { readers_.handle(peer, m.req, request); }) {
          readers_.handle(peer, m.req, request);
        } else {
          moderation_.handle(peer, m.req, request);
        }
      },
      *m.request);
}

void App::disconnected(Peer& peer) {
  state_.hubs.leave_all(peer);
  state_.moderators.remove(peer);
}

void App::latest(std::string thread, int limit,
                 std::function<void(std::optional<ThreadSnapshot>)> done) {
  if (auto cached = state_.hubs.cached_latest(thread, limit)) {
    done(std::move(cached));
    return;
  }
  state_.worker.run([this, thread = std::move(thread), limit, done = std::move(done)](Store& store) {
    std::optional<ThreadSnapshot> snapshot;
    try {
      snapshot = store.latest(thread, limit);
    } catch (const std::exception& e) {
      log_error("store-failed", "op=latest error=" + log_value(e.what()));
    }
    state_.completions.push(
        [done, snapshot = std::move(snapshot)]() mutable { done(std::move(snapshot)); });
  });
}

}  // namespace comments::server

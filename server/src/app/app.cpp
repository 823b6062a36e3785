#include "app/app.hpp"

#include <chrono>

#include "support/crypto.hpp"
#include "support/log.hpp"

namespace comments::server {

namespace {
constexpr auto sweep_interval = std::chrono::seconds(60);
}  // namespace

App::App(boost::asio::io_context& io, StoreWorker& worker, AppOptions options,
         StartupState state, EventBus* bus)
    : address_key_(std::move(state.address_key)),
      state_(io, worker, options, state, bus, random_hex(8)),
      readers_(state_),
      posts_(state_),
      moderation_(state_, std::move(options.mod_token)),
      cluster_(state_),
      sweep_timer_(io) {
  if (bus) bus->listen(&cluster_);
  schedule_sweep();
}

App::~App() {
  if (EventBus* bus = state_.publisher.bus()) bus->listen(nullptr);
}

std::string App::address_key(std::string_view address) const {
  return address_hash(address_key_, address);
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
}

void App::on_binary(const PeerPtr& peer) {
  reply_error(*peer, ErrorId::binary_frame,
              "Binary frames are not accepted; send one JSON object per text frame.", {});
}

void App::on_text(const PeerPtr& peer, std::string_view message) {
  if (peer->dropped) return;
  const ClientMessage m = parse_client_message(message);
  if (!m.request) {
    reply_error(*peer, ErrorReply{m.request.error(), m.req, std::nullopt});
    return;
  }
  std::visit(
      [&](const auto& request) {
        using R = std::decay_t<decltype(request)>;
        if constexpr (std::is_same_v<R, PostRequest>) {
          posts_.submit(peer, m.req, request);
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

#include "app/app_state.hpp"

#include <future>

#include "support/log.hpp"

namespace comments::server {

StartupState load_startup_state(StoreWorker& worker) {
  std::promise<StartupState> promise;
  auto result = promise.get_future();
  worker.run([&promise](Store& store) {
    try {
      StartupState state;
      state.address_key = store.secret("address-hash-key", 32);
      state.bans = store.bans(now_ms());
      state.filters = store.load_filters();
      static constexpr char digits[] = "0123456789abcdef";
      for (const unsigned char b : store.secret("cluster-id", 8)) {
        state.cluster_id += digits[b >> 4];
        state.cluster_id += digits[b & 15];
      }
      promise.set_value(std::move(state));
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  });
  return result.get();
}

void AppState::run_store_job(const PeerPtr& peer, const Req& req, std::string what,
                             std::function<void(Store&)> job) {
  WeakPeer weak = peer;
  worker.run([this, weak, req, what = std::move(what), job = std::move(job)](Store& store) {
    try {
      job(store);
    } catch (const std::exception& e) {
      completions.push([weak, req, what, error = std::string(e.what())] {
        log_error("store-failed", "op=" + what + " error=" + log_value(error));
        if (auto p = weak.lock()) {
          reply_error(*p, ErrorId::server_failed,
                      "The server could not complete the request; nothing was changed.", req);
        }
      });
    }
  });
}

void AppState::reply_from_store(const PeerPtr& peer, const Req& req, std::string what,
                                std::function<std::string(Store&)> read) {
  WeakPeer weak = peer;
  run_store_job(peer, req, std::move(what), [this, weak, read = std::move(read)](Store& store) {
    completions.push([weak, message = read(store)]() mutable {
      if (auto p = weak.lock()) reply(*p, std::move(message));
    });
  });
}

}  // namespace comments::server

#include "http/http_context.hpp"

#include <chrono>

namespace comments::server {
namespace {
std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

HttpContext::HttpContext(App& app, WsSessions& websockets, HttpOptions options)
    : app_(app),
      websockets_(websockets),
      options_(std::move(options)),
      origins_(options_.allow_origins) {}

void HttpContext::embed_latest(std::string thread, int limit, EmbedLang lang,
                               std::function<void(EmbedReply)> done) {
  const int offset = options_.utc_offset_minutes;
  app_.latest(thread, limit,
              [thread, limit, lang, offset, done = std::move(done)](std::optional<ThreadSnapshot> snapshot) {
                if (!snapshot) {
                  done({false, "The comments could not be read."});
                  return;
                }
                done({true, render_embed_fragment(thread, snapshot->total, snapshot->newest,
                                                  snapshot->pinned, limit, lang,
                                                  EmbedClock{unix_ms_now(), offset})});
              });
}

namespace {
// At most this many addresses are tracked for --embed-rate; past it, full
// buckets are dropped, and if none is full, an arbitrary one (so a flood from
// very many addresses costs bounded memory and at worst forgets a limit).
constexpr std::size_t max_embed_tracked = 65'536;
// Every this many new addresses, forget the full buckets anyway.
constexpr std::uint32_t embed_prune_every = 1'024;
}  // namespace

std::optional<std::int64_t> HttpContext::take_embed(const std::string& poster,
                                                    std::int64_t now_ms) {
  const int limit = options_.embed_per_minute;
  if (limit <= 0) return std::nullopt;
  const double per_second = limit / 60.0;
  auto it = embed_buckets_.find(poster);
  if (it == embed_buckets_.end()) {
    if (++embed_inserts_ % embed_prune_every == 0 || embed_buckets_.size() >= max_embed_tracked) {
      std::erase_if(embed_buckets_,
                    [&](const auto& entry) { return entry.second.full(now_ms, per_second); });
      if (embed_buckets_.size() >= max_embed_tracked) embed_buckets_.erase(embed_buckets_.begin());
    }
    it = embed_buckets_.emplace(poster, TokenBucket{}).first;
  }
  return it->second.take(now_ms, per_second, limit);
}

void HttpContext::shutdown() {
  shutting_down_ = true;
  sessions_.for_each([](HttpSession& h) { h.stop(); });
}

}  // namespace comments::server

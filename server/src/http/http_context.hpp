// What every HTTP connection shares: the application (for the no-JS fragment
// and the address key), the WebSocket sessions (an upgrade joins them), the
// Origin rule, the served folder and the list of open HTTP connections.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <functional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "http/embed.hpp"
#include "http/http_session.hpp"
#include "http/include_scan_cache.hpp"
#include "http/origin.hpp"
#include "support/refusal_log.hpp"
#include "support/registry.hpp"
#include "support/token_bucket.hpp"
#include "ws/ws_session.hpp"

namespace comments::server {

struct HttpOptions {
  bool trust_proxy = false;
  std::vector<std::string> allow_origins;
  std::filesystem::path web_root;
  int embed_per_minute = 0;  // GET /embed/latest per client address per 60 s; 0 = no limit
  int utc_offset_minutes = 480;  // --time-zone: the dates in the server-rendered block
};

class HttpContext {
 public:
  HttpContext(App& app, WsSessions& websockets, HttpOptions options);

  App& app() noexcept { return app_; }
  WsSessions& websockets() noexcept { return websockets_; }
  const OriginPolicy& origins() const noexcept { return origins_; }
  bool trust_proxy() const noexcept { return options_.trust_proxy; }
  const std::filesystem::path& web_root() const noexcept { return options_.web_root; }
  // HTML pages of web_root() known to hold no comment include.
  IncludeScanCache& include_scans() noexcept { return include_scans_; }

  struct EmbedReply {
    bool ok = false;
    std::string html;  // the fragment when ok, else an error sentence
  };
  // The /embed/latest fragment; `done` runs on the io thread.
  void embed_latest(std::string thread, int limit, EmbedLang lang,
                    std::function<void(EmbedReply)> done);

  // --embed-rate: counts one /embed/latest request of `poster` (a keyed
  // address hash) and returns nullopt, or when over the limit counts nothing
  // and returns the milliseconds until one more is allowed.
  std::optional<std::int64_t> take_embed(const std::string& poster, std::int64_t now_ms);
  std::size_t embed_tracked() const noexcept { return embed_buckets_.size(); }
  // Refusals by a limit (connections, /embed/latest), logged once per address and minute.
  RefusalLog& refusals() noexcept { return refusals_; }

  void add(HttpSession& session) { sessions_.add(session); }
  void remove(HttpSession& session) { sessions_.remove(session); }
  // Closes every HTTP connection; requests arriving later are not served.
  void shutdown();
  bool shutting_down() const noexcept { return shutting_down_; }
  // True when no HTTP or WebSocket connection is open (after shutdown()).
  bool drained() const noexcept { return sessions_.empty() && websockets_.empty(); }

 private:
  App& app_;
  WsSessions& websockets_;
  HttpOptions options_;
  OriginPolicy origins_;
  IncludeScanCache include_scans_;
  Registry<HttpSession, &HttpSession::registry_hook> sessions_;
  // One bucket per address that asked for /embed/latest lately: full ones
  // are forgotten (see take_embed), so the table stays bounded.
  std::unordered_map<std::string, TokenBucket> embed_buckets_;
  std::uint32_t embed_inserts_ = 0;
  RefusalLog refusals_;
  bool shutting_down_ = false;
};

}  // namespace comments::server

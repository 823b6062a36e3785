// What every HTTP connection shares: the application (for the no-JS fragment
// and the address key), the WebSocket sessions (an upgrade joins them), the
// Origin rule, the served folder and the list of open HTTP connections.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "http/embed.hpp"
#include "http/http_session.hpp"
#include "http/include_scan_cache.hpp"
#include "http/origin.hpp"
#include "support/registry.hpp"
#include "ws/ws_session.hpp"

namespace comments::server {

struct HttpOptions {
  bool trust_proxy = false;
  std::vector<std::string> allow_origins;
  std::filesystem::path web_root;
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
  bool shutting_down_ = false;
};

}  // namespace comments::server

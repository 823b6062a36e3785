#include "http/origin.hpp"

#include <algorithm>
#include <charconv>

#include "comments/text.hpp"

namespace comments::server {
namespace {

using text::ascii_lower;

unsigned default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  return 0;
}

// Splits `host[:port]` / `[v6][:port]`. Returns false when malformed.
bool split_authority(std::string_view authority, std::string& host,
                     std::optional<unsigned>& port) {
  std::string_view port_text;
  if (authority.empty()) return false;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = ascii_lower(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port_text = rest.substr(1);
      if (port_text.empty()) return false;
    }
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = ascii_lower(authority.substr(0, colon));
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return false;
    } else {
      host = ascii_lower(authority);
    }
  }
  if (host.empty()) return false;
  if (host.find_first_of("/?#@ \t") != std::string::npos) return false;
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value > 65535) return false;
    port = value;
  }
  return true;
}

}  // namespace

Result<OriginParts> parse_origin(std::string_view origin) {
  const auto malformed = [] { return Error{ErrorId::origin_invalid, "an origin must be scheme://host[:port]"}; };
  const auto sep = origin.find("://");
  if (sep == std::string_view::npos || sep == 0) return malformed();
  OriginParts parts;
  parts.scheme = ascii_lower(origin.substr(0, sep));
  auto authority = origin.substr(sep + 3);
  std::optional<unsigned> port;
  if (!split_authority(authority, parts.host, port)) return malformed();
  parts.explicit_port = port.has_value();
  parts.port = port ? *port : default_port(parts.scheme);
  return parts;
}

OriginPolicy::OriginPolicy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {
  allow_all_ = std::find(allowed_.begin(), allowed_.end(), "*") != allowed_.end();
}

bool OriginPolicy::allows(std::optional<std::string_view> origin, std::string_view host,
                          std::string_view scheme) const {
  if (!origin) return true;  // not a browser page: nothing to protect against
  // An opaque origin (sandboxed iframe, file:, data:) cannot be identified.
  if (*origin == "null") return false;
  if (allow_all_) return true;
  if (std::find(allowed_.begin(), allowed_.end(), *origin) != allowed_.end()) return true;

  const auto parts = parse_origin(*origin);
  if (!parts) return false;
  if (parts->scheme == "http" && (parts->host == "localhost" || parts->host == "127.0.0.1")) {
    return true;
  }
  // Case-insensitive comparison of the configured origins too.
  for (const auto& entry : allowed_) {
    const auto allowed = parse_origin(entry);
    if (allowed && allowed->scheme == parts->scheme && allowed->host == parts->host &&
        allowed->port == parts->port) {
      return true;
    }
  }
  // The server's own origin, judged from the Host the browser sent.
  std::string own_host;
  std::optional<unsigned> own_port;
  if (!split_authority(host, own_host, own_port)) return false;
  const std::string own_scheme = ascii_lower(scheme);
  const unsigned own = own_port ? *own_port : default_port(own_scheme);
  return parts->scheme == own_scheme && parts->host == own_host && parts->port == own;
}

}  // namespace comments::server

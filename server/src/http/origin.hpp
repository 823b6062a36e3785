// The WebSocket Origin rule of the contract: which browser pages may open a
// session. Checked on the upgrade request before it is accepted (403 else).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comments/result.hpp"

namespace comments::server {

struct OriginParts {
  std::string scheme;  // lower case
  std::string host;    // lower case; IPv6 without brackets
  unsigned port = 0;   // explicit or the scheme's default (0 when unknown)
  bool explicit_port = false;
};

// Parses `scheme://host[:port]` (no path); origin_invalid when malformed.
Result<OriginParts> parse_origin(std::string_view origin);

class OriginPolicy {
 public:
  // `allowed`: --allow-origin values (exact origins, or "*").
  explicit OriginPolicy(std::vector<std::string> allowed = {});

  // `origin`: the Origin header value, nullopt when absent (non-browser
  // clients: allowed). `host`: the request's Host header. `scheme`: how the
  // request reached us ("http", or X-Forwarded-Proto behind a trusted proxy).
  // Allowed: no Origin; the server's own origin (scheme, host, port equal to
  // Host's, a missing port meaning the scheme's default); http://localhost:*
  // and http://127.0.0.1:*; an --allow-origin match (scheme and host
  // case-insensitive, a missing port meaning the default); anything with "*".
  // `Origin: null` (sandboxed frames, file: pages) is always refused, even
  // with "*": an opaque origin cannot be told apart from any other.
  bool allows(std::optional<std::string_view> origin, std::string_view host,
              std::string_view scheme = "http") const;


 private:
  std::vector<std::string> allowed_;
  bool allow_all_ = false;
};

}  // namespace comments::server

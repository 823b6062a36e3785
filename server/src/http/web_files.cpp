#include "http/web_files.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace comments::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  const auto malformed = [] {
    return Error{ErrorId::percent_encoding_invalid, "a %XX escape is malformed or decodes to NUL"};
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return malformed();
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return malformed();
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return malformed();
      out += decoded;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto key = percent_decode(pair.substr(0, eq), true);
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string{};
    auto value = percent_decode(pair.substr(eq + 1), true);
    if (!value) return std::nullopt;
    return std::move(value).value();
  }
  return std::nullopt;
}

std::string_view mime_type(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> types{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".webp", "image/webp"},
  }};
  const auto slash = path.find_last_of('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.find_last_of('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const std::string ext = lower_ascii(name.substr(dot));
  for (const auto& [known, type] : types) {
    if (ext == known) return type;
  }
  return "application/octet-stream";
}

std::string_view coding_name(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::gzip: return "gzip";
    case ContentCoding::br: return "br";
    case ContentCoding::identity: break;
  }
  return "identity";
}

std::string_view coding_suffix(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::gzip: return ".gz";
    case ContentCoding::br: return ".br";
    case ContentCoding::identity: break;
  }
  return "";
}

namespace {

// A qvalue (RFC 9110 12.4.2: "0" to "1", at most three decimals) in
// thousandths; nullopt when malformed.
std::optional<int> parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int whole = text[0] - '0';
  int thousandths = 0;
  if (text.size() > 1) {
    if (text[1] != '.' || text.size() > 5) return std::nullopt;
    int scale = 100;
    for (std::size_t i = 2; i < text.size(); ++i, scale /= 10) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      thousandths += (text[i] - '0') * scale;
    }
  }
  const int q = whole * 1000 + thousandths;
  return q > 1000 ? std::nullopt : std::optional<int>(q);
}

}  // namespace

ContentCoding negotiate_coding(std::optional<std::string_view> accept_encoding, bool have_gzip,
                               bool have_br) {
  if (!accept_encoding) return ContentCoding::identity;
  // q in thousandths as named in the header; -1: not named.
  int q_gzip = -1, q_br = -1, q_identity = -1, q_any = -1;
  std::string_view rest = *accept_encoding;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semicolon = item.find(';');
    const std::string coding = lower_ascii(trim(item.substr(0, semicolon)));
    if (coding.empty()) continue;
    int q = 1000;
    // Parameters: only q is defined; a malformed q makes the entry unusable.
    bool usable = true;
    for (auto params = semicolon == std::string_view::npos ? std::string_view{}
                                                             : item.substr(semicolon + 1);
         !params.empty();) {
      const auto next = params.find(';');
      const auto param = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      const auto eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      if (lower_ascii(trim(param.substr(0, eq))) != "q") continue;
      const auto parsed = parse_qvalue(trim(param.substr(eq + 1)));
      if (!parsed) {
        usable = false;
        break;
      }
      q = *parsed;
    }
    if (!usable) continue;
    int* slot = coding == "gzip" || coding == "x-gzip" ? &q_gzip
                : coding == "br"                      ? &q_br
                : coding == "identity"                ? &q_identity
                : coding == "*"                       ? &q_any
                                                      : nullptr;
    if (slot && *slot < 0) *slot = q;  // the first mention counts
  }
  // Unnamed identity is acceptable but the last choice (q of 0.001): a
  // client that lists only compressed codings, whatever their q, wants one.
  const auto effective = [&](int named, bool is_identity) {
    if (named >= 0) return named;
    if (q_any >= 0) return q_any;
    return is_identity ? 1 : 0;
  };
  // Candidates in the server's order of preference; a later one must be
  // strictly better to win.
  ContentCoding best = ContentCoding::identity;
  int best_q = 0;
  if (have_br && effective(q_br, false) > best_q) {
    best = ContentCoding::br;
    best_q = effective(q_br, false);
  }
  if (have_gzip && effective(q_gzip, false) > best_q) {
    best = ContentCoding::gzip;
    best_q = effective(q_gzip, false);
  }
  if (effective(q_identity, true) > best_q) return ContentCoding::identity;
  return best;  // identity too when nothing offered is acceptable
}

std::string make_etag(std::uintmax_t size, std::int64_t mtime_ns, ContentCoding coding) {
  char out[80];
  if (coding == ContentCoding::identity) {
    std::snprintf(out, sizeof out, "\"%jx-%llx\"", size,
                  static_cast<unsigned long long>(mtime_ns));
  } else {
    std::snprintf(out, sizeof out, "\"%jx-%llx-%s\"", size,
                  static_cast<unsigned long long>(mtime_ns), coding_name(coding).data());
  }
  return out;
}

bool is_content_hashed(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto ext_dot = name.find_last_of('.');
  if (ext_dot == std::string_view::npos || ext_dot + 1 == name.size()) return false;
  const auto stem = name.substr(0, ext_dot);
  const auto hash_dot = stem.find_last_of('.');
  if (hash_dot == std::string_view::npos || hash_dot == 0) return false;
  const auto hash = stem.substr(hash_dot + 1);
  if (hash.size() != 8) return false;
  return std::all_of(hash.begin(), hash.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string_view cache_control_for(std::string_view path, std::string_view content_type) {
  if (content_type.starts_with("text/html")) return "no-cache";
  if (is_content_hashed(path)) return "public, max-age=31536000, immutable";
  return "public, max-age=300";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  auto strip_weak = [](std::string_view v) {
    return v.starts_with("W/") ? v.substr(2) : v;
  };
  const auto wanted = strip_weak(etag);
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    auto item = if_none_match.substr(0, comma);
    if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || strip_weak(item) == wanted) return true;
  }
  return false;
}

std::optional<std::filesystem::path> resolve_web_path(const std::filesystem::path& root,
                                                      std::string_view target_path) {
  namespace fs = std::filesystem;
  if (target_path.empty() || target_path.front() != '/') return std::nullopt;
  const auto decoded = percent_decode(target_path, false);
  if (!decoded) return std::nullopt;
  if (decoded->find('\\') != std::string::npos) return std::nullopt;
  // Reject every "." or ".." segment outright instead of normalising it.
  std::string relative;
  std::string_view rest(*decoded);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty()) continue;
    if (segment == "." || segment == "..") return std::nullopt;
    if (!relative.empty()) relative += '/';
    relative += segment;
  }

  std::error_code ec;
  const fs::path canonical_root = fs::weakly_canonical(root, ec);
  if (ec) return std::nullopt;
  fs::path candidate = relative.empty() ? canonical_root : canonical_root / relative;
  if (fs::is_directory(candidate, ec)) candidate /= "index.html";
  const fs::path resolved = fs::weakly_canonical(candidate, ec);
  if (ec) return std::nullopt;
  // The resolved path (symlinks followed) must still lie under the root.
  const auto [root_end, ignored] =
      std::mismatch(canonical_root.begin(), canonical_root.end(), resolved.begin(), resolved.end());
  (void)ignored;
  if (root_end != canonical_root.end()) return std::nullopt;
  if (!fs::is_regular_file(resolved, ec)) return std::nullopt;
  return resolved;
}

PageKind page_kind(const std::filesystem::path& root, const std::filesystem::path& resolved) {
  std::error_code ec;
  const auto canonical_root = std::filesystem::weakly_canonical(root, ec);
  if (ec || resolved.parent_path() != canonical_root) return PageKind::other;
  const auto file = resolved.filename();
  if (file == "moderate.html") return PageKind::console;
  if (file == "index.html") return PageKind::demo;
  return PageKind::other;
}

SecurityHeaders security_headers(PageKind kind) {
  switch (kind) {
    case PageKind::console:
      // Scripts from this origin only ('wasm-unsafe-eval': compiling the
      // console's WebAssembly), nothing inline; the WebSocket and fetches to
      // this origin only ('self' covers ws:/wss: of it, CSP 3); never inside a
      // frame: its actions are one key or one click, so it must not be
      // clickjacked (X-Frame-Options too, for browsers before CSP 2).
      return {"default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
              "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'",
              "no-referrer", "DENY"};
    case PageKind::demo:
      // The demo article: scripts from this origin only (the loader, the
      // widget and its WebAssembly); its own inline <style> and the
      // widget's shadow-root styles need 'unsafe-inline' for styles only.
      return {"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
              "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
              "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
              default_referrer_policy, {}};
    case PageKind::other:
      break;
  }
  return {{}, default_referrer_policy, {}};
}

}  // namespace comments::server

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

std::string make_etag(std::uintmax_t size, std::int64_t mtime_ns) {
  char out[64];
  std::snprintf(out, sizeof out, "\"%jx-%llx\"", size,
                static_cast<unsigned long long>(mtime_ns));
  return out;
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

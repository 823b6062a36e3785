// Pure helpers of the HTTP side: URL decoding, query strings, MIME types,
// ETags, and mapping a request path to a file under the served folder
// without ever leaving it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comments/result.hpp"

namespace comments::server {

// Percent-decodes `text` (and '+' as space when `plus_is_space`).
// percent_encoding_invalid for a malformed escape or a decoded NUL byte.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Value of `name` in a query string `a=1&b=2` (decoded), nullopt when absent
// or malformed. The first occurrence wins.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// MIME type by file extension (case-insensitive); application/octet-stream
// for anything unknown. Text types carry charset=utf-8.
std::string_view mime_type(std::string_view path);

// The content codings static files are precompressed in (the build writes
// `file.gz` and `file.br` beside `file`; wasm/tools/stage_assets.js).
enum class ContentCoding { identity, gzip, br };

// The Content-Encoding token ("gzip", "br"; "identity" for identity).
std::string_view coding_name(ContentCoding coding);
// The suffix of the precompressed file: "", ".gz", ".br".
std::string_view coding_suffix(ContentCoding coding);

// The coding to send, from the request's Accept-Encoding (nullopt when the
// request has none: identity) and which precompressed variants exist.
// RFC 9110 12.5.3: q-values (q=0 refuses a coding), `*` for every coding not
// named, `identity` acceptable unless refused by name or by `*;q=0`, "x-gzip"
// as gzip. The acceptable coding with the highest q wins; equal q prefer
// br, then gzip, then identity. An identity the header does not name (nor
// `*`) is only the fallback: "br;q=0.5" still gets br. When nothing offered
// is acceptable the answer is identity (served uncompressed, not refused).
ContentCoding negotiate_coding(std::optional<std::string_view> accept_encoding, bool have_gzip,
                               bool have_br);

// Validator of a file's current version: "size-mtime" in hex, quoted; a
// precompressed variant's names its coding too ("size-mtime-br"), so every
// variant of a file has its own strong ETag.
std::string make_etag(std::uintmax_t size, std::int64_t mtime_ns,
                      ContentCoding coding = ContentCoding::identity);

// True for a content-hashed build output: `<name>.<8 lower-case hex>.<ext>`,
// e.g. "comments-widget.3f9a1c2e.wasm". Such a name never changes content.
bool is_content_hashed(std::string_view path);

// Cache-Control of a static file: HTML revalidated every time ("no-cache"),
// content-hashed files cached for a year and never revalidated ("immutable"),
// anything else (embed.js, which sites embed by its stable name) for five
// minutes, then revalidated with its ETag.
std::string_view cache_control_for(std::string_view path, std::string_view content_type);

// True when an If-None-Match header value names `etag` (or is `*`); weak
// validators (W/"…") compare equal to their strong form, as RFC 9110 says
// for If-None-Match.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// Maps the path part of a request target to a regular file under `root`
// ("/" and folders -> their index.html). nullopt when the path is malformed,
// contains a ".." segment (also percent-encoded), a backslash or NUL, or
// resolves (symlinks included) outside `root`, or names no regular file.
std::optional<std::filesystem::path> resolve_web_path(const std::filesystem::path& root,
                                                      std::string_view target_path);

// ---- Security headers -----------------------------------------------------------

// The pages we ship in web/ that get a Content-Security-Policy of their own.
// Any other file (an operator's article pages, assets) gets none: their
// scripts are theirs to allow (docs/server.md "Security headers").
enum class PageKind { other, console, demo };

// Which page `resolved` (a path resolve_web_path returned under `root`) is:
// moderate.html or index.html directly in the root, decided on the resolved
// file (symlinks followed), never on the request's spelling of it, so
// /moderate%2ehtml or a link to it gets the console's policy too.
PageKind page_kind(const std::filesystem::path& root, const std::filesystem::path& resolved);

struct SecurityHeaders {
  std::string_view content_security_policy;  // empty: none
  std::string_view referrer_policy;
  std::string_view frame_options;            // X-Frame-Options; empty: none
};

// Referrer-Policy of every answer but the console's.
inline constexpr std::string_view default_referrer_policy = "strict-origin-when-cross-origin";

// The headers besides X-Content-Type-Options (every answer has nosniff).
SecurityHeaders security_headers(PageKind kind);

}  // namespace comments::server

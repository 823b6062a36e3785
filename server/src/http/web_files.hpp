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

// Validator of a file's current version: "size-mtime" in hex, quoted.
std::string make_etag(std::uintmax_t size, std::int64_t mtime_ns);

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

// URL decoding, MIME types, ETags, content-coding negotiation, cache lifetimes
// and the served-folder path rule.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http/web_files.hpp"

using namespace comments::server;
namespace fs = std::filesystem;

namespace {

// A temporary served folder with a few files and a secret beside it.
struct WebRoot {
  fs::path base;
  fs::path root;
  WebRoot() {
    base = fs::temp_directory_path() / ("unit-web-" + std::to_string(::getpid()));
    root = base / "web";
    fs::create_directories(root / "sub");
    std::ofstream(root / "index.html") << "<h1>home</h1>";
    std::ofstream(root / "sub" / "index.html") << "sub";
    std::ofstream(root / "app.wasm") << "wasm";
    std::ofstream(root / "a b.css") << "css";
    std::ofstream(base / "secret.txt") << "secret";
    fs::create_symlink(base / "secret.txt", root / "link.txt");
  }
  ~WebRoot() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
};

}  // namespace

TEST_CASE("web: percent decoding") {
  CHECK(percent_decode("a%20b%2Fc", false).value() == "a b/c");
  CHECK(percent_decode("a+b", false).value() == "a+b");
  CHECK(percent_decode("a+b", true).value() == "a b");
  CHECK(percent_decode("%E7%BD%91%E5%8F%8B", false).value() == "网友");
  for (const char* bad : {"%", "%2", "%zz", "a%00b"}) {
    CAPTURE(bad);
    const auto decoded = percent_decode(bad, false);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().id == comments::ErrorId::percent_encoding_invalid);
  }
}

TEST_CASE("web: query parameters") {
  const std::string_view q = "thread=2020-11-11%2Fcao&limit=5&lang=zh-CN&empty&limit=9";
  CHECK(query_param(q, "thread") == "2020-11-11/cao");
  CHECK(query_param(q, "limit") == "5");
  CHECK(query_param(q, "lang") == "zh-CN");
  CHECK(query_param(q, "empty") == "");
  CHECK_FALSE(query_param(q, "missing"));
  CHECK_FALSE(query_param("", "thread"));
}

TEST_CASE("web: MIME types") {
  CHECK(mime_type("/x/comments.wasm") == "application/wasm");
  CHECK(mime_type("embed.js") == "text/javascript; charset=utf-8");
  CHECK(mime_type("comments.CSS") == "text/css; charset=utf-8");
  CHECK(mime_type("index.html") == "text/html; charset=utf-8");
  CHECK(mime_type("logo.svg") == "image/svg+xml");
  CHECK(mime_type("logo.png") == "image/png");
  CHECK(mime_type("data.json") == "application/json");
  CHECK(mime_type("README") == "application/octet-stream");
  CHECK(mime_type("dir.d/file") == "application/octet-stream");
}

TEST_CASE("web: ETags and If-None-Match") {
  const auto etag = make_etag(12, 0x1234);
  CHECK(etag == "\"c-1234\"");
  CHECK(etag_matches(etag, etag));
  CHECK(etag_matches("\"zz\", " + etag, etag));
  CHECK(etag_matches("W/" + etag, etag));
  CHECK(etag_matches("*", etag));
  CHECK_FALSE(etag_matches("\"c-1235\"", etag));
  CHECK_FALSE(etag_matches("", etag));
}

TEST_CASE("web: each precompressed variant has its own strong ETag") {
  const auto identity = make_etag(12, 0x1234);
  const auto gzip = make_etag(12, 0x1234, ContentCoding::gzip);
  const auto br = make_etag(12, 0x1234, ContentCoding::br);
  CHECK(identity == make_etag(12, 0x1234, ContentCoding::identity));
  CHECK(gzip == "\"c-1234-gzip\"");
  CHECK(br == "\"c-1234-br\"");
  CHECK_FALSE(gzip.starts_with("W/"));
  CHECK_FALSE(etag_matches(gzip, br));
  CHECK_FALSE(etag_matches(gzip, identity));
  CHECK_FALSE(etag_matches(identity, br));
  CHECK(etag_matches(identity + ", " + br, br));
}

namespace {
// negotiate_coding with both variants on offer.
ContentCoding pick(std::string_view accept_encoding) {
  return negotiate_coding(accept_encoding, true, true);
}
}  // namespace

TEST_CASE("web: Accept-Encoding picks br, then gzip, then identity") {
  CHECK(coding_name(ContentCoding::br) == "br");
  CHECK(coding_name(ContentCoding::gzip) == "gzip");
  CHECK(coding_suffix(ContentCoding::br) == ".br");
  CHECK(coding_suffix(ContentCoding::gzip) == ".gz");
  CHECK(coding_suffix(ContentCoding::identity) == "");
  // No header: identity (the variants are for clients that ask).
  CHECK(negotiate_coding(std::nullopt, true, true) == ContentCoding::identity);
  CHECK(pick("") == ContentCoding::identity);
  // What browsers send; Chromium over plain http leaves br out.
  CHECK(pick("gzip, deflate, br, zstd") == ContentCoding::br);
  CHECK(pick("gzip, deflate") == ContentCoding::gzip);
  CHECK(pick("br") == ContentCoding::br);
  CHECK(pick("deflate") == ContentCoding::identity);
  // Case and spaces do not matter; x-gzip is gzip.
  CHECK(pick("  GZip ,Deflate") == ContentCoding::gzip);
  CHECK(pick("BR;Q=0.5") == ContentCoding::br);
  CHECK(pick("x-gzip") == ContentCoding::gzip);
  // Only what exists is offered.
  CHECK(negotiate_coding("br, gzip", false, true) == ContentCoding::br);
  CHECK(negotiate_coding("br, gzip", true, false) == ContentCoding::gzip);
  CHECK(negotiate_coding("br", true, false) == ContentCoding::identity);
  CHECK(negotiate_coding("br, gzip", false, false) == ContentCoding::identity);
}

TEST_CASE("web: Accept-Encoding q-values") {
  // The client's preference beats the server's.
  CHECK(pick("br;q=0.5, gzip") == ContentCoding::gzip);
  CHECK(pick("gzip;q=0.9, br;q=0.8") == ContentCoding::gzip);
  CHECK(pick("gzip;q=0.8, br;q=0.9") == ContentCoding::br);
  // Equal q: the server's order.
  CHECK(pick("gzip;q=0.5, br;q=0.5") == ContentCoding::br);
  CHECK(pick("gzip;q=0.5, br;q=0.500") == ContentCoding::br);
  // q=0 refuses.
  CHECK(pick("br;q=0, gzip") == ContentCoding::gzip);
  CHECK(pick("br;q=0.000, gzip;q=0") == ContentCoding::identity);
  // A q below 1 still beats an identity the header does not name.
  CHECK(pick("br;q=0.1") == ContentCoding::br);
  CHECK(pick("gzip;q=0.001") == ContentCoding::gzip);
  // A named identity above the compressed ones wins (a preference like any other).
  CHECK(pick("identity, gzip;q=0.5") == ContentCoding::identity);
  CHECK(pick("identity;q=0.5, gzip") == ContentCoding::gzip);
  // Whitespace around ';' and '=' is tolerated; other parameters ignored.
  CHECK(pick("br ; q=0 , gzip ; q = 1") == ContentCoding::gzip);
  CHECK(pick("br;level=3, gzip;q=0.1") == ContentCoding::br);
  // A malformed q makes that entry unusable, not the header.
  CHECK(pick("br;q=2, gzip") == ContentCoding::gzip);
  CHECK(pick("br;q=0.5x, gzip;q=0.1") == ContentCoding::gzip);
  CHECK(pick("br;q=0.1234, gzip;q=0.1") == ContentCoding::gzip);
  CHECK(pick("br;q=, gzip;q=0.1") == ContentCoding::gzip);
  CHECK(pick("br;q=1.0, gzip") == ContentCoding::br);
  CHECK(pick("br;q=1.001, gzip;q=0.2") == ContentCoding::gzip);
  // The first mention of a coding counts.
  CHECK(pick("br;q=0, br, gzip") == ContentCoding::gzip);
}

TEST_CASE("web: Accept-Encoding * and identity") {
  // `*` stands for every coding not named, identity included.
  CHECK(pick("*") == ContentCoding::br);
  CHECK(pick("*;q=0.5, gzip") == ContentCoding::gzip);
  CHECK(pick("br;q=0, *") == ContentCoding::gzip);
  CHECK(pick("gzip;q=0, br;q=0, *") == ContentCoding::identity);
  // identity refused by `*;q=0` or by name: a compressed variant when there
  // is one, else identity anyway (served rather than refused).
  CHECK(pick("gzip, *;q=0") == ContentCoding::gzip);
  CHECK(pick("identity;q=0") == ContentCoding::identity);
  CHECK(pick("identity;q=0, *") == ContentCoding::br);
  CHECK(negotiate_coding("identity;q=0, gzip", false, false) == ContentCoding::identity);
  CHECK(negotiate_coding("*;q=0", true, true) == ContentCoding::identity);
  // A named identity is not overridden by `*`.
  CHECK(pick("*;q=0, identity") == ContentCoding::identity);
}

TEST_CASE("web: content-hashed names and their cache lifetimes") {
  CHECK(is_content_hashed("comments-widget.3f9a1c2e.wasm"));
  CHECK(is_content_hashed("/comments-widget.3f9a1c2e.wasm"));
  CHECK(is_content_hashed("/sub/comments.0123abcd.css"));
  CHECK(is_content_hashed("a.b.0123abcd.js"));
  CHECK_FALSE(is_content_hashed("comments-widget.wasm"));
  CHECK_FALSE(is_content_hashed("embed.js"));
  CHECK_FALSE(is_content_hashed("comments-widget.3F9A1C2E.wasm"));  // lower case only
  CHECK_FALSE(is_content_hashed("comments-widget.3f9a1c2.wasm"));    // 7 digits
  CHECK_FALSE(is_content_hashed("comments-widget.3f9a1c2e0.wasm"));  // 9 digits
  CHECK_FALSE(is_content_hashed("comments-widget.3f9a1c2g.wasm"));
  CHECK_FALSE(is_content_hashed(".3f9a1c2e.wasm"));
  CHECK_FALSE(is_content_hashed("comments.3f9a1c2e"));               // no extension
  CHECK_FALSE(is_content_hashed("comments.3f9a1c2e."));
  CHECK_FALSE(is_content_hashed("/x.3f9a1c2e/embed.js"));            // a folder's name

  const std::string_view js = "text/javascript; charset=utf-8";
  CHECK(cache_control_for("/comments-widget.3f9a1c2e.wasm", "application/wasm") ==
        "public, max-age=31536000, immutable");
  CHECK(cache_control_for("/comments-widget.3f9a1c2e.js", js) ==
        "public, max-age=31536000, immutable");
  CHECK(cache_control_for("/embed.js", js) == "public, max-age=300");
  CHECK(cache_control_for("/comments-moderator.wasm", "application/wasm") == "public, max-age=300");
  CHECK(cache_control_for("/index.html", "text/html; charset=utf-8") == "no-cache");
  CHECK(cache_control_for("/page.0123abcd.html", "text/html; charset=utf-8") == "no-cache");
}

TEST_CASE("web: paths map to files under the root and never outside it") {
  const WebRoot web;
  const auto canonical_root = fs::canonical(web.root);
  CHECK(resolve_web_path(web.root, "/") == canonical_root / "index.html");
  CHECK(resolve_web_path(web.root, "/index.html") == canonical_root / "index.html");
  CHECK(resolve_web_path(web.root, "/sub/") == canonical_root / "sub" / "index.html");
  CHECK(resolve_web_path(web.root, "/sub") == canonical_root / "sub" / "index.html");
  CHECK(resolve_web_path(web.root, "/app.wasm") == canonical_root / "app.wasm");
  CHECK(resolve_web_path(web.root, "/a%20b.css") == canonical_root / "a b.css");
  CHECK(resolve_web_path(web.root, "//app.wasm") == canonical_root / "app.wasm");

  CHECK_FALSE(resolve_web_path(web.root, "/missing.js"));
  CHECK_FALSE(resolve_web_path(web.root, "/../secret.txt"));
  CHECK_FALSE(resolve_web_path(web.root, "/sub/../../secret.txt"));
  CHECK_FALSE(resolve_web_path(web.root, "/%2e%2e/secret.txt"));
  CHECK_FALSE(resolve_web_path(web.root, "/%2E%2E%2Fsecret.txt"));
  CHECK_FALSE(resolve_web_path(web.root, "/..%5csecret.txt"));
  CHECK_FALSE(resolve_web_path(web.root, "/./index.html"));
  CHECK_FALSE(resolve_web_path(web.root, "index.html"));
  CHECK_FALSE(resolve_web_path(web.root, (web.base / "secret.txt").string().insert(0, "/")));
  CHECK_FALSE(resolve_web_path(web.root, "/link.txt"));  // a symlink leading outside
  CHECK_FALSE(resolve_web_path(web.root, "/index.html%00.png"));
}

TEST_CASE("web: the console and the demo page get their own security headers, decided on the resolved file") {
  const WebRoot web;
  std::ofstream(web.root / "moderate.html") << "console";
  std::ofstream(web.root / "article.html") << "an operator's page";
  fs::create_symlink(web.root / "moderate.html", web.root / "admin.html");
  const auto kind_of = [&](std::string_view target) {
    const auto file = resolve_web_path(web.root, target);
    REQUIRE(file);
    return page_kind(web.root, *file);
  };
  CHECK(kind_of("/moderate.html") == PageKind::console);
  CHECK(kind_of("/moderate%2ehtml") == PageKind::console);  // however it is spelled
  CHECK(kind_of("//moderate.html") == PageKind::console);
  CHECK(kind_of("/admin.html") == PageKind::console);       // a link to it
  CHECK(kind_of("/") == PageKind::demo);
  CHECK(kind_of("/index.html") == PageKind::demo);
  CHECK(kind_of("/sub/") == PageKind::other);               // only the root's index.html
  CHECK(kind_of("/article.html") == PageKind::other);
  CHECK(kind_of("/app.wasm") == PageKind::other);

  const SecurityHeaders console = security_headers(PageKind::console);
  const std::string console_csp(console.content_security_policy);
  CHECK(console_csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(console_csp.find("script-src 'self' 'wasm-unsafe-eval';") != std::string::npos);
  CHECK(console_csp.find("connect-src 'self'") != std::string::npos);
  CHECK(console_csp.find("default-src 'none'") != std::string::npos);
  CHECK(console_csp.find("unsafe-inline") == std::string::npos);
  CHECK(console.referrer_policy == "no-referrer");
  CHECK(console.frame_options == "DENY");

  const SecurityHeaders demo = security_headers(PageKind::demo);
  const std::string demo_csp(demo.content_security_policy);
  CHECK(demo_csp.find("script-src 'self' 'wasm-unsafe-eval';") != std::string::npos);
  CHECK(demo_csp.find("connect-src 'self'") != std::string::npos);
  CHECK(demo_csp.find("object-src 'none'") != std::string::npos);
  CHECK(demo.referrer_policy == "strict-origin-when-cross-origin");
  CHECK(demo.frame_options.empty());

  const SecurityHeaders other = security_headers(PageKind::other);
  CHECK(other.content_security_policy.empty());
  CHECK(other.referrer_policy == "strict-origin-when-cross-origin");
  CHECK(other.frame_options.empty());
}

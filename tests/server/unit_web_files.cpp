// URL decoding, MIME types, ETags and the served-folder path rule.
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

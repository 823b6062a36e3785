// Plain HTTP against the real binary: /healthz, static files, traversal, 404,
// and the no-JavaScript fragment /embed/latest.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Media type without parameters, lower case: "text/html; charset=utf-8" -> "text/html".
std::string media_type(const HttpResponse& response) {
  std::string type = response.header("content-type");
  type = type.substr(0, type.find(';'));
  for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return trimmed(type);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("healthz answers 200 ok") {
  TestServer test;
  const auto response = http_get(test.server, "/healthz");
  CHECK(response.status == 200);
  CHECK(trimmed(response.body) == "ok");
}

TEST_CASE("static files are served with their MIME types, application/wasm included") {
  TempDir site;
  const std::string wasm_bytes("\0asm\1\0\0\0", 8);
  write_file(site / "web/index.html", "<!doctype html><title>文章</title>");
  write_file(site / "web/comments.js", "console.log('评论');");
  write_file(site / "web/comments.css", "body{color:#333}");
  write_file(site / "web/comments.wasm", wasm_bytes);
  write_file(site / "web/data/sample.json", "{\"a\":1}");
  write_file(site / "web/sub/page.html", "<p>sub</p>");
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);

  struct Expected {
    const char* target;
    std::vector<std::string> types;  // any of these is right
    std::string body;
  };
  const std::vector<Expected> files = {
      {"/index.html", {"text/html"}, "<!doctype html><title>文章</title>"},
      {"/comments.js", {"text/javascript", "application/javascript"}, "console.log('评论');"},
      {"/comments.css", {"text/css"}, "body{color:#333}"},
      {"/comments.wasm", {"application/wasm"}, wasm_bytes},
      {"/data/sample.json", {"application/json"}, "{\"a\":1}"},
      {"/sub/page.html", {"text/html"}, "<p>sub</p>"},
  };
  for (const auto& file : files) {
    CAPTURE(file.target);
    const auto response = http_get(test.server, file.target);
    CHECK(response.status == 200);
    const std::string type = media_type(response);
    CAPTURE(type);
    CHECK(std::find(file.types.begin(), file.types.end(), type) != file.types.end());
    CHECK(response.body == file.body);
  }
}

TEST_CASE("static files: no directory traversal (../, %2e%2e, absolute paths)") {
  TempDir site;
  write_file(site / "secret.txt", "TOP-SECRET-VALUE");
  write_file(site / "web/index.html", "<p>public</p>");
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);

  const std::string absolute_secret = (site / "secret.txt").string();  // starts with '/'
  const std::vector<std::string> attacks = {
      "/../secret.txt",
      "/web/../../secret.txt",
      "/sub/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "/.%2e/secret.txt",
      "/" + absolute_secret,
      "/%2f" + absolute_secret.substr(1),
      "//etc/passwd",
      "/%2fetc%2fpasswd",
      "/../../../../../../etc/passwd",
  };
  for (const auto& target : attacks) {
    CAPTURE(target);
    const auto response = http_get(test.server, target);
    CHECK(response.status >= 400);
    CHECK(response.status < 500);
    CHECK(response.body.find("TOP-SECRET-VALUE") == std::string::npos);
    CHECK(response.body.find("root:") == std::string::npos);
  }
  // The server is unharmed and still serves what it should.
  CHECK(http_get(test.server, "/index.html").status == 200);
  CHECK(http_get(test.server, "/healthz").status == 200);
}

TEST_CASE("missing files answer 404") {
  TempDir site;
  write_file(site / "web/index.html", "<p>public</p>");
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);
  CHECK(http_get(test.server, "/missing.html").status == 404);
  CHECK(http_get(test.server, "/sub/missing.js").status == 404);
  CHECK(http_get(test.server, "/index.html/extra").status == 404);
}

TEST_CASE("embed/latest: an escaped HTML fragment of the latest published comments with the disclaimer") {
  ServerOptions options;
  TestServer test(options);
  WsClient poster(test.server);
  const std::string thread = "2020-11-11-caowenze";
  post_ok(poster, thread, "第一条评论 first");
  post_ok(poster, thread, "<script>alert(\"body\")</script> & <b>bold</b>",
          std::string_view("<script>alert('author')</script>"));
  post_ok(poster, thread, "最新的评论 newest");
  post_ok(poster, "another-thread", "other thread text");

  const auto english = http_get(test.server, "/embed/latest?thread=" + thread + "&limit=2&lang=en");
  CHECK(english.status == 200);
  CHECK(media_type(english) == "text/html");
  const std::string& html = english.body;
  CAPTURE(html);
  CHECK(html.find("<script") == std::string::npos);  // nothing executable from anyone's text
  CHECK(html.find("<b>bold") == std::string::npos);
  CHECK(occurrences(html, "&lt;script&gt;") == 2);   // author and body, as text
  CHECK(html.find("&amp;") != std::string::npos);
  CHECK(html.find("最新的评论 newest") != std::string::npos);
  CHECK(html.find("第一条评论") == std::string::npos);  // limit=2 keeps the two newest
  CHECK(html.find("other thread text") == std::string::npos);
  CHECK(html.find("disclaimer") != std::string::npos);

  const auto chinese = http_get(test.server, "/embed/latest?thread=" + thread + "&limit=2&lang=zh-CN");
  CHECK(chinese.status == 200);
  CHECK(chinese.body.find("disclaimer") != std::string::npos);
  CHECK(chinese.body.find("<script") == std::string::npos);
  // The disclaimer (and the other chrome) is in the reader's language.
  CHECK(chinese.body != english.body);
}

TEST_CASE("static files: precompressed variants by Accept-Encoding, one ETag each, 304s") {
  namespace fs = std::filesystem;
  TempDir site;
  const fs::path web = site / "web";
  // The variants' bytes are stand-ins: the server sends the file as it is.
  write_file(web / "app.3f9a1c2e.wasm", "identity wasm bytes");
  write_file(web / "app.3f9a1c2e.wasm.gz", "gzip bytes");
  write_file(web / "app.3f9a1c2e.wasm.br", "br bytes");
  write_file(web / "embed.js", "loader();");
  write_file(web / "embed.js.gz", "gz loader");
  write_file(web / "plain.css", "p{}");
  ServerOptions options;
  options.web = web;
  TestServer test(options);
  const std::string wasm = "/app.3f9a1c2e.wasm";

  const auto br = http_get(test.server, wasm, {{"Accept-Encoding", "gzip, deflate, br"}});
  CHECK(br.status == 200);
  CHECK(br.body == "br bytes");
  CHECK(br.header("content-encoding") == "br");
  CHECK(br.header("content-type") == "application/wasm");
  CHECK(br.header("content-length") == "8");
  CHECK(br.header("vary").find("Accept-Encoding") != std::string::npos);
  CHECK(br.header("vary").find("Origin") != std::string::npos);
  CHECK(br.header("cache-control") == "public, max-age=31536000, immutable");
  const std::string br_etag = br.header("etag");
  CHECK(br_etag.starts_with("\""));  // strong
  CHECK(br_etag.ends_with("-br\""));

  // Chromium over plain http: no br.
  const auto gz = http_get(test.server, wasm, {{"Accept-Encoding", "gzip, deflate"}});
  CHECK(gz.status == 200);
  CHECK(gz.body == "gzip bytes");
  CHECK(gz.header("content-encoding") == "gzip");
  CHECK(gz.header("content-type") == "application/wasm");
  CHECK(gz.header("vary").find("Accept-Encoding") != std::string::npos);
  const std::string gz_etag = gz.header("etag");
  CHECK(gz_etag.starts_with("\""));

  const auto plain = http_get(test.server, wasm);
  CHECK(plain.status == 200);
  CHECK(plain.body == "identity wasm bytes");
  CHECK(plain.header("content-encoding").empty());
  CHECK(plain.header("vary").find("Accept-Encoding") != std::string::npos);
  const std::string plain_etag = plain.header("etag");
  CHECK(br_etag != gz_etag);
  CHECK(br_etag != plain_etag);
  CHECK(gz_etag != plain_etag);

  // q-values and identity.
  CHECK(http_get(test.server, wasm, {{"Accept-Encoding", "br;q=0.5, gzip"}}).body == "gzip bytes");
  CHECK(http_get(test.server, wasm, {{"Accept-Encoding", "br;q=0, gzip;q=0, identity"}}).body ==
        "identity wasm bytes");
  CHECK(http_get(test.server, wasm, {{"Accept-Encoding", "*"}}).body == "br bytes");

  // HEAD: the headers of the GET, the variant's length.
  const auto head = http_head(test.server, wasm, {{"Accept-Encoding", "gzip"}});
  CHECK(head.status == 200);
  CHECK(head.header("content-encoding") == "gzip");
  CHECK(head.header("content-length") == "10");
  CHECK(head.header("etag") == gz_etag);

  // Revalidation: 304 for the variant the ETag names, with the same headers
  // a cache needs; another negotiated variant is a 200 of that one.
  const auto not_modified =
      http_get(test.server, wasm, {{"Accept-Encoding", "br"}, {"If-None-Match", br_etag}});
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());
  CHECK(not_modified.header("etag") == br_etag);
  CHECK(not_modified.header("vary").find("Accept-Encoding") != std::string::npos);
  CHECK(not_modified.header("cache-control") == "public, max-age=31536000, immutable");
  const auto other =
      http_get(test.server, wasm, {{"Accept-Encoding", "gzip"}, {"If-None-Match", br_etag}});
  CHECK(other.status == 200);
  CHECK(other.body == "gzip bytes");
  CHECK(http_get(test.server, wasm, {{"If-None-Match", plain_etag}}).status == 304);
  CHECK(http_get(test.server, wasm, {{"If-None-Match", gz_etag + ", " + br_etag},
                                     {"Accept-Encoding", "gzip"}})
            .status == 304);

  // The loader: its stable name, five minutes, then a 304.
  const auto loader = http_get(test.server, "/embed.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  CHECK(loader.status == 200);
  CHECK(loader.body == "gz loader");  // no .br beside it
  CHECK(loader.header("content-encoding") == "gzip");
  CHECK(loader.header("cache-control") == "public, max-age=300");
  CHECK(loader.header("content-type").starts_with("text/javascript"));
  CHECK(http_get(test.server, "/embed.js", {{"Accept-Encoding", "gzip"},
                                            {"If-None-Match", loader.header("etag")}})
            .status == 304);

  // A file without variants: as before, and its answer does not vary by encoding.
  const auto css = http_get(test.server, "/plain.css", {{"Accept-Encoding", "gzip, br"}});
  CHECK(css.status == 200);
  CHECK(css.body == "p{}");
  CHECK(css.header("content-encoding").empty());
  CHECK(css.header("vary") == "Origin");

  // A variant that is a symbolic link (here to a file outside the served
  // folder) is not followed: the file itself is sent.
  // (The link's target is newer than the file: only the link rule refuses it.)
  write_file(web / "linked.css", "a{}");
  write_file(site / "secret.txt", "TOP-SECRET-VALUE");
  fs::last_write_time(site / "secret.txt", fs::last_write_time(web / "linked.css") + std::chrono::seconds(5));
  fs::create_symlink(site / "secret.txt", web / "linked.css.gz");
  const auto linked = http_get(test.server, "/linked.css", {{"Accept-Encoding", "gzip"}});
  CHECK(linked.status == 200);
  CHECK(linked.body == "a{}");
  CHECK(linked.header("content-encoding").empty());

  // A variant older than its file was made from an earlier version: not sent.
  const auto file_time = fs::last_write_time(web / "embed.js");
  fs::last_write_time(web / "embed.js.gz", file_time - std::chrono::seconds(10));
  const auto stale = http_get(test.server, "/embed.js", {{"Accept-Encoding", "gzip"}});
  CHECK(stale.body == "loader();");
  CHECK(stale.header("content-encoding").empty());
}

TEST_CASE("security headers: nosniff and Referrer-Policy on every answer; CSP on the console and the demo page") {
  TempDir site;
  // The demo page holds an include (it is put together per request).
  write_file(site / "web/index.html",
             "<!doctype html><title>demo</title><!--#include virtual=\"/embed/latest?thread=t\" -->");
  write_file(site / "web/moderate.html", "<!doctype html><title>console</title>");
  write_file(site / "web/article.html", "<!doctype html><title>operator</title>");
  write_file(site / "web/with-include.html",
             "<p>x</p><!--#include virtual=\"/embed/latest?thread=t\" -->");
  write_file(site / "web/embed.js", "1");
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);

  const std::string console_csp =
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' "
      "data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
      "frame-ancestors 'none'";
  for (const char* target : {"/moderate.html", "/moderate%2Ehtml", "//moderate.html"}) {
    CAPTURE(target);
    for (const auto& res : {http_get(test.server, target), http_head(test.server, target)}) {
      CHECK(res.status == 200);
      CHECK(res.header("content-security-policy") == console_csp);
      CHECK(res.header("x-frame-options") == "DENY");
      CHECK(res.header("referrer-policy") == "no-referrer");
      CHECK(res.header("x-content-type-options") == "nosniff");
    }
  }
  // A revalidation answers the same headers.
  const auto first = http_get(test.server, "/moderate.html");
  const auto not_modified =
      http_get(test.server, "/moderate.html", {{"If-None-Match", first.header("etag")}});
  CHECK(not_modified.status == 304);
  CHECK(not_modified.header("content-security-policy") == console_csp);
  CHECK(not_modified.header("x-content-type-options") == "nosniff");

  for (const char* target : {"/", "/index.html"}) {
    CAPTURE(target);
    const auto res = http_get(test.server, target);
    CHECK(res.status == 200);
    CHECK(res.body.find("cm-thread") != std::string::npos);
    const std::string csp = res.header("content-security-policy");
    CHECK(csp.find("script-src 'self' 'wasm-unsafe-eval';") != std::string::npos);
    CHECK(csp.find("connect-src 'self'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'self'") != std::string::npos);
    CHECK(res.header("x-frame-options").empty());
    CHECK(res.header("referrer-policy") == "strict-origin-when-cross-origin");
    CHECK(res.header("x-content-type-options") == "nosniff");
  }

  // Everything else: no CSP of ours, but nosniff and the Referrer-Policy,
  // errors and generated answers included.
  for (const char* target : {"/article.html", "/with-include.html", "/embed.js", "/healthz",
                             "/embed/latest?thread=t", "/embed/latest", "/missing", "/ws"}) {
    CAPTURE(target);
    const auto res = http_get(test.server, target);
    CHECK(res.status != 0);
    CHECK(res.header("content-security-policy").empty());
    CHECK(res.header("x-content-type-options") == "nosniff");
    CHECK(res.header("referrer-policy") == "strict-origin-when-cross-origin");
  }
}

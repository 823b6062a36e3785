// Server-side includes of /embed/latest in served HTML pages (nginx SSI syntax),
// against the real binary: what replaces the directive, what is left alone,
// and the caching rules of pages with and without includes.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

std::string include_of(const std::string& query) {
  return "<!--#include virtual=\"/embed/latest?" + query + "\" -->";
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// The text of the first `<!-- comments include: … -->` in `html` (between the
// comment's delimiters), or "" when there is none.
std::string problem_comment(const std::string& html) {
  const std::string open = "<!-- comments include: ";
  const auto start = html.find(open);
  if (start == std::string::npos) return {};
  const auto inner = start + 4;  // after "<!--"
  const auto end = html.find("-->", inner);
  REQUIRE(end != std::string::npos);
  return html.substr(inner, end - inner);
}

}  // namespace

TEST_CASE("includes: the directive is replaced by the escaped /embed/latest fragment") {
  TempDir site;
  const std::string thread = "2020-11-11-caowenze";
  const std::string before = "<!doctype html><html lang=\"zh-CN\"><body><main>文章</main>\n"
                             "<div id=\"comments\" data-comments>";
  const std::string after = "</div>\n<script async src=\"embed.js\"></script></body></html>\n";
  write_file(site / "web/article.html",
             before + include_of("thread=" + thread + "&limit=5&lang=zh-CN") + after);
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);
  WsClient poster(test.server);
  post_ok(poster, thread, "第一条评论");
  post_ok(poster, thread, "<script>window.__xss=1</script> & <b>粗体</b>",
          std::string_view("<img src=x onerror=alert(1)>"));

  const auto page = http_get(test.server, "/article.html");
  CHECK(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  const auto fragment =
      http_get(test.server, "/embed/latest?thread=" + thread + "&limit=5&lang=zh-CN");
  REQUIRE(fragment.status == 200);
  CAPTURE(page.body);
  // Exactly the fragment, where the directive stood; the page around it as it is.
  CHECK(page.body == before + fragment.body + after);
  CHECK(page.body.find("<!--#") == std::string::npos);
  CHECK(page.body.find("<section class=\"cm-thread\"") != std::string::npos);
  CHECK(occurrences(page.body, "<script") == 1);  // the page's own embed.js only
  CHECK(page.body.find("<img") == std::string::npos);
  CHECK(page.body.find("&lt;script&gt;window.__xss=1&lt;/script&gt;") != std::string::npos);
  CHECK(page.body.find("第一条评论") != std::string::npos);

  // Its content changes with the comments: no validator, revalidated each time.
  CHECK(page.header("cache-control") == "no-cache");
  CHECK(page.header("etag").empty());
  const auto conditional = http_get(test.server, "/article.html", {{"If-None-Match", "*"}});
  CHECK(conditional.status == 200);
  CHECK(conditional.body == page.body);

  post_ok(poster, thread, "刚刚发表的评论");
  CHECK(http_get(test.server, "/article.html").body.find("刚刚发表的评论") != std::string::npos);
}

TEST_CASE("includes: two includes in one page, each answered for its own query") {
  TempDir site;
  write_file(site / "web/two.html",
             "<p>one</p>" + include_of("thread=first&limit=1&lang=en") + "<p>two</p>" +
                 include_of("thread=second") + "<p>end</p>");
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);
  WsClient poster(test.server);
  post_ok(poster, "first", "older in first");
  post_ok(poster, "first", "newer in first");
  post_ok(poster, "second", "第二个话题的评论");

  const auto page = http_get(test.server, "/two.html");
  CHECK(page.status == 200);
  const auto first = http_get(test.server, "/embed/latest?thread=first&limit=1&lang=en");
  const auto second = http_get(test.server, "/embed/latest?thread=second");
  CAPTURE(page.body);
  CHECK(page.body == "<p>one</p>" + first.body + "<p>two</p>" + second.body + "<p>end</p>");
  CHECK(page.body.find(R"(lang="en")") != std::string::npos);
  CHECK(page.body.find("older in first") == std::string::npos);  // limit=1
  CHECK(page.body.find("网友评论") != std::string::npos);
}

TEST_CASE("includes: a bad query becomes a comment saying what is wrong; the page is served") {
  TempDir site;
  write_file(site / "web/bad.html",
             "<h1>标题</h1>" + include_of("thread=t&limit=500") + "<p>正文</p>");
  write_file(site / "web/no-thread.html", "<p>a</p><!--#include virtual=\"/embed/latest\" --><p>b</p>");
  write_file(site / "web/dashes.html", "<p>a</p>" + include_of("thread=t&x--y=1") + "<p>b</p>");
  write_file(site / "web/amp.html",
             "<p>a</p>" + include_of("thread=t&amp;limit=5") + "<p>b</p>");
  write_file(site / "web/variable.html", "<p>a</p>" + include_of("thread=$uri") + "<p>b</p>");
  write_file(site / "web/extra.html",
             "<p>a</p><!--#include virtual=\"/embed/latest?thread=t\" set=\"x\" --><p>b</p>");
  write_file(site / "web/unquoted.html",
             "<p>a</p><!--#include virtual=/embed/latest?thread=t --><p>b</p>");
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);

  const auto bad = http_get(test.server, "/bad.html");
  CHECK(bad.status == 200);
  CHECK(bad.body ==
        "<h1>标题</h1><!-- comments include: limit must be a whole number from 1 to 50 --><p>正文</p>");

  const auto no_thread = http_get(test.server, "/no-thread.html");
  CHECK(no_thread.status == 200);
  CHECK(no_thread.body.starts_with("<p>a</p><!-- comments include: thread is required"));
  CHECK(no_thread.body.ends_with(" --><p>b</p>"));

  struct Case {
    const char* target;
    const char* says;  // part of the explanation
  };
  for (const Case& c : {Case{"/no-thread.html", "thread is required"},
                        Case{"/dashes.html", "unknown parameter"},
                        Case{"/amp.html", "not &amp;amp;"},
                        Case{"/variable.html", "variables"},
                        Case{"/extra.html", "not set="},
                        Case{"/unquoted.html", "cannot read the directive"}}) {
    CAPTURE(c.target);
    const auto page = http_get(test.server, c.target);
    CHECK(page.status == 200);
    CAPTURE(page.body);
    CHECK(page.body.starts_with("<p>a</p><!-- comments include: "));
    CHECK(page.body.ends_with(" --><p>b</p>"));
    CHECK(page.body.find("<!--#") == std::string::npos);
    const std::string comment = problem_comment(page.body);
    CHECK(comment.find(c.says) != std::string::npos);
    // Nothing in the explanation can end the comment or open markup.
    CHECK(comment.find("--") == std::string::npos);
    CHECK(comment.find('<') == std::string::npos);
    CHECK(comment.find('>') == std::string::npos);
    CHECK(page.header("etag").empty());
  }
  CHECK(problem_comment(http_get(test.server, "/dashes.html").body).find("x- -y") !=
        std::string::npos);
}

TEST_CASE("includes: other directives and ordinary comments are left untouched") {
  TempDir site;
  const std::string html =
      "<!-- an ordinary comment --><!--#echo var=\"DATE_LOCAL\" -->"
      "<!--#include virtual=\"/footer.html\" --><!--#include file=\"x.html\" -->"
      "<!--#include virtual=\"/embed/latestx?thread=t\" --><!--#config timefmt=\"%Y\" -->"
      "<p>页面</p><!--#include virtual=\"/embed/latest?thread=t\"";  // never closed
  write_file(site / "web/other.html", html);
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);

  const auto page = http_get(test.server, "/other.html");
  CHECK(page.status == 200);
  CHECK(page.body == html);
  // Without an include it is a plain file: it keeps its ETag.
  CHECK_FALSE(page.header("etag").empty());
}

TEST_CASE("includes: a page without a directive keeps its ETag and 304; bigger pages are plain") {
  TempDir site;
  write_file(site / "web/plain.html", "<!doctype html><p>没有评论区</p>");
  // Over the 1 MiB bound: served as the file it is, directive and all.
  const std::string big = include_of("thread=t") + std::string(1u << 20, 'x');
  write_file(site / "web/big.html", big);
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);

  const auto plain = http_get(test.server, "/plain.html");
  CHECK(plain.status == 200);
  CHECK(plain.header("cache-control") == "no-cache");
  const std::string etag = plain.header("etag");
  REQUIRE_FALSE(etag.empty());
  const auto revalidated = http_get(test.server, "/plain.html", {{"If-None-Match", etag}});
  CHECK(revalidated.status == 304);
  CHECK(revalidated.body.empty());

  const auto large = http_get(test.server, "/big.html");
  CHECK(large.status == 200);
  CHECK(large.body == big);
  CHECK_FALSE(large.header("etag").empty());
}

TEST_CASE("includes: HEAD gives the headers of the page GET would send, without the body") {
  TempDir site;
  write_file(site / "web/article.html", "<div>" + include_of("thread=head-thread") + "</div>");
  write_file(site / "web/plain.html", "<p>plain</p>");
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);
  WsClient poster(test.server);
  post_ok(poster, "head-thread", "评论");

  const auto got = http_get(test.server, "/article.html");
  const auto head = http_head(test.server, "/article.html");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("content-length") == std::to_string(got.body.size()));
  CHECK(head.header("content-type") == "text/html; charset=utf-8");
  CHECK(head.header("cache-control") == "no-cache");
  CHECK(head.header("etag").empty());

  const auto plain_head = http_head(test.server, "/plain.html");
  CHECK(plain_head.status == 200);
  CHECK(plain_head.body.empty());
  CHECK(plain_head.header("content-length") == "12");
  CHECK_FALSE(plain_head.header("etag").empty());
}

// The server remembers which pages it found without includes (keyed on path,
// size and mtime) and answers them as plain files without reading them; a
// page that changes is scanned again. It does not remember files written in
// the last two seconds, so the test dates its writes back, as a deploy that
// keeps modification times (rsync -t) does.
TEST_CASE("includes: a page known to have no include stays a plain file until it changes") {
  TempDir site;
  const auto file = site / "web/page.html";
  const std::string directive = include_of("thread=cache-thread&limit=5");
  // The first version has no include and exactly the size of the second.
  const std::string plain_html = "<p>" + std::string(directive.size(), 'x') + "</p>";
  write_file(file, plain_html);
  const auto deployed = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
  std::filesystem::last_write_time(file, deployed);
  ServerOptions options;
  options.web = site / "web";
  TestServer test(options);
  WsClient poster(test.server);
  post_ok(poster, "cache-thread", "缓存之后仍然看得到的评论");

  const auto plain = http_get(test.server, "/page.html");
  CHECK(plain.status == 200);
  CHECK(plain.body == plain_html);
  const std::string etag = plain.header("etag");
  REQUIRE_FALSE(etag.empty());
  const auto revalidated = http_get(test.server, "/page.html", {{"If-None-Match", etag}});
  CHECK(revalidated.status == 304);
  CHECK(revalidated.body.empty());
  CHECK(revalidated.header("etag") == etag);

  // The answer comes from what the first scan found: the same size and mtime
  // (the ETag's key too) are not read again, so a directive slipped in
  // without changing either is sent as it is. No editor or deploy does this.
  const std::string same_key_html = "<p>" + directive + "</p>";
  REQUIRE(same_key_html.size() == plain_html.size());
  write_file(file, same_key_html);
  std::filesystem::last_write_time(file, deployed);
  const auto unread = http_get(test.server, "/page.html");
  CHECK(unread.status == 200);
  CHECK(unread.header("etag") == etag);
  CHECK(unread.body == same_key_html);

  // Rewritten with an include (another size and mtime): scanned again, put
  // together with the comments, and the old ETag no longer makes it a 304.
  const std::string before = "<main>文章</main><div id=\"comments\">";
  const std::string after = "</div>";
  write_file(file, before + directive + after);
  std::filesystem::last_write_time(file, deployed + std::chrono::hours(1));
  const auto fragment = http_get(test.server, "/embed/latest?thread=cache-thread&limit=5");
  REQUIRE(fragment.status == 200);
  const auto assembled = http_get(test.server, "/page.html", {{"If-None-Match", etag}});
  CHECK(assembled.status == 200);
  CHECK(assembled.body == before + fragment.body + after);
  CHECK(assembled.body.find("缓存之后仍然看得到的评论") != std::string::npos);
  CHECK(assembled.header("etag").empty());
  CHECK(assembled.header("cache-control") == "no-cache");

  // And back to a plain page: a plain file again, with the new file's ETag.
  const std::string plain_again = "<p>评论区已移走</p>";
  write_file(file, plain_again);
  std::filesystem::last_write_time(file, deployed + std::chrono::hours(2));
  const auto replain = http_get(test.server, "/page.html", {{"If-None-Match", etag}});
  CHECK(replain.status == 200);
  CHECK(replain.body == plain_again);
  const std::string new_etag = replain.header("etag");
  CHECK_FALSE(new_etag.empty());
  CHECK(new_etag != etag);
  CHECK(http_get(test.server, "/page.html", {{"If-None-Match", new_etag}}).status == 304);
}

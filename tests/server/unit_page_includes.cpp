// Finding /embed/latest includes in a page (nginx SSI syntax), the problem
// comment, and splicing the answers in.
#include <doctest/doctest.h>

#include "http/page_includes.hpp"

using namespace comments::server;

namespace {

const EmbedQuery& query_of(const EmbedInclude& include) {
  REQUIRE_MESSAGE(include.request.ok(), include.request.error().message);
  return *include.request;
}

const comments::Error& problem_of(const EmbedInclude& include) {
  REQUIRE_FALSE(include.request.ok());
  return include.request.error();
}

}  // namespace

TEST_CASE("includes: the spellings nginx accepts are found, with their place in the page") {
  const std::string page =
      "<p>a</p><!--#include virtual=\"/embed/latest?thread=%2Fa%2Fb.html&limit=3&lang=en\" -->"
      "<p>b</p><!--# include virtual='/embed/latest?thread=k' -->"
      "<!--#include virtual = \"/embed/latest?thread=q\\\"x\"-->";
  const auto found = find_embed_includes(page);
  REQUIRE(found.size() == 3);

  CHECK(found[0].offset == 8);
  CHECK(page.substr(found[0].offset, found[0].length) ==
        "<!--#include virtual=\"/embed/latest?thread=%2Fa%2Fb.html&limit=3&lang=en\" -->");
  CHECK(query_of(found[0]).thread == "/a/b.html");
  CHECK(query_of(found[0]).limit == 3);
  CHECK(query_of(found[0]).lang == EmbedLang::en);

  CHECK(page.substr(found[1].offset, found[1].length) ==
        "<!--# include virtual='/embed/latest?thread=k' -->");
  CHECK(query_of(found[1]).thread == "k");
  CHECK(query_of(found[1]).limit == 10);
  CHECK(query_of(found[1]).lang == EmbedLang::zh_cn);

  CHECK(query_of(found[2]).thread == "q\"x");  // \" inside a value is the quote
  CHECK(found[2].offset + found[2].length == page.size());
}

TEST_CASE("includes: directives that are not ours are not listed") {
  CHECK(find_embed_includes("<!-- plain --><!--#echo var=\"x\" --><!--#include file=\"a\" -->"
                            "<!--#include virtual=\"/other?thread=t\" -->"
                            "<!--#include virtual=\"/embed/latest/x?thread=t\" -->"
                            "<!--#INCLUDE virtual=\"/embed/latest?thread=t\" -->"
                            "<!--#include file=unquoted -->")
            .empty());
  // Not terminated: not a directive.
  CHECK(find_embed_includes("<!--#include virtual=\"/embed/latest?thread=t\" ").empty());
}

TEST_CASE("includes: a directive meant for /embed/latest that cannot be used says why") {
  const auto found = find_embed_includes(
      "<!--#include virtual=\"/embed/latest?thread=t&lang=fr\" -->"
      "<!--#include virtual=\"/embed/latest?thread=t&amp;limit=3\" -->"
      "<!--#include virtual=\"/embed/latest?thread=${uri}\" -->"
      "<!--#include virtual=\"/embed/latest?thread=t\" wait=\"yes\" -->"
      "<!--#include virtual=\"/embed/latest?thread=t -->");
  REQUIRE(found.size() == 5);
  CHECK(problem_of(found[0]).message == "lang must be zh-CN or en");
  CHECK(problem_of(found[1]).message.find("not &amp;") != std::string::npos);
  CHECK(problem_of(found[2]).message.find("variables") != std::string::npos);
  CHECK(problem_of(found[3]).message.find("not wait=") != std::string::npos);
  CHECK(problem_of(found[4]).message.find("cannot read") != std::string::npos);
  using comments::ErrorId;
  CHECK(problem_of(found[0]).id == ErrorId::embed_lang_unknown);
  CHECK(problem_of(found[1]).id == ErrorId::include_unknown_param);
  CHECK(problem_of(found[2]).id == ErrorId::include_nginx_variable);
  CHECK(problem_of(found[3]).id == ErrorId::include_extra_param);
  CHECK(problem_of(found[4]).id == ErrorId::include_unreadable);
}

TEST_CASE("includes: the problem comment is escaped and holds no \"--\"") {
  CHECK(include_problem_comment("a <b> & \"c\"") ==
        "<!-- comments include: a &lt;b&gt; &amp; &quot;c&quot; -->");
  CHECK(include_problem_comment("x--y---z-") == "<!-- comments include: x- -y- - -z- -->");
}

TEST_CASE("includes: splicing replaces each directive with its text") {
  const std::string page = "A<!--#include virtual=\"/embed/latest?thread=1\" -->B"
                           "<!--#include virtual=\"/embed/latest?thread=2\" -->";
  const auto found = find_embed_includes(page);
  REQUIRE(found.size() == 2);
  CHECK(splice_includes(page, found, {"[one]", "[two]"}) == "A[one]B[two]");
  CHECK(splice_includes("no includes", {}, {}) == "no includes");
}

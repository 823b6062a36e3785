// js_message (the reader's widget's view of server frames) under Node: JSON
// text in through the JS engine's JSON.parse, fields read with their types
// checked, and a comment object accepted or refused exactly as core's
// nlohmann-based comment_from_json does (both go through read_comment).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "comments/comment.hpp"
#include "common/js_message.hpp"

using cmweb::js::val;
namespace js = cmweb::js;

namespace {

const std::string valid_comment =
    R"({"id":42,"thread":"2020-11-11-caowenze","parent":7,"author":"长三角读者",)"
    R"("body":"数字赋能 🚄\n第二行","created":1605107052000,"status":"pending","pinned":true,"flags":2})";

// `valid_comment` with one field's JSON replaced (or removed when `value` is empty).
std::string with_field(const std::string& key, const std::string& value) {
  auto object = nlohmann::json::parse(valid_comment, nullptr, false);
  if (value.empty()) {
    object.erase(key);
  } else {
    object[key] = nlohmann::json::parse(value, nullptr, false);
  }
  return object.dump();
}

}  // namespace

TEST_CASE("frames that are not JSON objects are recognised, not crashed on") {
  CHECK(js::parse("{\"type\":").isUndefined());
  CHECK(js::parse("").isUndefined());
  CHECK_FALSE(js::is_object(js::parse("not json")));
  CHECK_FALSE(js::is_object(js::parse("[1,2]")));
  CHECK_FALSE(js::is_object(js::parse("null")));
  CHECK_FALSE(js::is_object(js::parse("\"text\"")));
  CHECK(js::is_object(js::parse("{}")));
}

TEST_CASE("typed field reads") {
  const val m = js::parse(R"({"type":"snapshot","total":12,"half":1.5,"big":9007199254740993,"s":"文字"})");
  CHECK(js::text_at(m, "type") == "snapshot");
  CHECK(js::text_at(m, "total").empty());  // a number, not a string
  CHECK(js::string_at(m, "s") == std::optional<std::string>("文字"));
  CHECK(js::int_at(m, "total") == std::optional<std::int64_t>(12));
  CHECK_FALSE(js::int_at(m, "half").has_value());
  CHECK_FALSE(js::int_at(m, "big").has_value());  // beyond 2^53: not exact in JS
  CHECK_FALSE(js::int_at(m, "type").has_value());
  CHECK_FALSE(js::int_at(m, "missing").has_value());
  CHECK_FALSE(js::int_at(js::parse("[1]"), "0").has_value());
  CHECK(js::text_at(val::undefined(), "type").empty());
}

TEST_CASE("a valid comment object is read in full") {
  const auto c = js::comment_from(js::parse(valid_comment));
  REQUIRE(c.ok());
  CHECK(c->id == 42);
  CHECK(c->thread == "2020-11-11-caowenze");
  CHECK(c->parent == std::optional<std::int64_t>(7));
  CHECK(c->author == "长三角读者");
  CHECK(c->body == "数字赋能 🚄\n第二行");
  CHECK(c->created == 1605107052000);
  CHECK(c->status == comments::Status::pending);
  CHECK(c->pinned);
  CHECK(c->flags == 2);
  const auto top_level = js::comment_from(js::parse(with_field("parent", "null")));
  REQUIRE(top_level.ok());
  CHECK_FALSE(top_level->parent.has_value());
  CHECK_FALSE(c->edited.has_value());
  // Extension: when its author edited it (absent, or not an integer: never).
  const auto edited = js::comment_from(js::parse(with_field("edited", "1605107999000")));
  REQUIRE(edited.ok());
  CHECK(edited->edited == std::optional<std::int64_t>(1605107999000));
  CHECK_FALSE(js::comment_from(js::parse(with_field("edited", "null")))->edited.has_value());
}

TEST_CASE("the widget and core accept and refuse the same comment objects") {
  const std::vector<std::string> cases = {
      valid_comment,
      with_field("parent", "null"),
      with_field("id", ""),
      with_field("parent", ""),
      with_field("flags", ""),
      with_field("id", "\"42\""),
      with_field("id", "4.5"),
      with_field("created", "true"),
      with_field("parent", "\"7\""),
      with_field("author", "null"),
      with_field("body", "12"),
      with_field("thread", "[]"),
      with_field("status", "\"flagged\""),
      with_field("status", "\"Published\""),
      with_field("pinned", "1"),
      with_field("flags", "-1"),
      with_field("flags", "2147483648"),
      with_field("flags", "2147483647"),
      "[]",
      "null",
      "\"comment\"",
  };
  for (const std::string& text : cases) {
    CAPTURE(text);
    const auto from_core = comments::comment_from_json(nlohmann::json::parse(text, nullptr, false));
    const auto from_js = js::comment_from(js::parse(text));
    REQUIRE(from_core.ok() == from_js.ok());
    if (from_js) CHECK(*from_core == *from_js);
    if (!from_js) CHECK(from_core.error().id == from_js.error().id);
  }
  CHECK(js::comment_from(js::parse(with_field("flags", "2147483647"))).ok());
  CHECK_FALSE(js::comment_from(js::parse(with_field("status", "\"flagged\""))).ok());
}

TEST_CASE("comments_at keeps the valid items of an array and nothing else") {
  const std::string frame = R"({"type":"snapshot","comments":[)" + valid_comment + R"(,{"id":1},7,)" +
                            with_field("id", "43") + "]}";
  const auto list = js::comments_at(js::parse(frame), "comments");
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == 42);
  CHECK(list[1].id == 43);
  CHECK(js::comments_at(js::parse(R"({"comments":{"id":1}})"), "comments").empty());
  CHECK(js::comments_at(js::parse(R"({"other":[]})"), "comments").empty());
  CHECK(js::comments_at(js::parse("[]"), "comments").empty());
}

TEST_CASE("requests are written as the protocol's JSON") {
  val post = js::message("post");
  js::set(post, "thread", "t-1");
  js::set(post, "author", "读者 \"引号\"");
  js::set(post, "body", "第一行\n<b>第二行</b>");
  js::set_null(post, "parent");
  js::set(post, "limit", std::int64_t{50});
  const auto written = nlohmann::json::parse(js::stringify(post), nullptr, false);
  REQUIRE(written.is_object());
  CHECK(written == nlohmann::json{{"type", "post"},
                                  {"thread", "t-1"},
                                  {"author", "读者 \"引号\""},
                                  {"body", "第一行\n<b>第二行</b>"},
                                  {"parent", nullptr},
                                  {"limit", 50}});
}

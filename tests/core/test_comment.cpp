// The comment model: status names, to_json, and comment_from_json as the
// browser client reads server frames (nullopt on anything malformed).
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "comments/comment.hpp"
#include "comments/protocol.hpp"

using namespace comments;
using nlohmann::json;

namespace {

Comment full_comment() {
  Comment c;
  c.id = 9007199254740993;  // beyond double precision: must survive as an integer
  c.thread = "2020-11-11-caowenze";
  c.parent = 12;
  c.author = "长三角读者";
  c.body = "数字赋能 🚄\n第二行";
  c.created = 1605107052000;
  c.status = Status::pending;
  c.pinned = true;
  c.flags = 2;
  c.likes = 3;
  return c;
}

json comment_json(const Comment& c) {
  json j;
  to_json(j, c);
  return j;
}

}  // namespace

TEST_CASE("status names") {
  for (const Status s : {Status::published, Status::pending, Status::rejected, Status::deleted}) {
    const auto back = parse_status(to_string(s));
    REQUIRE(back.has_value());
    CHECK(*back == s);
  }
  CHECK(to_string(Status::deleted) == "deleted");
  CHECK_FALSE(parse_status("Published").has_value());
  CHECK_FALSE(parse_status("flagged").has_value());
  CHECK_FALSE(parse_status("").has_value());
}

TEST_CASE("to_json writes every contract field and the likes extension") {
  Comment c = full_comment();
  c.likes = 7;
  json j = comment_json(c);
  CHECK(j.size() == 10);
  CHECK(j["likes"] == 7);
  CHECK(j["id"] == 9007199254740993);
  CHECK(j["thread"] == c.thread);
  CHECK(j["parent"] == 12);
  CHECK(j["author"] == c.author);
  CHECK(j["body"] == c.body);
  CHECK(j["created"] == 1605107052000);
  CHECK(j["status"] == "pending");
  CHECK(j["pinned"] == true);
  CHECK(j["flags"] == 2);

  c.parent.reset();
  CHECK(comment_json(c)["parent"].is_null());
}

TEST_CASE("comment_from_json round-trips, also through a serialised frame") {
  const Comment c = full_comment();
  const auto direct = comment_from_json(comment_json(c));
  REQUIRE(direct.ok());
  CHECK(*direct == c);

  const json frame = json::parse(ack_message(std::nullopt, c), nullptr, false);
  REQUIRE(frame.is_object());
  const auto from_frame = comment_from_json(frame["comment"]);
  REQUIRE(from_frame.ok());
  CHECK(*from_frame == c);

  Comment root = c;
  root.parent.reset();
  root.status = Status::published;
  root.pinned = false;
  root.flags = 0;
  const auto back = comment_from_json(comment_json(root));
  REQUIRE(back.ok());
  CHECK(*back == root);
}

namespace {
// The id comment_from_json fails with (server_failed when it does not fail).
comments::ErrorId failure_of(const json& j) {
  const auto read = comment_from_json(j);
  CHECK_FALSE(read.ok());
  return read ? comments::ErrorId::server_failed : read.error().id;
}
}  // namespace

TEST_CASE("comment_from_json: missing fields give comment_field_missing") {
  const json good = comment_json(full_comment());
  for (const char* field :
       {"id", "thread", "parent", "author", "body", "created", "status", "pinned", "flags"}) {
    CAPTURE(field);
    json j = good;
    j.erase(field);
    const auto read = comment_from_json(j);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().id == comments::ErrorId::comment_field_missing);
    CHECK_FALSE(read.error().message.empty());
  }
  CHECK(failure_of(json::array()) == comments::ErrorId::comment_not_object);
  CHECK(failure_of(json(nullptr)) == comments::ErrorId::comment_not_object);
  CHECK(failure_of(json("comment")) == comments::ErrorId::comment_not_object);
  // Unknown extra fields are ignored.
  json extra = good;
  extra["reply_count"] = 3;
  CHECK(comment_from_json(extra).ok());
}

TEST_CASE("comment_from_json: mistyped fields give comment_field_missing, bad values comment_field_invalid") {
  const json good = comment_json(full_comment());
  const std::pair<const char*, json> bad[] = {
      {"id", "42"},
      {"id", 4.5},
      {"id", json(18446744073709551615ULL)},  // beyond int64
      {"thread", 5},
      {"thread", nullptr},
      {"parent", "12"},
      {"parent", 1.5},
      {"author", nullptr},
      {"author", json::array()},
      {"body", 1},
      {"created", "yesterday"},
      {"status", 0},
      {"pinned", 1},
      {"pinned", "true"},
      {"flags", false},
  };
  for (const auto& field_and_value : bad) {
    const char* field = field_and_value.first;  // named, not bound: CAPTURE needs a variable
    const std::string value_text = field_and_value.second.dump();
    CAPTURE(field);
    CAPTURE(value_text);
    json j = good;
    j[field] = field_and_value.second;
    CHECK(failure_of(j) == comments::ErrorId::comment_field_missing);
  }
  const std::pair<const char*, json> out_of_range[] = {
      {"status", "hidden"},
      {"flags", -1},
      {"flags", 4294967296LL},
  };
  for (const auto& field_and_value : out_of_range) {
    const char* field = field_and_value.first;
    CAPTURE(field);
    json j = good;
    j[field] = field_and_value.second;
    CHECK(failure_of(j) == comments::ErrorId::comment_field_invalid);
  }
}

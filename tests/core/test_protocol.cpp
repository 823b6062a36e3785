// parse_client_message: every request type, every error path, hostile input;
// and the shape of every server message. Runs natively and as Wasm under Node.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "comments/limits.hpp"
#include "comments/protocol.hpp"
#include "xorshift.hpp"

using namespace comments;
using nlohmann::json;

namespace {

template <typename T>
T request_of(std::string_view frame) {
  const ClientMessage message = parse_client_message(frame);
  if (!message.request) {
    FAIL_CHECK("expected a request, got error: " << message.request.error().message << " for "
                                                 << frame);
    return T{};
  }
  const T* request = std::get_if<T>(&*message.request);
  CHECK_MESSAGE(request != nullptr, "wrong request type for " << frame);
  return request ? *request : T{};
}

// A refused frame as the error reply will carry it.
struct Failure {
  ErrorId id = ErrorId::server_failed;
  ErrorCode code = ErrorCode::internal;  // wire_code(id)
  std::string message;
  Req req;
};

Failure error_of(std::string_view frame) {
  const ClientMessage message = parse_client_message(frame);
  CHECK_MESSAGE(!message.request, "expected an error for " << frame);
  if (message.request) return Failure{ErrorId::server_failed, ErrorCode::internal, "no error", {}};
  const Error& e = message.request.error();
  return Failure{e.id, wire_code(e.id), e.message, message.req};
}

ErrorCode code_of(std::string_view frame) { return error_of(frame).code; }
ErrorId id_of(std::string_view frame) { return error_of(frame).id; }

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

json parsed(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  CHECK_FALSE(j.is_discarded());
  return j;
}

Comment sample_comment() {
  Comment c;
  c.id = 42;
  c.thread = "2020-11-11-caowenze";
  c.author = "网友";
  c.body = "长三角一体化 👍 <b>not html</b>";
  c.created = 1605107052000;
  return c;
}

}  // namespace

TEST_CASE("bad_json: not parseable or not an object") {
  for (const char* frame : {"", "   ", "not json", "{", "{\"type\":\"join\"", "{} trailing",
                            "[1,2]", "\"join\"", "42", "null", "true", "{'type':'join'}"}) {
    CAPTURE(frame);
    const Failure e = error_of(frame);
    CHECK(e.code == ErrorCode::bad_json);
    CHECK_FALSE(e.req.has_value());
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("type: missing or not a string is bad_request, req echoed when valid") {
  Failure e = error_of(R"({"req":"r1"})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.req == "r1");
  CHECK(e.message.find("type") != std::string::npos);

  for (const char* frame : {R"({"type":7})", R"({"type":null})", R"({"type":["join"]})",
                            R"({"type":{"name":"join"}})"}) {
    CAPTURE(frame);
    CHECK(code_of(frame) == ErrorCode::bad_request);
  }
  // A bad req is never echoed, even when type is also wrong.
  e = error_of(R"({"req":5})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK_FALSE(e.req.has_value());
}

TEST_CASE("unknown type is bad_request with req") {
  const Failure e = error_of(R"({"type":"subscribe","req":"abc"})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.req == "abc");
  CHECK(e.message.find("type") != std::string::npos);
  CHECK(code_of(R"({"type":"JOIN","thread":"a"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"","thread":"a"})") == ErrorCode::bad_request);
}

TEST_CASE("req: string of at most 64 code points, echoed; anything else is bad_request without req") {
  const std::string ascii64 = repeat("r", 64);
  ClientMessage r = parse_client_message(R"({"type":"join","thread":"t","req":")" + ascii64 + "\"}");
  REQUIRE(r.request.ok());
  CHECK(r.req == ascii64);

  // 64 Chinese characters are 192 bytes but 64 characters: accepted.
  const std::string cjk64 = repeat("评", 64);
  r = parse_client_message(R"({"type":"join","thread":"t","req":")" + cjk64 + "\"}");
  REQUIRE(r.request.ok());
  CHECK(r.req == cjk64);

  // The empty string is a string of at most 64 characters: accepted and echoed.
  r = parse_client_message(R"({"type":"join","thread":"t","req":""})");
  REQUIRE(r.request.ok());
  CHECK(r.req == std::string());

  // No req at all.
  r = parse_client_message(R"({"type":"join","thread":"t"})");
  REQUIRE(r.request.ok());
  CHECK_FALSE(r.req.has_value());

  for (const std::string& frame :
       {R"({"type":"join","thread":"t","req":")" + repeat("r", 65) + "\"}",
        R"({"type":"join","thread":"t","req":")" + repeat("评", 65) + "\"}",
        std::string(R"({"type":"join","thread":"t","req":7})"),
        std::string(R"({"type":"join","thread":"t","req":null})"),
        std::string(R"({"type":"join","thread":"t","req":["a"]})"),
        std::string(R"({"type":"join","thread":"t","req":{"a":1}})"),
        std::string(R"({"type":"nope","req":false})")}) {
    CAPTURE(frame);
    const Failure e = error_of(frame);
    CHECK(e.code == ErrorCode::bad_request);
    CHECK_FALSE(e.req.has_value());
    CHECK(e.message.find("req") != std::string::npos);
  }
}

TEST_CASE("join") {
  JoinRequest j = request_of<JoinRequest>(R"({"type":"join","thread":"2020-11-11-caowenze"})");
  CHECK(j.thread == "2020-11-11-caowenze");
  CHECK(j.limit == limits::default_join_limit);

  j = request_of<JoinRequest>(R"({"type":"join","thread":"文章/长三角","limit":50,"extra":{"x":[1]}})");
  CHECK(j.thread == "文章/长三角");
  CHECK(j.limit == 50);
  CHECK(request_of<JoinRequest>(R"({"type":"join","thread":"a","limit":1})").limit == 1);
  CHECK(request_of<JoinRequest>(R"({"type":"join","thread":"a","limit":null})").limit == 10);

  const std::string key200 = repeat("长", 200);
  CHECK(request_of<JoinRequest>(R"({"type":"join","thread":")" + key200 + "\"}").thread == key200);
  // Whitespace is allowed in a key and kept exactly (keys are not trimmed).
  CHECK(request_of<JoinRequest>(R"({"type":"join","thread":" a b "})").thread == " a b ");
}

TEST_CASE("join: an article title and link are kept when valid, left out otherwise") {
  JoinRequest j = request_of<JoinRequest>(R"({"type":"join","thread":"t","title":"  标题  ","url":"https://example.com/a?b=1"})");
  CHECK(j.title == "标题");
  CHECK(j.url == "https://example.com/a?b=1");
  j = request_of<JoinRequest>(R"({"type":"join","thread":"t","url":"HTTP://Example.com/"})");
  CHECK(j.url == "HTTP://Example.com/");
  CHECK_FALSE(j.title);
  for (const char* url : {"javascript:alert(1)", "ftp://x.example/", "https://", "https:///path", "//x.example/",
                          "https://a b.example/", "data:text/html,x"}) {
    CAPTURE(url);
    const json frame = {{"type", "join"}, {"thread", "t"}, {"url", url}, {"title", "ok"}};
    j = request_of<JoinRequest>(frame.dump());
    CHECK_FALSE(j.url);
    CHECK(j.title == "ok");
  }
  const json long_url = {{"type", "join"}, {"thread", "t"}, {"url", "https://x.example/" + std::string(2000, 'a')}};
  CHECK_FALSE(request_of<JoinRequest>(long_url.dump()).url);
  const json long_title = {{"type", "join"}, {"thread", "t"}, {"title", std::string(201, 'a')}};
  CHECK_FALSE(request_of<JoinRequest>(long_title.dump()).title);
  const json title_200 = {{"type", "join"}, {"thread", "t"}, {"title", std::string(200, 'a')}};
  CHECK(request_of<JoinRequest>(title_200.dump()).title);
  CHECK_FALSE(request_of<JoinRequest>(R"({"type":"join","thread":"t","title":"a\u0007b"})").title);
  CHECK_FALSE(request_of<JoinRequest>(R"({"type":"join","thread":"t","title":"   "})").title);
  CHECK(code_of(R"({"type":"join","thread":"t","title":5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"join","thread":"t","url":[]})") == ErrorCode::bad_request);
}

TEST_CASE("join errors") {
  CHECK(code_of(R"({"type":"join"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"join","thread":null})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"join","thread":12})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"join","thread":["a"]})") == ErrorCode::bad_request);

  for (const std::string& thread :
       {std::string(""), repeat("a", 201), repeat("长", 201), std::string("a\\u0000b"),
        std::string("line\\nbreak"), std::string("tab\\t"), std::string("del\\u007f"),
        std::string("c1\\u0085")}) {
    CAPTURE(thread);
    const Failure e = error_of(R"({"type":"join","req":"q","thread":")" + thread + "\"}");
    CHECK(e.code == ErrorCode::invalid);
    CHECK(e.req == "q");
    CHECK(e.message.find("thread") != std::string::npos);
  }

  // limit: integers 1-50 only.
  for (const char* limit : {"0", "51", "-1", "1000000", "-9223372036854775808"}) {
    CAPTURE(limit);
    const Failure e = error_of(std::string(R"({"type":"join","thread":"a","limit":)") + limit + "}");
    CHECK(e.code == ErrorCode::invalid);
    CHECK(e.message == "limit must be an integer from 1 to 50.");
  }
  for (const char* limit : {"10.5", "10.0", "1e1", "\"10\"", "true", "[10]", "{}",
                            "9223372036854775808", "18446744073709551615",
                            "18446744073709551616"}) {
    CAPTURE(limit);
    const Failure e = error_of(std::string(R"({"type":"join","thread":"a","limit":)") + limit + "}");
    CHECK(e.code == ErrorCode::bad_request);
    CHECK(e.message == "limit must be an integer from 1 to 50.");
  }
  // Beyond the range of a double, nlohmann refuses the number itself.
  CHECK(code_of(R"({"type":"join","thread":"a","limit":1e400})") == ErrorCode::bad_json);
  CHECK(code_of(R"({"type":"join","thread":"a","limit":-1e400})") == ErrorCode::bad_json);
}

TEST_CASE("leave") {
  CHECK(request_of<LeaveRequest>(R"({"type":"leave","thread":"k"})").thread == "k");
  CHECK(code_of(R"({"type":"leave"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"leave","thread":""})") == ErrorCode::invalid);
}

TEST_CASE("more") {
  MoreRequest m = request_of<MoreRequest>(R"({"type":"more","thread":"k","before":120})");
  CHECK(m.thread == "k");
  CHECK(m.before == 120);
  CHECK(m.limit == 10);
  m = request_of<MoreRequest>(R"({"type":"more","thread":"k","before":9223372036854775807,"limit":50})");
  CHECK(m.before == INT64_MAX);
  CHECK(m.limit == 50);

  CHECK(code_of(R"({"type":"more","thread":"k"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"more","thread":"k","before":"120"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"more","thread":"k","before":12.5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"more","thread":"k","before":9223372036854775808})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"more","thread":"k","before":1e30})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"more","thread":"k","before":0})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"more","thread":"k","before":-5})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"more","thread":"k","before":5,"limit":51})") == ErrorCode::invalid);
  CHECK(error_of(R"({"type":"more","thread":"k","before":-5})").message.find("before") !=
        std::string::npos);
}

TEST_CASE("post: text rules") {
  PostRequest p = request_of<PostRequest>(
      R"({"type":"post","thread":"k","author":"曹文泽","body":"推进长三角一体化 🚄","parent":null})");
  CHECK(p.thread == "k");
  CHECK(p.author == "曹文泽");
  CHECK(p.body == "推进长三角一体化 🚄");
  CHECK_FALSE(p.parent.has_value());

  // Trimmed of Unicode White_Space, U+3000 (full-width space) included; inner text kept.
  p = request_of<PostRequest>(
      "{\"type\":\"post\",\"thread\":\"k\",\"author\":\"\u3000 小王\\t\",\"body\":\"\u3000\\n第一行\\n第二行 \u3000\",\"parent\":7}");
  CHECK(p.author == "小王");
  CHECK(p.body == "第一行\n第二行");
  CHECK(p.parent == 7);

  // Empty, blank, missing or null author: the anonymous name.
  for (const char* author : {R"(,"author":"")", R"(,"author":"   ")", ",\"author\":\"\u3000\u3000\"",
                             R"(,"author":"\u00a0\n")", R"(,"author":null)", ""}) {
    CAPTURE(author);
    p = request_of<PostRequest>(std::string(R"({"type":"post","thread":"k","body":"hi")") + author + "}");
    CHECK(p.author == "网友");
  }

  // Author and body limits count code points after trimming.
  const std::string author40 = repeat("名", 40);
  CHECK(request_of<PostRequest>(R"({"type":"post","thread":"k","author":"  )" + author40 +
                                R"(  ","body":"x"})").author == author40);
  const std::string body2000 = repeat("😀", 2000);
  CHECK(request_of<PostRequest>(R"({"type":"post","thread":"k","body":")" + body2000 + " \"}").body ==
        body2000);
}

TEST_CASE("post errors") {
  CHECK(code_of(R"({"type":"post","thread":"k"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","thread":"k","body":null})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","thread":"k","body":5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","body":"x"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","author":5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","author":false})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","parent":"7"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","parent":7.5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","parent":0})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","parent":-3})") == ErrorCode::invalid);

  Failure e = error_of(R"({"type":"post","thread":"k","body":""})");
  CHECK(e.code == ErrorCode::invalid);
  CHECK(e.message.find("body") != std::string::npos);
  CHECK(code_of("{\"type\":\"post\",\"thread\":\"k\",\"body\":\" \u3000\\n\\t\"}") == ErrorCode::invalid);
  e = error_of(R"({"type":"post","thread":"k","body":")" + repeat("字", 2001) + "\"}");
  CHECK(e.code == ErrorCode::invalid);
  CHECK(e.message.find("2000") != std::string::npos);

  e = error_of(R"({"type":"post","thread":"k","body":"x","author":")" + repeat("名", 41) + "\"}");
  CHECK(e.code == ErrorCode::invalid);
  CHECK(e.message.find("author") != std::string::npos);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","author":"a\u0007b"})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"post","thread":"k","body":"x","author":"a\nb"})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"post","thread":"","body":"x"})") == ErrorCode::invalid);

  // A mistyped field is reported before an out-of-bounds one, whatever the order.
  e = error_of(R"({"type":"post","thread":"","body":"x","parent":"1"})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.message.find("parent") != std::string::npos);
}

TEST_CASE("flag") {
  FlagRequest f = request_of<FlagRequest>(R"({"type":"flag","id":42})");
  CHECK(f.id == 42);
  CHECK(f.reason.empty());
  f = request_of<FlagRequest>(R"({"type":"flag","id":42,"reason":"  广告  "})");
  CHECK(f.reason == "广告");
  CHECK(request_of<FlagRequest>(R"({"type":"flag","id":1,"reason":null})").reason.empty());
  const std::string reason500 = repeat("理", 500);
  CHECK(request_of<FlagRequest>(R"({"type":"flag","id":1,"reason":")" + reason500 + "\"}").reason ==
        reason500);

  const Failure e = error_of(R"({"type":"flag","id":1,"reason":")" + repeat("理", 501) + "\"}");
  CHECK(e.code == ErrorCode::invalid);
  CHECK(e.message.find("reason") != std::string::npos);
  CHECK(code_of(R"({"type":"flag","id":1,"reason":3})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"flag"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"flag","id":"42"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"flag","id":0})") == ErrorCode::invalid);
}

TEST_CASE("like: set by default, taken back with liked:false") {
  LikeRequest l = request_of<LikeRequest>(R"({"type":"like","id":42})");
  CHECK(l.id == 42);
  CHECK(l.liked);
  CHECK(request_of<LikeRequest>(R"({"type":"like","id":7,"liked":false})").liked == false);
  CHECK(request_of<LikeRequest>(R"({"type":"like","id":7,"liked":null})").liked);
  CHECK(request_of<LikeRequest>(R"({"type":"like","id":7,"liked":true,"req":"l1"})").liked);

  Failure e = error_of(R"({"type":"like","id":7,"liked":"yes","req":"l2"})");
  CHECK(e.id == ErrorId::field_mistyped);
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.req == Req("l2"));
  CHECK(e.message.find("liked") != std::string::npos);
  CHECK(id_of(R"({"type":"like"})") == ErrorId::field_missing);
  CHECK(id_of(R"({"type":"like","id":"42"})") == ErrorId::field_mistyped);
  CHECK(id_of(R"({"type":"like","id":-1})") == ErrorId::number_out_of_range);
}

TEST_CASE("hot: a thread's most liked, limit 1-50 (default 10)") {
  HotRequest h = request_of<HotRequest>(R"({"type":"hot","thread":"k"})");
  CHECK(h.thread == "k");
  CHECK(h.limit == 10);
  CHECK(request_of<HotRequest>(R"({"type":"hot","thread":"k","limit":50})").limit == 50);
  CHECK(id_of(R"({"type":"hot","thread":"k","limit":51})") == ErrorId::number_out_of_range);
  CHECK(id_of(R"({"type":"hot","thread":"k","limit":0})") == ErrorId::number_out_of_range);
  CHECK(id_of(R"({"type":"hot","thread":""})") == ErrorId::thread_key_invalid);
  CHECK(id_of(R"({"type":"hot"})") == ErrorId::field_missing);
}

TEST_CASE("auth") {
  CHECK(request_of<AuthRequest>(R"({"type":"auth","token":"s3cret"})").token == "s3cret");
  CHECK(code_of(R"({"type":"auth"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"auth","token":123})") == ErrorCode::bad_request);
  const Failure e = error_of(R"({"type":"auth","token":null,"req":"x"})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.req == "x");
  CHECK(e.message.find("token") != std::string::npos);
}

TEST_CASE("queue") {
  QueueRequest q = request_of<QueueRequest>(R"({"type":"queue","status":"pending"})");
  CHECK(q.status == QueueStatus::pending);
  CHECK(q.limit == limits::default_queue_limit);
  CHECK_FALSE(q.thread.has_value());
  CHECK_FALSE(q.author.has_value());
  CHECK_FALSE(q.text.has_value());
  CHECK_FALSE(q.before.has_value());

  for (const QueueStatus s : {QueueStatus::published, QueueStatus::pending, QueueStatus::rejected,
                              QueueStatus::deleted, QueueStatus::flagged, QueueStatus::all}) {
    const std::string frame = R"({"type":"queue","status":")" + std::string(to_string(s)) + "\"}";
    CHECK(request_of<QueueRequest>(frame).status == s);
  }

  q = request_of<QueueRequest>(
      R"({"type":"queue","status":"all","thread":"k","author":"网友","text":"长三角","before":99,"limit":100})");
  CHECK(q.thread == "k");
  CHECK(q.author == "网友");
  CHECK(q.text == "长三角");
  CHECK(q.before == 99);
  CHECK(q.limit == 100);
  // Empty search strings and nulls mean "no filter".
  q = request_of<QueueRequest>(R"({"type":"queue","status":"all","author":"","text":"","thread":null})");
  CHECK_FALSE(q.author.has_value());
  CHECK_FALSE(q.text.has_value());
  CHECK_FALSE(q.thread.has_value());

  Failure e = error_of(R"({"type":"queue","status":"spam"})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.message == "status must be one of published, pending, rejected, deleted, flagged or all.");
  CHECK(code_of(R"({"type":"queue"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"queue","status":1})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"queue","status":"all","limit":101})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"queue","status":"all","limit":0})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"queue","status":"all","limit":"5"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"queue","status":"all","thread":""})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"queue","status":"all","thread":5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"queue","status":"all","author":5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"queue","status":"all","text":[]})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"queue","status":"all","before":0})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"queue","status":"all","author":")" + repeat("a", 41) + "\"}") ==
        ErrorCode::invalid);
}

TEST_CASE("moderate") {
  const std::pair<const char*, ModerateAction> actions[] = {
      {"approve", ModerateAction::approve}, {"reject", ModerateAction::reject},
      {"delete", ModerateAction::remove},   {"pin", ModerateAction::pin},
      {"unpin", ModerateAction::unpin}};
  for (const auto& [label, action] : actions) {
    const ModerateRequest m = request_of<ModerateRequest>(
        std::string(R"({"type":"moderate","id":7,"action":")") + label + "\"}");
    CHECK(m.id == 7);
    CHECK(m.action == action);
    CHECK(to_string(action) == label);
  }
  Failure e = error_of(R"({"type":"moderate","id":7,"action":"remove","req":"m1"})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.req == "m1");
  CHECK(e.message.find("action") != std::string::npos);
  CHECK(code_of(R"({"type":"moderate","id":7})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"moderate","id":7,"action":1})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"moderate","action":"pin"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"moderate","id":-7,"action":"pin"})") == ErrorCode::invalid);
}

TEST_CASE("ban") {
  CHECK(request_of<BanRequest>(R"({"type":"ban","id":3})").id == 3);
  CHECK(code_of(R"({"type":"ban"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","id":true})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","id":0})") == ErrorCode::invalid);
  // Extension: duration and reason; without them a ban is for good.
  CHECK(request_of<BanRequest>(R"({"type":"ban","id":3})").duration == BanDuration::permanent);
  const BanRequest week = request_of<BanRequest>(R"({"type":"ban","id":3,"duration":"7d","reason":"  广告  "})");
  CHECK(week.duration == BanDuration::week);
  CHECK(week.reason == "广告");
  CHECK(request_of<BanRequest>(R"({"type":"ban","id":3,"duration":"1d"})").duration == BanDuration::day);
  CHECK(code_of(R"({"type":"ban","id":3,"duration":"1w"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","id":3,"reason":5})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"ban","id":3,"reason":")" + std::string(501, 'x') + R"("})") == ErrorCode::invalid);
  CHECK(duration_ms(BanDuration::day) == 86'400'000);
  CHECK(duration_ms(BanDuration::week) == 7 * 86'400'000LL);
  CHECK_FALSE(duration_ms(BanDuration::permanent));
}

TEST_CASE("bans and unban") {
  request_of<BansRequest>(R"({"type":"bans"})");
  CHECK(request_of<UnbanRequest>(R"({"type":"unban","poster":"0a1b2c3d4e5f"})").poster == "0a1b2c3d4e5f");
  CHECK(code_of(R"({"type":"unban"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"unban","poster":"0A1B2C"})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"unban","poster":"abc"})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"unban","poster":")" + std::string(65, 'a') + R"("})") == ErrorCode::invalid);

  BanEntry b;
  b.poster = "0a1b2c3d4e5f67890";
  b.at = 5;
  b.moderator = "alice";
  b.comment = 9;
  b.author = "张三";
  b.excerpt = "spam";
  b.posts = 3;
  const json bans = json::parse(bans_message(Req{"r"}, {b}, 12));
  CHECK(bans == json::parse(R"({"type":"bans","req":"r","bans":[{"poster":"0a1b2c3d4e5f","at":5,"expires":null,
    "moderator":"alice","reason":"","comment":9,"author":"张三","excerpt":"spam","posts":3}]})"));
  CHECK(json::parse(ban_ok_message(Req{}, "0a1b2c3d4e5f", 99)) ==
        json::parse(R"({"type":"ok","poster":"0a1b2c3d4e5f","expires":99})"));
}

TEST_CASE("queue items carry their context, the reply the queues' totals") {
  Comment c;
  c.id = 7;
  c.thread = "t";
  c.author = "a";
  c.body = "b";
  c.status = Status::pending;
  QueueContext word;
  word.held = "word:敏感词";
  word.parent_author = "Ann";
  word.parent_body = "parent";
  word.title = "标题";
  word.url = "https://example.com/";
  word.poster = "0a1b2c";
  QueueContext flagged;
  flagged.reasons = {{"spam", 2}, {"abuse", 1}};
  QueueContext links;
  links.held = "links:3";
  const json q = json::parse(queue_message(Req{"q"}, {c, c, c}, {word, flagged, links}, QueueCounts{4, 1}));
  CHECK(q["counts"] == json::parse(R"({"pending":4,"flagged":1})"));
  REQUIRE(q["items"].size() == 3);
  CHECK(q["items"][0]["id"] == 7);
  CHECK(q["items"][0]["context"] == json::parse(R"({"held":{"why":"word","word":"敏感词"},"reasons":[],
    "parent":{"author":"Ann","body":"parent"},"title":"标题","url":"https://example.com/","poster":"0a1b2c"})"));
  CHECK(q["items"][1]["context"]["held"].is_null());
  CHECK(q["items"][1]["context"]["reasons"] == json::parse(R"([{"reason":"spam","count":2},{"reason":"abuse","count":1}])"));
  CHECK(q["items"][2]["context"]["held"] == json::parse(R"({"why":"links","links":3})"));
  // Items read as comments still.
  CHECK(comment_from_json(q["items"][0]));
}

TEST_CASE("filters") {
  FiltersRequest f = request_of<FiltersRequest>(R"({"type":"filters"})");
  CHECK(f.is_read());
  f = request_of<FiltersRequest>(R"({"type":"filters","banned":null,"suspect":null})");
  CHECK(f.is_read());

  f = request_of<FiltersRequest>(R"({"type":"filters","banned":["敏感词","spam"],"suspect":[]})");
  CHECK_FALSE(f.is_read());
  REQUIRE(f.banned.has_value());
  CHECK(*f.banned == std::vector<std::string>{"敏感词", "spam"});
  REQUIRE(f.suspect.has_value());
  CHECK(f.suspect->empty());

  f = request_of<FiltersRequest>(R"({"type":"filters","suspect":["推广"]})");
  CHECK_FALSE(f.banned.has_value());
  REQUIRE(f.suspect.has_value());
  CHECK(f.suspect->size() == 1);

  Failure e = error_of(R"({"type":"filters","banned":"spam"})");
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.message == "banned must be an array of strings.");
  CHECK(code_of(R"({"type":"filters","suspect":["a",1]})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"filters","suspect":[["a"]]})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"filters","suspect":{"a":1}})") == ErrorCode::bad_request);
  // A word that folds to nothing (only punctuation and spaces) is invalid.
  e = error_of(R"({"type":"filters","banned":["ok","!!! ..."]})");
  CHECK(e.code == ErrorCode::invalid);
  CHECK_FALSE(e.message.empty());
  CHECK(code_of(R"({"type":"filters","suspect":[""]})") == ErrorCode::invalid);
}

TEST_CASE("audit") {
  AuditRequest a = request_of<AuditRequest>(R"({"type":"audit"})");
  CHECK_FALSE(a.before.has_value());
  CHECK(a.limit == 50);
  a = request_of<AuditRequest>(R"({"type":"audit","before":10,"limit":100})");
  CHECK(a.before == 10);
  CHECK(a.limit == 100);
  CHECK(code_of(R"({"type":"audit","limit":101})") == ErrorCode::invalid);
  CHECK(code_of(R"({"type":"audit","before":"10"})") == ErrorCode::bad_request);
  CHECK(code_of(R"({"type":"audit","before":-1})") == ErrorCode::invalid);
}

TEST_CASE("hostile input: deep nesting never builds a deep tree") {
  const std::size_t depth = 30000;
  const std::string nested = repeat("[", depth) + repeat("]", depth);
  const std::string inside_object = R"({"type":"join","thread":"a","req":"deep","junk":)" + nested + "}";
  REQUIRE(inside_object.size() <= limits::max_frame_bytes);
  Failure e = error_of(inside_object);
  CHECK(e.code == ErrorCode::bad_request);
  CHECK(e.req == "deep");
  CHECK(e.message.find("deeper") != std::string::npos);

  CHECK(code_of(nested) == ErrorCode::bad_json);
  CHECK(code_of(repeat("[", 65000)) == ErrorCode::bad_json);
  CHECK(code_of(R"({"type":"join","thread":)" + repeat("[", 60000)) == ErrorCode::bad_json);
  std::string objects;
  for (std::size_t i = 0; i < 10000; ++i) objects += R"({"a":)";
  objects += "1" + repeat("}", 10000);
  CHECK(code_of(objects) == ErrorCode::bad_request);  // an object, nested too deep

  // Modest nesting in a field the server does not know is ignored.
  CHECK(request_of<JoinRequest>(R"({"type":"join","thread":"a","meta":{"x":[[[{"y":[1]}]]]}})").thread ==
        "a");
}

TEST_CASE("hostile input: odd but valid JSON") {
  // Duplicate keys: the last one counts (nlohmann's rule).
  CHECK(request_of<JoinRequest>(R"({"type":"leave","type":"join","thread":"a"})").thread == "a");
  // Escaped text is decoded before the rules apply: \u3000 is trimmed, \ud83d\ude00 is one emoji.
  const PostRequest p = request_of<PostRequest>(
      R"({"type":"post","thread":"k","body":"\u3000\ud83d\ude00\u3000"})");
  CHECK(p.body == "😀");
  // A lone surrogate escape is not valid JSON text.
  CHECK(code_of(R"({"type":"post","thread":"k","body":"\ud83d"})") == ErrorCode::bad_json);
  // Raw control characters inside strings are not valid JSON.
  CHECK(code_of("{\"type\":\"join\",\"thread\":\"a\x01\"}") == ErrorCode::bad_json);
  // Invalid UTF-8 (the server closes such frames first; the parser refuses them too).
  CHECK(code_of("{\"type\":\"join\",\"thread\":\"\xff\"}") == ErrorCode::bad_json);
}

TEST_CASE("each kind of refused frame has its stable id") {
  const std::string deep = R"({"type":"join","thread":"a","junk":)" + repeat("[", 40) + repeat("]", 40) + "}";
  const std::pair<std::string, ErrorId> cases[] = {
      {"not json", ErrorId::message_not_json},
      {"[1,2]", ErrorId::message_not_object},
      {R"({"req":"r1"})", ErrorId::type_missing},
      {R"({"type":"subscribe"})", ErrorId::type_unknown},
      {R"({"type":"join","thread":"t","req":7})", ErrorId::req_invalid},
      {deep, ErrorId::nesting_too_deep},
      {R"({"type":"join"})", ErrorId::field_missing},
      {R"({"type":"join","thread":null})", ErrorId::field_missing},
      {R"({"type":"join","thread":12})", ErrorId::field_mistyped},
      {R"({"type":"join","thread":"a","limit":10.5})", ErrorId::field_mistyped},
      {R"({"type":"filters","banned":"spam"})", ErrorId::field_mistyped},
      {R"({"type":"queue","status":"spam"})", ErrorId::choice_unknown},
      {R"({"type":"moderate","id":7,"action":"remove"})", ErrorId::choice_unknown},
      {R"({"type":"join","thread":"a","limit":51})", ErrorId::number_out_of_range},
      {R"({"type":"flag","id":0})", ErrorId::number_out_of_range},
      {R"({"type":"join","thread":""})", ErrorId::thread_key_invalid},
      {R"({"type":"post","thread":"k","body":"x","author":")" + repeat("名", 41) + "\"}",
       ErrorId::author_too_long},
      {R"({"type":"post","thread":"k","body":"x","author":"a\u0007b"})", ErrorId::author_control_chars},
      {R"({"type":"post","thread":"k","body":"  "})", ErrorId::body_empty},
      {R"({"type":"post","thread":"k","body":")" + repeat("字", 2001) + "\"}", ErrorId::body_too_long},
      {R"({"type":"flag","id":1,"reason":")" + repeat("理", 501) + "\"}", ErrorId::flag_reason_too_long},
      {R"({"type":"queue","status":"all","text":")" + repeat("a", 2001) + "\"}",
       ErrorId::search_text_too_long},
      {R"({"type":"filters","banned":["ok","!!! ..."]})", ErrorId::filter_word_folds_to_nothing},
      {R"({"type":"filters","suspect":[")" + repeat("词", 101) + "\"]}", ErrorId::filter_word_too_long},
      {R"({"type":"filters","banned":[)" + repeat(R"("w",)", limits::max_filter_words) + R"("w"]})",
       ErrorId::filter_list_too_long},
      {R"({"type":"like","id":1,"liked":1})", ErrorId::field_mistyped},
      {R"({"type":"hot","thread":"k","limit":99})", ErrorId::number_out_of_range},
      // A mistyped field wins over an out-of-bounds one, whatever the order.
      {R"({"type":"post","thread":"","body":"x","parent":"1"})", ErrorId::field_mistyped},
  };
  for (const auto& frame_and_id : cases) {
    const std::string& frame = frame_and_id.first;  // named, not bound: CAPTURE needs a variable
    CAPTURE(frame);
    CHECK(id_of(frame) == frame_and_id.second);
  }
}

TEST_CASE("wire_code: each id's code on the wire") {
  const std::pair<ErrorId, ErrorCode> codes[] = {
      {ErrorId::message_not_json, ErrorCode::bad_json},
      {ErrorId::message_not_object, ErrorCode::bad_json},
      {ErrorId::type_unknown, ErrorCode::bad_request},
      {ErrorId::field_mistyped, ErrorCode::bad_request},
      {ErrorId::binary_frame, ErrorCode::bad_request},
      {ErrorId::number_out_of_range, ErrorCode::invalid},
      {ErrorId::body_empty, ErrorCode::invalid},
      {ErrorId::filter_list_too_long, ErrorCode::invalid},
      {ErrorId::post_blocked, ErrorCode::blocked},
      {ErrorId::rate_limited, ErrorCode::rate_limited},
      {ErrorId::messages_too_fast, ErrorCode::rate_limited},
      {ErrorId::likes_too_fast, ErrorCode::rate_limited},
      {ErrorId::connections_per_address_full, ErrorCode::rate_limited},
      {ErrorId::connections_full, ErrorCode::rate_limited},
      {ErrorId::embed_rate_limited, ErrorCode::rate_limited},
      {ErrorId::poster_banned, ErrorCode::banned},
      {ErrorId::not_moderator, ErrorCode::unauthorized},
      {ErrorId::token_wrong, ErrorCode::unauthorized},
      {ErrorId::comment_not_found, ErrorCode::not_found},
      {ErrorId::server_failed, ErrorCode::internal},
      {ErrorId::option_unknown, ErrorCode::internal},  // never sent
  };
  for (const auto& id_and_code : codes) {
    const std::string_view id_name = name(id_and_code.first);
    CAPTURE(id_name);
    CHECK(wire_code(id_and_code.first) == id_and_code.second);
  }
}

// ---- Server messages ---------------------------------------------------------

TEST_CASE("error message shape") {
  const ErrorReply limit{Error{ErrorId::number_out_of_range, "limit must be an integer from 1 to 50."}, "7", {}};
  CHECK(error_message(limit) ==
        R"({"type":"error","req":"7","code":"invalid","message":"limit must be an integer from 1 to 50."})");
  const ErrorReply not_json{Error{ErrorId::message_not_json, "The message is not valid JSON."}, {}, {}};
  CHECK(error_message(not_json) ==
        R"({"type":"error","code":"bad_json","message":"The message is not valid JSON."})");
  const ErrorReply limited{Error{ErrorId::rate_limited, "Too many posts."}, "p", 1500};
  const json j = parsed(error_message(limited));
  CHECK(j["code"] == "rate_limited");
  CHECK(j["retry_after_ms"] == 1500);

  const std::pair<ErrorCode, const char*> codes[] = {
      {ErrorCode::bad_json, "bad_json"},         {ErrorCode::bad_request, "bad_request"},
      {ErrorCode::invalid, "invalid"},           {ErrorCode::blocked, "blocked"},
      {ErrorCode::rate_limited, "rate_limited"}, {ErrorCode::banned, "banned"},
      {ErrorCode::unauthorized, "unauthorized"}, {ErrorCode::not_found, "not_found"},
      {ErrorCode::internal, "internal"}};
  for (const auto& [code, label] : codes) CHECK(to_string(code) == label);
}

TEST_CASE("reply shapes echo req and keep UTF-8 as is") {
  const Comment c = sample_comment();
  const std::string ack = ack_message(std::string("p1"), c);
  CHECK(ack.rfind(R"({"type":"ack","req":"p1","comment":{"id":42,"thread":"2020-11-11-caowenze",)", 0) == 0);
  CHECK(ack.find("网友") != std::string::npos);         // not \u-escaped
  CHECK(ack.find("👍") != std::string::npos);
  CHECK(ack.find('\n') == std::string::npos);          // compact
  CHECK(parsed(ack)["comment"]["body"] == c.body);

  CHECK(ok_message(std::nullopt) == R"({"type":"ok"})");
  CHECK(ok_message(std::string("x")) == R"({"type":"ok","req":"x"})");
  CHECK(ok_role_message(std::string("a"), "moderator") == R"({"type":"ok","req":"a","role":"moderator"})");

  json j = parsed(ok_comment_message(std::nullopt, c));
  CHECK(j["type"] == "ok");
  CHECK_FALSE(j.contains("req"));
  CHECK(j["comment"]["id"] == 42);

  j = parsed(snapshot_message(std::string("s"), "k", 12, {c}, {}));
  CHECK(j["type"] == "snapshot");
  CHECK(j["req"] == "s");
  CHECK(j["thread"] == "k");
  CHECK(j["total"] == 12);
  CHECK(j["comments"].size() == 1);
  CHECK(j["pinned"].is_array());
  CHECK(j["pinned"].empty());

  j = parsed(page_message(std::nullopt, "k", {c, c}));
  CHECK(j["type"] == "page");
  CHECK(j["thread"] == "k");
  CHECK(j["comments"].size() == 2);

  j = parsed(queue_message(std::string("q"), {}));
  CHECK(j == json::parse(R"({"type":"queue","req":"q","items":[]})"));

  j = parsed(filters_message(std::nullopt, {"敏感词"}, {"推广", "加微信"}));
  CHECK(j == json::parse(R"({"type":"filters","banned":["敏感词"],"suspect":["推广","加微信"]})"));
}

TEST_CASE("event shapes carry total and no req") {
  Comment c = sample_comment();
  c.parent = 41;
  json j = parsed(comment_event(c, 7));
  CHECK(j["type"] == "comment");
  CHECK(j["total"] == 7);
  CHECK(j["comment"]["parent"] == 41);
  CHECK_FALSE(j.contains("req"));

  c.status = Status::deleted;
  j = parsed(update_event(c, 6));
  CHECK(j["type"] == "update");
  CHECK(j["total"] == 6);
  CHECK(j["comment"]["status"] == "deleted");

  c.status = Status::pending;
  c.flags = 3;
  j = parsed(queued_event(c));
  CHECK(j["type"] == "queued");
  CHECK(j["comment"]["flags"] == 3);
  CHECK_FALSE(j.contains("total"));
}

TEST_CASE("audit shapes") {
  AuditEntry e;
  e.id = 5;
  e.at = 1605107052000;
  e.action = "approve";
  e.comment = 42;
  e.thread = "k";
  e.moderator = "m-1";
  e.detail = "pending -> published";
  CHECK(audit_event(e) ==
        R"({"type":"audited","entry":{"id":5,"at":1605107052000,"action":"approve","comment":42,"thread":"k","moderator":"m-1","detail":"pending -> published"}})");
  AuditEntry filters_entry;
  filters_entry.id = 6;
  filters_entry.action = "filters";
  const json j = parsed(audit_message(std::string("a"), {filters_entry, e}));
  CHECK(j["type"] == "audit");
  CHECK(j["req"] == "a");
  REQUIRE(j["entries"].size() == 2);
  CHECK(j["entries"][0]["comment"].is_null());
  CHECK(j["entries"][1]["comment"] == 42);
}

TEST_CASE("serialisers survive invalid UTF-8 by replacing it") {
  Comment c = sample_comment();
  c.body = "ok\xff\xfe";
  const std::string text = ack_message(std::nullopt, c);
  const json j = parsed(text);
  CHECK(j["comment"]["body"] == "ok\xEF\xBF\xBD\xEF\xBF\xBD");
}

// ---- the server's JSON writer against nlohmann's dump ---------------------------
// core/src/json_text.hpp writes server messages directly; they must stay byte
// for byte what building an ordered_json and dumping it (with `replace` for
// invalid UTF-8) gave before, for any text a comment may hold.

namespace {

using ordered_json = nlohmann::ordered_json;

std::string dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

ordered_json reference_comment(const Comment& c) {
  ordered_json j = ordered_json::object();
  j["id"] = c.id;
  j["thread"] = c.thread;
  j["parent"] = c.parent ? ordered_json(*c.parent) : ordered_json(nullptr);
  j["author"] = c.author;
  j["body"] = c.body;
  j["created"] = c.created;
  j["status"] = to_string(c.status);
  j["pinned"] = c.pinned;
  j["flags"] = c.flags;
  j["likes"] = c.likes;
  return j;
}

ordered_json reference_reply(std::string_view type, const Req& req) {
  ordered_json j = ordered_json::object();
  j["type"] = type;
  if (req) j["req"] = *req;
  return j;
}

// Text of every kind a frame may carry: ASCII, the characters JSON escapes
// (all controls, quotes, backslashes), DEL, CJK, astral characters, and now
// and then bytes that are not UTF-8 at all.
std::string random_text(comments::testing::Xorshift& rng) {
  static const std::string pieces[] = {
      "a", "Z", " ", "\"", "\\", "/", "\x7f", "网友", "评论", "😀", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf",
      "\xff", "\xc0\xaf", "\xe2\x82", "\xed\xa0\x80", "\xf0\x9f", "é", "<script>", "\u2028", "{}[],:"};
  std::string s;
  const std::size_t n = rng.below(12);
  for (std::size_t i = 0; i < n; ++i) {
    if (rng.below(4) == 0) {
      s += static_cast<char>(rng.below(0x20));  // a control character
    } else {
      s += pieces[rng.below(std::size(pieces))];
    }
  }
  return s;
}

Comment random_comment(comments::testing::Xorshift& rng) {
  Comment c;
  c.id = static_cast<std::int64_t>(rng.next() >> 1);
  c.thread = random_text(rng);
  if (rng.below(2)) c.parent = static_cast<std::int64_t>(rng.next() >> 2);
  c.author = random_text(rng);
  c.body = random_text(rng);
  c.created = static_cast<std::int64_t>(rng.next() >> 1) * (rng.below(2) ? 1 : -1);
  c.status = static_cast<Status>(rng.below(4));
  c.pinned = rng.below(2) == 1;
  c.flags = static_cast<int>(rng.below(1000));
  c.likes = static_cast<int>(rng.below(100000));
  return c;
}

}  // namespace

TEST_CASE("like shapes: the reply, the hot list, the likes event; comments carry likes") {
  Comment c = sample_comment();
  c.likes = 3;
  CHECK(like_ok_message(std::string("l"), 42, 3, true) ==
        R"({"type":"ok","req":"l","id":42,"likes":3,"liked":true})");
  CHECK(like_ok_message(std::nullopt, 42, 0, false) == R"({"type":"ok","id":42,"likes":0,"liked":false})");
  json j;
  j = parsed(likes_event(c, 9));
  CHECK(j["type"] == "likes");
  CHECK(j["comment"]["id"] == 42);
  CHECK(j["comment"]["likes"] == 3);
  CHECK(j["total"] == 9);
  CHECK(j.size() == 3);  // no req
  j = parsed(hot_message(std::string("h"), "k", {c}));
  CHECK(j["type"] == "hot");
  CHECK(j["req"] == "h");
  CHECK(j["thread"] == "k");
  CHECK(j["comments"][0]["likes"] == 3);
  CHECK(parsed(ack_message(std::nullopt, c))["comment"]["likes"] == 3);

  // Read back as the browser reads a comment: likes is optional (0 when a
  // server sends none), an out-of-range count reads as 0.
  json object = parsed(ack_message(std::nullopt, c))["comment"];
  CHECK(comment_from_json(object).value().likes == 3);
  object.erase("likes");
  CHECK(comment_from_json(object).value().likes == 0);
  object["likes"] = -4;
  CHECK(comment_from_json(object).value().likes == 0);
}

TEST_CASE("server messages are byte for byte what nlohmann's dump wrote") {
  comments::testing::Xorshift rng{0x2545F4914F6CDD1DULL};
  for (int round = 0; round < 3000; ++round) {
    const Comment c = random_comment(rng);
    const Req req = rng.below(3) ? Req(random_text(rng)) : Req(std::nullopt);
    const std::int64_t total = static_cast<std::int64_t>(rng.below(1'000'000));

    ordered_json ack = reference_reply("ack", req);
    ack["comment"] = reference_comment(c);
    CHECK(ack_message(req, c) == dump(ack));

    ordered_json event = reference_reply("comment", std::nullopt);
    event["comment"] = reference_comment(c);
    event["total"] = total;
    CHECK(comment_event(c, total) == dump(event));

    ordered_json update = reference_reply("update", std::nullopt);
    update["comment"] = reference_comment(c);
    update["total"] = total;
    CHECK(update_event(c, total) == dump(update));

    const std::vector<Comment> list{c, random_comment(rng)};
    ordered_json snapshot = reference_reply("snapshot", req);
    snapshot["thread"] = c.thread;
    snapshot["total"] = total;
    snapshot["comments"] = ordered_json::array({reference_comment(list[0]), reference_comment(list[1])});
    snapshot["pinned"] = ordered_json::array();
    CHECK(snapshot_message(req, c.thread, total, list, {}) == dump(snapshot));

    const std::vector<std::string> words{random_text(rng), random_text(rng)};
    ordered_json filters = reference_reply("filters", req);
    filters["banned"] = words;
    filters["suspect"] = ordered_json::array();
    CHECK(filters_message(req, words, {}) == dump(filters));

    AuditEntry entry{static_cast<std::int64_t>(rng.below(1000)), c.created, random_text(rng),
                     rng.below(2) ? std::optional<std::int64_t>(c.id) : std::nullopt, c.thread,
                     random_text(rng), random_text(rng)};
    ordered_json audited = reference_reply("audited", std::nullopt);
    ordered_json e = ordered_json::object();
    e["id"] = entry.id;
    e["at"] = entry.at;
    e["action"] = entry.action;
    e["comment"] = entry.comment ? ordered_json(*entry.comment) : ordered_json(nullptr);
    e["thread"] = entry.thread;
    e["moderator"] = entry.moderator;
    e["detail"] = entry.detail;
    audited["entry"] = e;
    CHECK(audit_event(entry) == dump(audited));

    ErrorReply error{Error{ErrorId::rate_limited, random_text(rng)}, req,
                     rng.below(2) ? std::optional<std::int64_t>(1234) : std::nullopt};
    ordered_json err = reference_reply("error", req);
    err["code"] = "rate_limited";
    err["message"] = error.error.message;
    if (error.retry_after_ms) err["retry_after_ms"] = *error.retry_after_ms;
    CHECK(error_message(error) == dump(err));
  }
}

// ---- An author's own comments (extension: edit, delete, own) ----------------

namespace {
const std::string secret32 = "0123456789abcdef0123456789abcdef";
}

TEST_CASE("edit and delete: id, the ack's secret, a body checked as a post's") {
  const auto edit = request_of<EditRequest>(R"({"type":"edit","req":"e","id":42,"secret":")" + secret32 +
                                            R"(","body":"　改过的文字\n"})");
  CHECK(edit.id == 42);
  CHECK(edit.secret == secret32);
  CHECK(edit.body == "改过的文字");
  const auto del = request_of<DeleteRequest>(R"({"type":"delete","id":7,"secret":")" + secret32 + R"("})");
  CHECK(del.id == 7);
  CHECK(del.secret == secret32);

  CHECK(id_of(R"({"type":"edit","id":42,"body":"x"})") == ErrorId::field_missing);
  CHECK(id_of(R"({"type":"edit","id":42,"secret":5,"body":"x"})") == ErrorId::field_mistyped);
  CHECK(id_of(R"({"type":"edit","id":42,"secret":")" + secret32 + R"("})") == ErrorId::field_missing);
  CHECK(id_of(R"({"type":"edit","id":42,"secret":")" + secret32 + R"(","body":" "})") == ErrorId::body_empty);
  CHECK(id_of(R"({"type":"edit","id":0,"secret":")" + secret32 + R"(","body":"x"})") ==
        ErrorId::number_out_of_range);
  // Not what an ack gives: upper case, too short, too long, not hex.
  for (const std::string& bad : {std::string(32, 'A'), std::string(31, 'a'), std::string(33, 'a'),
                                std::string(32, 'g')}) {
    CAPTURE(bad);
    const Failure f = error_of(R"({"type":"delete","id":1,"secret":")" + bad + R"("})");
    CHECK(f.id == ErrorId::author_secret_invalid);
    CHECK(f.code == ErrorCode::invalid);
  }
  CHECK(name(ErrorId::author_secret_invalid) == "comments.comment.213");
}

TEST_CASE("own: a thread and at most 100 {id, secret}") {
  const auto own = request_of<OwnRequest>(R"({"type":"own","req":"o","thread":"k","posts":[{"id":3,"secret":")" +
                                          secret32 + R"("},{"id":9,"secret":")" + secret32 + R"("}]})");
  CHECK(own.thread == "k");
  REQUIRE(own.posts.size() == 2);
  CHECK(own.posts[1].id == 9);
  CHECK(own.posts[1].secret == secret32);
  CHECK(request_of<OwnRequest>(R"({"type":"own","thread":"k","posts":[]})").posts.empty());

  CHECK(id_of(R"({"type":"own","thread":"k"})") == ErrorId::field_missing);
  CHECK(id_of(R"({"type":"own","thread":"k","posts":{}})") == ErrorId::field_mistyped);
  CHECK(id_of(R"({"type":"own","thread":"k","posts":[5]})") == ErrorId::field_mistyped);
  CHECK(id_of(R"({"type":"own","thread":"k","posts":[{"id":3}]})") == ErrorId::field_missing);
  CHECK(id_of(R"({"type":"own","thread":"k","posts":[{"id":3,"secret":"xyz"}]})") == ErrorId::author_secret_invalid);
  CHECK(id_of(R"({"type":"own","thread":"","posts":[]})") == ErrorId::thread_key_invalid);
  std::string many = R"({"type":"own","thread":"k","posts":[)";
  for (std::size_t i = 0; i <= limits::max_own_posts; ++i) {
    many += (i ? "," : "") + std::string(R"({"id":1,"secret":")") + secret32 + "\"}";
  }
  many += "]}";
  const Failure f = error_of(many);
  CHECK(f.id == ErrorId::own_list_too_long);
  CHECK(f.code == ErrorCode::invalid);
}

TEST_CASE("an author's refusals: stable ids and codes") {
  CHECK(name(ErrorId::author_secret_wrong) == "comments.refused.714");
  CHECK(wire_code(ErrorId::author_secret_wrong) == ErrorCode::unauthorized);
  CHECK(name(ErrorId::edit_window_closed) == "comments.refused.715");
  CHECK(wire_code(ErrorId::edit_window_closed) == ErrorCode::invalid);
}

TEST_CASE("ack with the author's secret; own reply; edited comments say when") {
  Comment c = sample_comment();
  json j = parsed(ack_message(std::string("p"), c, secret32, 1000));
  CHECK(j["type"] == "ack");
  CHECK(j["req"] == "p");
  CHECK(j["secret"] == secret32);
  CHECK(j["edit_until"] == 1000);
  CHECK_FALSE(j["comment"].contains("edited"));  // left out until edited

  c.edited = 1605107999000;
  c.status = Status::pending;
  j = parsed(own_message(std::string("o"), "k", {c}, 600000));
  CHECK(j["type"] == "own");
  CHECK(j["req"] == "o");
  CHECK(j["thread"] == "k");
  CHECK(j["edit_window_ms"] == 600000);
  REQUIRE(j["comments"].size() == 1);
  CHECK(j["comments"][0]["edited"] == 1605107999000);
  CHECK(j["comments"][0]["status"] == "pending");

  // The browser reads it back; a comment without it has none.
  const auto back = comment_from_json(j["comments"][0]);
  REQUIRE(back.ok());
  CHECK(back->edited == c.edited);
  CHECK(*back == c);
  CHECK_FALSE(comment_from_json(json(sample_comment()))->edited);
}

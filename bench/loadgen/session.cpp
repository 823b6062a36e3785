#include "session.hpp"

#include <charconv>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket/stream_base.hpp>
#include <nlohmann/json.hpp>

namespace loadgen {

net::awaitable<std::unique_ptr<WsStream>> open_session(const Target& target) {
  auto executor = co_await net::this_coro::executor;
  auto ws = std::make_unique<WsStream>(executor);
  auto& socket = beast::get_lowest_layer(*ws);
  co_await socket.async_connect(target.endpoint, net::use_awaitable);
  // Small frames must leave at once: Nagle plus delayed ACKs would add tens of
  // milliseconds to exactly the latencies being measured.
  socket.set_option(tcp::no_delay(true));
  ws->set_option(beast::websocket::stream_base::decorator([](beast::websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "comments-loadgen");
  }));
  ws->read_message_max(1 << 20);
  co_await ws->async_handshake(target.host_header, "/ws", net::use_awaitable);
  ws->text(true);
  co_return ws;
}

std::string post_body(std::uint64_t seq, std::int64_t sent_ns) {
  // Mixed Chinese and English, like the seed article's readers write (~100 bytes).
  std::string body(body_marker);
  body += std::to_string(seq);
  body += ':';
  body += std::to_string(sent_ns);
  body += ": 推进长三角一体化发展中的基层社会治理 - a fair point, thanks for writing it.";
  return body;
}

namespace {

std::optional<Delivery> parse_marker(std::string_view body_onward) {
  // body_onward starts right after the marker: "<seq>:<ns>:..."
  Delivery d;
  const char* p = body_onward.data();
  const char* end = p + body_onward.size();
  auto [after_seq, ec1] = std::from_chars(p, end, d.seq);
  if (ec1 != std::errc{} || after_seq == end || *after_seq != ':') return std::nullopt;
  auto [after_ns, ec2] = std::from_chars(after_seq + 1, end, d.sent_ns);
  if (ec2 != std::errc{} || after_ns == end || *after_ns != ':') return std::nullopt;
  return d;
}

}  // namespace

std::optional<Delivery> read_delivery(std::string_view frame) {
  static constexpr std::string_view comment_type = R"("type":"comment")";
  static constexpr std::string_view body_key = R"("body":"lg:)";
  if (frame.find(comment_type) != std::string_view::npos) {
    if (auto at = frame.find(body_key); at != std::string_view::npos) {
      if (auto d = parse_marker(frame.substr(at + body_key.size()))) return d;
    }
  }
  // Slow path: any spacing or key order.
  auto j = nlohmann::json::parse(frame, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto type = j.find("type");
  auto comment = j.find("comment");
  if (type == j.end() || !type->is_string() || *type != "comment" || comment == j.end() ||
      !comment->is_object()) {
    return std::nullopt;
  }
  auto body = comment->find("body");
  if (body == comment->end() || !body->is_string()) return std::nullopt;
  const auto& text = body->get_ref<const std::string&>();
  if (!std::string_view(text).starts_with(body_marker)) return std::nullopt;
  return parse_marker(std::string_view(text).substr(body_marker.size()));
}

std::optional<Reply> read_reply(std::string_view frame) {
  auto j = nlohmann::json::parse(frame, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Reply r;
  auto string_field = [&](const char* key, std::string& out) {
    if (auto it = j.find(key); it != j.end() && it->is_string()) out = it->get<std::string>();
  };
  string_field("type", r.type);
  string_field("req", r.req);
  string_field("code", r.code);
  if (auto it = j.find("total"); it != j.end() && it->is_number_integer()) r.total = it->get<std::int64_t>();
  if (auto it = j.find("comments"); it != j.end() && it->is_array()) r.comments = it->size();
  return r;
}

std::string json_quote(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace loadgen

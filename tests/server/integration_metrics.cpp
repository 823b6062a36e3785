// GET /metrics on the --metrics-listen address of the real binary: the
// numbers move by what the test did, and the public port does not serve it.
#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

// "name{labels}" -> value, from the text exposition format.
std::map<std::string, double> scrape(const ServerProcess& server) {
  REQUIRE(server.metrics_port() != 0);
  const HttpResponse response = http_get_at(server.host(), server.metrics_port(), "/metrics");
  REQUIRE(response.status == 200);
  CHECK(response.header("content-type").starts_with("text/plain; version=0.0.4"));
  std::map<std::string, double> values;
  std::istringstream in(response.body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    values[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return values;
}

double delta(const std::map<std::string, double>& before, const std::map<std::string, double>& after,
             const std::string& series) {
  REQUIRE_MESSAGE(after.contains(series), series);
  const auto was = before.find(series);
  return after.at(series) - (was == before.end() ? 0.0 : was->second);
}

}  // namespace

TEST_CASE("/metrics counts posts by outcome, deliveries, commits, and lives only on its own port") {
  ServerOptions options;
  options.extra_args = {"--metrics-listen", "127.0.0.1:0"};
  TempDir dir;
  options.db = dir / "comments.db";
  ServerProcess server(options);

  WsClient moderator(server);
  auth_moderator(moderator);
  const json filters = moderator.request({{"type", "filters"}, {"banned", {"forbiddenword"}}, {"suspect", {"iffyword"}}});
  REQUIRE(filters["type"] == "filters");
  WsClient reader(server);
  REQUIRE(reader.request(join_msg("metered"))["type"] == "snapshot");
  WsClient poster(server);

  const auto before = scrape(server);
  CHECK(before.at("comments_open_connections") == 3);
  CHECK(before.at("comments_joined_threads") == 1);
  CHECK(before.at("comments_moderator_sessions") == 1);
  CHECK(before.at("comments_redis_reconnects_total") == 0);
  CHECK(before.at("comments_redis_publish_lag_seconds_count") == 0);

  for (int i = 0; i < 3; ++i) post_ok(poster, "metered", "plain post " + std::to_string(i));
  for (int i = 0; i < 3; ++i) CHECK(reader.recv("comment")["type"] == "comment");
  CHECK(post_ok(poster, "metered", "an iffyword post")["status"] == "pending");
  const json blocked = poster.request(post_msg("metered", "a forbiddenword post"));
  CHECK(blocked["code"] == "blocked");
  const json orphan = poster.request({{"type", "post"}, {"thread", "metered"}, {"body", "reply"}, {"parent", 999999}});
  CHECK(orphan["type"] == "error");

  const auto after = scrape(server);
  CHECK(delta(before, after, "comments_posts_total{outcome=\"accepted\"}") == 3);
  CHECK(delta(before, after, "comments_posts_total{outcome=\"held\"}") == 1);
  CHECK(delta(before, after, "comments_posts_total{outcome=\"blocked\"}") == 1);
  CHECK(delta(before, after, "comments_posts_total{outcome=\"refused\",reason=\"no_parent\"}") == 1);
  CHECK(delta(before, after, "comments_posts_total{outcome=\"refused\",reason=\"banned\"}") == 0);
  CHECK(delta(before, after, "comments_deliveries_total") == 3);  // 3 comments to the one reader
  CHECK(delta(before, after, "comments_slow_reader_drops_total") == 0);
  // Every post that reached the store went through a group commit (5: the
  // orphan reply too, which the commit answered "not found").
  CHECK(delta(before, after, "comments_store_batch_size_sum") == 5);
  const double commits = delta(before, after, "comments_store_batch_size_count");
  CHECK(commits >= 1);
  CHECK(commits <= 5);
  CHECK(delta(before, after, "comments_store_commit_seconds_count") == commits);
  CHECK(after.at("comments_store_commit_seconds_bucket{le=\"+Inf\"}") ==
        after.at("comments_store_commit_seconds_count"));
  CHECK(after.at("comments_store_batch_size_bucket{le=\"1\"}") <= after.at("comments_store_batch_size_count"));

  // Not on the public port; and the metrics port serves nothing else.
  const HttpResponse public_port = http_get(server, "/metrics");
  CHECK(public_port.status == 404);
  CHECK(public_port.body.find("comments_posts_total") == std::string::npos);
  CHECK(http_get_at(server.host(), server.metrics_port(), "/").status == 404);
}

TEST_CASE("without --metrics-listen there is no metrics listener") {
  TestServer test;
  CHECK(test.server.metrics_port() == 0);
  CHECK(http_get(test.server, "/metrics").status == 404);
}

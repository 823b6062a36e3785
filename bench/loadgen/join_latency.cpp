// join: how long a reader waits for the snapshot of a large thread. One
// connection sends `join` and waits for the reply before the next one, so each
// sample is one request's latency with nothing queued in front of it. The
// first join is reported apart: it is the one that may have to read storage
// (a server with a per-thread cache answers the rest from memory).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "summary.hpp"

namespace loadgen {

namespace {

struct JoinRun {
  std::vector<std::uint32_t> latencies_us;
  std::int64_t first_join_us = -1;
  std::int64_t total = -1;
  std::size_t comments = 0;
  std::vector<std::string> problems;
};

net::awaitable<void> join_loop(const Options& o, const Target& target, JoinRun& run) {
  try {
    auto ws = co_await open_session(target);
    beast::flat_buffer buffer;
    const std::string prefix = R"({"type":"join","thread":)" + json_quote(o.join_thread) +
                               R"(,"limit":)" + std::to_string(o.join_limit) + R"(,"req":")";
    for (int i = 0; i <= o.joins; ++i) {
      const std::string req = std::to_string(i);
      const std::string frame = prefix + req + "\"}";
      const std::int64_t start = now_ns();
      co_await ws->async_write(net::buffer(frame), net::use_awaitable);
      // Read until the reply to this join; live events (none expected) are skipped.
      for (;;) {
        buffer.consume(buffer.size());
        co_await ws->async_read(buffer, net::use_awaitable);
        const std::int64_t elapsed_us = (now_ns() - start) / 1000;
        auto reply = read_reply(frame_text(buffer));
        if (!reply || reply->req != req) continue;
        if (reply->type != "snapshot") {
          run.problems.push_back("join was answered with " + std::string(frame_text(buffer).substr(0, 200)));
          co_return;
        }
        if (i == 0) {
          run.first_join_us = elapsed_us;
          run.total = reply->total;
          run.comments = reply->comments;
        } else {
          run.latencies_us.push_back(static_cast<std::uint32_t>(elapsed_us));
        }
        break;
      }
    }
  } catch (const std::exception& e) {
    run.problems.push_back(std::string("join session failed: ") + e.what());
  }
}

}  // namespace

nlohmann::json run_join(const Options& o, const Target& target) {
  JoinRun run;
  const auto before = sample_processes(o.server_pids);
  {
    net::io_context ioc;
    net::co_spawn(ioc, join_loop(o, target, run), net::detached);
    ioc.run();
  }
  const auto after = sample_processes(o.server_pids);

  if (o.expect_total && run.total != *o.expect_total) {
    run.problems.push_back("the snapshot's total is " + std::to_string(run.total) + ", expected " +
                           std::to_string(*o.expect_total));
  }
  if (run.total >= 0 && run.comments != static_cast<std::size_t>(std::min<std::int64_t>(run.total, o.join_limit))) {
    run.problems.push_back("the snapshot held " + std::to_string(run.comments) + " comments");
  }

  nlohmann::json r;
  r["mode"] = to_string(o.mode);
  r["config"] = {{"thread", o.join_thread}, {"joins", o.joins}, {"limit", o.join_limit}};
  r["thread_total"] = run.total;
  r["first_join_ms"] = static_cast<double>(run.first_join_us) / 1000.0;
  r["latency"] = summarize_us(run.latencies_us);
  if (before && after) {
    r["server_cpu_s"] = after->cpu_s - before->cpu_s;
    r["server_rss_kb_after"] = after->rss_kb;
  }
  r["problems"] = run.problems;
  r["ok"] = run.problems.empty();
  return r;
}

}  // namespace loadgen

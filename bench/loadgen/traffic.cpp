// fanout / threads / ingest / idle: R readers joined to T thread keys, P
// posters posting to those keys either at a fixed total rate (open loop) or
// closed loop with a window of posts in flight per poster, where a post stays
// in flight until it is acked AND delivered to every reader of its thread.
//
// Every post body carries its sequence number and the monotonic time it was
// sent; a reader computes post->delivery latency from it on arrival, with the
// same clock, in the same process. Each post record counts the ack and the
// deliveries still expected, so losses and duplicates are counted exactly.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "summary.hpp"

namespace loadgen {

namespace {

using namespace std::chrono_literals;
using Strand = net::strand<net::io_context::executor_type>;
constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);

net::steady_timer::time_point at_ns(std::int64_t ns) {
  return net::steady_timer::time_point(std::chrono::nanoseconds(ns));
}

std::uint32_t to_us(std::int64_t ns) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(ns / 1000, 0, UINT32_MAX));
}

// Keeps the larger (smaller) of `a` and `v`; 0 in a min slot means unset.
void atomic_max(std::atomic<std::uint32_t>& a, std::uint32_t v) {
  std::uint32_t seen = a.load(std::memory_order_relaxed);
  while (v > seen && !a.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
  }
}
void atomic_min_set(std::atomic<std::uint32_t>& a, std::uint32_t v) {
  std::uint32_t seen = a.load(std::memory_order_relaxed);
  while ((seen == 0 || v < seen) && !a.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
  }
}

struct PostRecord {
  std::atomic<std::int32_t> pending{0};  // the ack + deliveries still expected
  std::atomic<std::uint32_t> last_us{0};  // post -> its last delivery so far
  std::int64_t sent_ns = 0;              // poster's strand only
  std::uint32_t thread = 0;
  std::uint32_t poster = 0;
};

struct ReaderState {
  std::vector<std::uint32_t> latencies_us;
  std::vector<bool> seen;  // --verify: which posts this reader got
  std::uint64_t received = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t strays = 0;  // frames that were not a load generator post
  std::uint64_t frame_bytes = 0;  // of the deliveries, WebSocket header included
  std::int64_t last_ns = 0;
  std::size_t port = 0;  // index into reader_targets
  std::string lost_connection;  // set when the server closed it mid-run
};

struct PosterState {
  explicit PosterState(Strand s) : strand(std::move(s)) {}
  Strand strand;
  // Everything below is touched on `strand` only (and read after the run).
  int in_flight = 0;
  std::weak_ptr<net::steady_timer> wake;  // cancelled when a post completes
  std::uint64_t sent = 0, acked = 0, refused = 0, strays = 0;
  std::vector<std::uint32_t> ack_latencies_us;
  std::int64_t last_ack_ns = 0;
  std::map<std::string, std::uint64_t> error_codes;
  std::string lost_connection;
};

struct PosterConnection {
  std::unique_ptr<WsStream> ws;
  std::shared_ptr<net::steady_timer> wake;
};

class Traffic {
 public:
  Traffic(const Options& o, const std::vector<Target>& poster_targets, const std::vector<Target>& reader_targets)
      : o_(o), poster_targets_(poster_targets), reader_targets_(reader_targets) {
    readers_.resize(static_cast<std::size_t>(o_.readers));
    for (std::size_t i = 0; i < readers_.size(); ++i) readers_[i].port = i % reader_targets_.size();
    readers_per_thread_.assign(static_cast<std::size_t>(o_.threads), 0);
    for (int i = 0; i < o_.readers; ++i) ++readers_per_thread_[static_cast<std::size_t>(i % o_.threads)];
    for (int p = 0; p < o_.posters && o_.mode != Mode::idle; ++p) {
      posters_.push_back(std::make_unique<PosterState>(net::make_strand(ioc_)));
    }
    if (o_.mode != Mode::idle) {
      // Fixed rate: exactly the posts the schedule holds. Closed loop: a cap
      // far above what a few seconds can reach (8 bytes a record).
      max_posts_ = o_.rate > 0
                       ? static_cast<std::uint64_t>(o_.rate * o_.duration_s) + posters_.size() + 16
                       : 4'000'000;
      posts_ = std::make_unique<PostRecord[]>(max_posts_);
      if (o_.verify) {
        for (auto& r : readers_) r.seen.assign(max_posts_, false);
      }
      if (reader_targets_.size() > 1) {
        // Per post and reader port: its first and last delivery there (the
        // hop between instances is the difference between ports, post by post).
        port_first_us_ = std::make_unique<std::atomic<std::uint32_t>[]>(max_posts_ * reader_targets_.size());
        port_last_us_ = std::make_unique<std::atomic<std::uint32_t>[]>(max_posts_ * reader_targets_.size());
      }
    }
  }

  // The posters' strands must go before the io_context's services do (the
  // io_context is the last member, so it is destroyed first). Nothing in the
  // coroutine frames it still holds dereferences a PosterState on the way out.
  ~Traffic() { posters_.clear(); }
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  nlohmann::json run() {
    net::co_spawn(net::make_strand(ioc_), control(), net::detached);
    std::vector<std::thread> extra;
    for (int i = 1; i < o_.io_threads; ++i) extra.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : extra) t.join();
    return report();
  }

 private:
  std::string thread_key(std::size_t t) const { return o_.thread_prefix + "-" + std::to_string(t); }

  void problem(std::string text) {
    std::lock_guard lock(problems_mutex_);
    if (problems_.size() < 20) problems_.push_back(std::move(text));
  }

  // ---- readers ----------------------------------------------------------------

  net::awaitable<void> reader(std::size_t index) {
    ReaderState& me = readers_[index];
    std::unique_ptr<WsStream> ws;
    beast::flat_buffer buffer;
    try {
      ws = co_await open_session(reader_targets_[index % reader_targets_.size()]);
      const std::string join = R"({"type":"join","req":"join","thread":)" +
                               json_quote(thread_key(index % readers_per_thread_.size())) + "}";
      co_await ws->async_write(net::buffer(join), net::use_awaitable);
      co_await ws->async_read(buffer, net::use_awaitable);
      auto reply = read_reply(frame_text(buffer));
      if (!reply || reply->type != "snapshot") {
        throw std::runtime_error("join was answered with " + std::string(frame_text(buffer).substr(0, 200)));
      }
      buffer.consume(buffer.size());
    } catch (const std::exception& e) {
      ++setup_failures_;
      --setups_in_flight_;
      problem(std::string("reader setup failed: ") + e.what());
      co_return;
    }
    ++joined_;
    --setups_in_flight_;

    // From here on the reader takes frames off the socket itself: Beast's
    // read machinery (two recv calls and a composed operation per message)
    // cost the load generator about 4 us per delivery, enough to show up in
    // the latency it measures. Server frames are unmasked and, from both
    // servers, never fragmented. Nothing arrives between the snapshot and
    // this point (posting starts after every reader joined), so Beast holds
    // no unread bytes; if it did, the first header would not parse and the
    // reader would report it.
    tcp::socket socket(std::move(ws->next_layer()));
    ws.reset();
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    std::string pending;  // a frame split across reads
    thread_local std::array<char, 65536> scratch;
    for (;;) {
      auto [wait_error] = co_await socket.async_wait(tcp::socket::wait_read, as_tuple_awaitable);
      if (wait_error) co_return lose(me, wait_error.message());
      for (;;) {
        const std::size_t n = socket.read_some(net::buffer(scratch), ec);
        if (ec == net::error::would_block) break;
        if (ec) co_return lose(me, ec.message());
        const std::int64_t arrived = now_ns();
        std::string_view input(scratch.data(), n);
        if (!pending.empty()) {
          pending.append(input);
          input = pending;
        }
        std::string lost;
        const std::size_t used = take_frames(me, input, arrived, lost);
        if (!lost.empty()) co_return lose(me, lost);
        std::string rest(input.substr(used));
        pending = std::move(rest);
        if (n < scratch.size()) break;
      }
    }
  }

  void lose(ReaderState& me, std::string why) {
    if (stopping_) return;
    me.lost_connection = std::move(why);
    ++lost_readers_;
  }

  // Handles the complete frames at the start of `input`; returns the bytes
  // used. Sets `lost` when the server closed or sent something unreadable.
  std::size_t take_frames(ReaderState& me, std::string_view input, std::int64_t arrived, std::string& lost) {
    std::size_t at = 0;
    while (input.size() - at >= 2) {
      const auto b0 = static_cast<unsigned char>(input[at]);
      const auto b1 = static_cast<unsigned char>(input[at + 1]);
      std::size_t header = 2;
      std::uint64_t length = b1 & 0x7F;
      if (length == 126) header = 4;
      if (length == 127) header = 10;
      if (input.size() - at < header) break;
      if (length == 126) {
        length = (static_cast<unsigned char>(input[at + 2]) << 8) | static_cast<unsigned char>(input[at + 3]);
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | static_cast<unsigned char>(input[at + 2 + i]);
      }
      if ((b1 & 0x80) || (b0 & 0x70) || !(b0 & 0x80) || length > (1u << 24)) {
        lost = "unexpected frame header from the server";
        return at;
      }
      if (input.size() - at - header < length) break;
      const std::string_view payload = input.substr(at + header, static_cast<std::size_t>(length));
      at += header + static_cast<std::size_t>(length);
      const unsigned opcode = b0 & 0x0F;
      if (opcode == 0x8) {
        const int code = payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                                    static_cast<unsigned char>(payload[1])
                                              : 1005;
        lost = "closed by the server (close code " + std::to_string(code) + ")";
        return at;
      }
      if (opcode != 0x1) continue;  // pings (never within a run) and binary frames
      take_delivery(me, payload, header + static_cast<std::size_t>(length), arrived);
    }
    return at;
  }

  void take_delivery(ReaderState& me, std::string_view frame, std::size_t frame_bytes, std::int64_t arrived) {
    auto delivery = read_delivery(frame);
    if (!delivery || delivery->seq >= max_posts_) {
      ++me.strays;
      return;
    }
    ++me.received;
    me.frame_bytes += frame_bytes;
    me.last_ns = arrived;
    const std::uint32_t us = to_us(arrived - delivery->sent_ns);
    me.latencies_us.push_back(us);
    atomic_max(posts_[delivery->seq].last_us, us);
    if (port_first_us_) {
      const std::size_t slot = delivery->seq * reader_targets_.size() + me.port;
      atomic_min_set(port_first_us_[slot], std::max<std::uint32_t>(us, 1));
      atomic_max(port_last_us_[slot], us);
    }
    if (o_.verify) {
      auto bit = me.seen[delivery->seq];
      if (bit) {
        ++me.duplicates;
        return;
      }
      bit = true;
    }
    release(delivery->seq, 1);
  }

  // Counts `parts` (ack or deliveries) of post `seq` as done; the post is
  // complete when nothing more is expected.
  void release(std::uint64_t seq, std::int32_t parts, bool refused = false) {
    PostRecord& post = posts_[seq];
    const std::int32_t before = post.pending.fetch_sub(parts, std::memory_order_acq_rel);
    if (before < parts) {
      ++overdelivered_;
      return;
    }
    if (before != parts) return;
    (refused ? refused_posts_ : completed_posts_).fetch_add(1);
    if (o_.rate > 0) return;  // open loop: nobody waits for completions
    PosterState& poster = *posters_[post.poster];
    net::post(poster.strand, [&poster] {
      --poster.in_flight;
      if (auto wake = poster.wake.lock()) wake->cancel();
    });
  }

  // ---- posters ------------------------------------------------------------------

  std::uint32_t thread_of_post(std::size_t poster, std::uint64_t k) const {
    // Poster p's k-th post goes to (p + k*P) mod T: every key gets posts, evenly.
    return static_cast<std::uint32_t>((poster + k * posters_.size()) % readers_per_thread_.size());
  }

  net::awaitable<void> poster_writer(std::size_t p, std::shared_ptr<PosterConnection> conn) {
    PosterState& me = *posters_[p];
    me.wake = conn->wake;
    const bool fixed_rate = o_.rate > 0;
    const double interval_ns = fixed_rate ? 1e9 * static_cast<double>(posters_.size()) / o_.rate : 0;
    const std::int64_t first_ns =
        t0_ns_ + static_cast<std::int64_t>(interval_ns * static_cast<double>(p) / static_cast<double>(posters_.size()));
    const std::int64_t end_ns = t0_ns_ + static_cast<std::int64_t>(o_.duration_s * 1e9);
    net::steady_timer pace(me.strand);

    for (std::uint64_t k = 0;; ++k) {
      if (fixed_rate) {
        const auto due = first_ns + static_cast<std::int64_t>(interval_ns * static_cast<double>(k));
        if (due >= end_ns) break;
        pace.expires_at(at_ns(due));
        co_await pace.async_wait(as_tuple_awaitable);
      } else {
        while (me.in_flight >= o_.window && now_ns() < end_ns) {
          conn->wake->expires_at(at_ns(end_ns));
          co_await conn->wake->async_wait(as_tuple_awaitable);
        }
        if (now_ns() >= end_ns) break;
      }
      const std::uint64_t seq = next_seq_.fetch_add(1);
      if (seq >= max_posts_) {
        problem("the post cap was reached; raise it or shorten --duration");
        break;
      }
      const std::uint32_t thread = thread_of_post(p, k);
      PostRecord& post = posts_[seq];
      post.poster = static_cast<std::uint32_t>(p);
      post.thread = thread;
      post.pending.store(readers_per_thread_[thread] + 1, std::memory_order_release);
      const std::int64_t sent = now_ns();
      post.sent_ns = sent;
      const std::string frame = R"({"type":"post","req":")" + std::to_string(seq) + R"(","thread":)" +
                                json_quote(thread_key(thread)) + R"(,"author":"bench","body":)" +
                                json_quote(post_body(seq, sent)) + "}";
      ++me.in_flight;
      ++me.sent;
      auto [ec, n] = co_await conn->ws->async_write(net::buffer(frame), as_tuple_awaitable);
      if (ec) {
        if (me.lost_connection.empty()) me.lost_connection = "write: " + ec.message();
        break;
      }
    }
    posts_issued_.fetch_add(me.sent);
    ++posters_done_;
  }

  net::awaitable<void> poster_reader(std::size_t p, std::shared_ptr<PosterConnection> conn) {
    PosterState& me = *posters_[p];
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await conn->ws->async_read(buffer, as_tuple_awaitable);
      if (ec) {
        if (!stopping_ && me.lost_connection.empty()) {
          me.lost_connection = ec.message() + " (close code " + std::to_string(conn->ws->reason().code) + ")";
        }
        co_return;
      }
      const std::int64_t arrived = now_ns();
      auto reply = read_reply(frame_text(buffer));
      buffer.consume(n);
      std::uint64_t seq = 0;
      if (!reply || reply->req.empty() ||
          std::from_chars(reply->req.data(), reply->req.data() + reply->req.size(), seq).ec != std::errc{} ||
          seq >= std::min<std::uint64_t>(next_seq_.load(), max_posts_)) {
        ++me.strays;
        continue;
      }
      PostRecord& post = posts_[seq];
      if (reply->type == "ack") {
        ++me.acked;
        me.last_ack_ns = arrived;
        me.ack_latencies_us.push_back(to_us(arrived - post.sent_ns));
        release(seq, 1);
      } else if (reply->type == "error") {
        ++me.refused;
        ++me.error_codes[reply->code.empty() ? "?" : reply->code];
        refused_deliveries_.fetch_add(static_cast<std::uint64_t>(readers_per_thread_[post.thread]));
        // Not stored, so never delivered: nothing more will come for it.
        release(seq, readers_per_thread_[post.thread] + 1, true);
      } else {
        ++me.strays;
      }
    }
  }

  // ---- the run ------------------------------------------------------------------

  std::optional<ProcessSample> sample_server() const {
    return sample_processes(o_.server_pids);
  }

  std::vector<std::optional<double>> sample_others() const {
    std::vector<std::optional<double>> out;
    for (const auto& [name, pid] : o_.other_pids) out.push_back(sample_tree_cpu(pid));
    return out;
  }

  net::awaitable<void> sleep(std::chrono::milliseconds d) {
    net::steady_timer timer(co_await net::this_coro::executor, d);
    co_await timer.async_wait(as_tuple_awaitable);
  }

  net::awaitable<void> control() {
    server_before_setup_ = sample_server();
    const std::int64_t setup_start = now_ns();

    // 1. Readers connect and join, a bounded number at a time.
    for (std::size_t i = 0; i < readers_.size(); ++i) {
      while (setups_in_flight_ >= o_.connect_concurrency) co_await sleep(1ms);
      ++setups_in_flight_;
      // No strand: a reader touches only its own state and atomics.
      net::co_spawn(ioc_, reader(i), net::detached);
    }
    const auto setup_deadline = now_ns() + 120'000'000'000LL;
    while (joined_ + setup_failures_ < readers_.size() && now_ns() < setup_deadline) co_await sleep(2ms);

    // 2. Posters connect (they never join).
    std::vector<std::shared_ptr<PosterConnection>> connections;
    for (auto& poster : posters_) {
      try {
        auto conn = std::make_shared<PosterConnection>();
        const Target& target = poster_targets_[connections.size() % poster_targets_.size()];
        conn->ws = co_await net::co_spawn(poster->strand, open_session(target), net::use_awaitable);
        conn->wake = std::make_shared<net::steady_timer>(poster->strand);
        connections.push_back(std::move(conn));
      } catch (const std::exception& e) {
        ++setup_failures_;
        problem(std::string("poster setup failed: ") + e.what());
        break;
      }
    }
    setup_s_ = static_cast<double>(now_ns() - setup_start) / 1e9;
    if (joined_ < readers_.size()) {
      problem(std::to_string(readers_.size() - joined_) + " of " + std::to_string(readers_.size()) +
              " readers did not join");
    }
    if (setup_failures_ > 0 || joined_ < readers_.size()) {
      stop();
      co_return;
    }
    std::fprintf(stderr, "loadgen: %zu readers joined, %zu posters connected in %.2f s\n", readers_.size(),
                 posters_.size(), setup_s_);

    if (o_.mode == Mode::idle) {
      co_await sleep(1000ms);  // let the server settle after the last join
      server_after_ = sample_server();
      co_await sleep(std::chrono::milliseconds(static_cast<long>(o_.duration_s * 1000)));
      if (lost_readers_ > 0) problem(std::to_string(lost_readers_.load()) + " idle readers were disconnected");
      stop();
      co_return;
    }

    // 3. The measured phase.
    server_before_ = sample_server();
    others_before_ = sample_others();
    client_cpu_before_ = self_cpu_seconds();
    t0_ns_ = now_ns();
    for (std::size_t p = 0; p < posters_.size(); ++p) {
      net::co_spawn(posters_[p]->strand, poster_reader(p, connections[p]), net::detached);
      net::co_spawn(posters_[p]->strand, poster_writer(p, connections[p]), net::detached);
    }
    connections.clear();  // the coroutines own the connections now

    const std::int64_t drain_deadline =
        t0_ns_ + static_cast<std::int64_t>((o_.duration_s + o_.drain_timeout_s) * 1e9);
    for (;;) {
      co_await sleep(2ms);
      const bool sending_done = posters_done_ == posters_.size();
      const auto finished = completed_posts_ + refused_posts_;
      if (sending_done && finished >= posts_issued_) break;
      if (now_ns() > drain_deadline) {
        problem("drain timeout: " + std::to_string(posts_issued_ - finished) +
                " posts were not acked and delivered to every reader in time");
        break;
      }
    }
    server_after_ = sample_server();
    others_after_ = sample_others();
    client_cpu_after_ = self_cpu_seconds();
    stop();
  }

  void stop() {
    stopping_ = true;
    ioc_.stop();
  }

  nlohmann::json report() {
    using nlohmann::json;
    json r;
    r["mode"] = to_string(o_.mode);
    r["config"] = {{"readers", o_.readers},   {"threads", o_.threads},        {"posters", o_.posters},
                   {"rate", o_.rate},         {"window", o_.window},          {"duration_s", o_.duration_s},
                   {"io_threads", o_.io_threads}, {"verify", o_.verify}};
    r["setup_s"] = setup_s_;
    r["readers_joined"] = joined_.load();

    if (server_before_setup_) r["server_rss_kb_before"] = server_before_setup_->rss_kb;
    if (server_after_) r["server_rss_kb_after"] = server_after_->rss_kb;
    if (o_.mode == Mode::idle && server_before_setup_ && server_after_ && o_.readers > 0) {
      r["server_rss_bytes_per_connection"] =
          static_cast<double>(server_after_->rss_kb - server_before_setup_->rss_kb) * 1024.0 / o_.readers;
    }

    if (o_.mode != Mode::idle && t0_ns_ > 0) {
      std::vector<std::uint32_t> delivery_us, ack_us;
      std::uint64_t received = 0, duplicates = 0, strays = 0, frame_bytes = 0;
      std::int64_t last_ns = t0_ns_;
      for (auto& reader : readers_) {
        received += reader.received;
        duplicates += reader.duplicates;
        strays += reader.strays;
        frame_bytes += reader.frame_bytes;
        last_ns = std::max(last_ns, reader.last_ns);
        delivery_us.insert(delivery_us.end(), reader.latencies_us.begin(), reader.latencies_us.end());
        if (!reader.lost_connection.empty()) problem("a reader lost its connection: " + reader.lost_connection);
      }
      std::uint64_t sent = 0, acked = 0, refused = 0, poster_strays = 0;
      std::map<std::string, std::uint64_t> errors;
      for (auto& poster : posters_) {
        sent += poster->sent;
        acked += poster->acked;
        refused += poster->refused;
        poster_strays += poster->strays;
        last_ns = std::max(last_ns, poster->last_ack_ns);
        ack_us.insert(ack_us.end(), poster->ack_latencies_us.begin(), poster->ack_latencies_us.end());
        for (auto& [code, count] : poster->error_codes) errors[code] += count;
        if (!poster->lost_connection.empty()) problem("a poster lost its connection: " + poster->lost_connection);
      }
      // Deliveries expected: every post issued, once to each reader of its
      // thread, less those of refused posts (never stored, never delivered).
      const std::uint64_t issued = std::min<std::uint64_t>(next_seq_.load(), max_posts_);
      std::uint64_t expected = 0, incomplete = 0;
      for (std::uint64_t seq = 0; seq < issued; ++seq) {
        expected += static_cast<std::uint64_t>(readers_per_thread_[posts_[seq].thread]);
        if (posts_[seq].pending.load() > 0) ++incomplete;
      }
      expected -= std::min(expected, refused_deliveries_.load());
      const std::uint64_t unique_received = received - duplicates;
      const std::uint64_t missing = expected > unique_received ? expected - unique_received : 0;
      const double elapsed_s = static_cast<double>(last_ns - t0_ns_) / 1e9;

      r["posts_sent"] = sent;
      r["posts_acked"] = acked;
      r["posts_refused"] = refused;
      r["errors"] = errors;
      r["deliveries"] = unique_received;
      r["deliveries_expected"] = expected;
      r["deliveries_missing"] = missing;
      r["duplicates"] = duplicates + overdelivered_.load();
      r["stray_frames"] = strays + poster_strays;
      r["posts_incomplete"] = incomplete;
      r["elapsed_s"] = elapsed_s;
      r["deliveries_per_s"] = elapsed_s > 0 ? static_cast<double>(unique_received) / elapsed_s : 0;
      r["acks_per_s"] = elapsed_s > 0 ? static_cast<double>(acked) / elapsed_s : 0;
      r["latency"] = summarize_us(delivery_us);
      if (received > 0) r["delivery_frame_bytes"] = static_cast<double>(frame_bytes) / static_cast<double>(received);
      // Post -> last delivery, one sample per post that had readers and was stored.
      std::vector<std::uint32_t> last_us;
      for (std::uint64_t seq = 0; seq < issued; ++seq) {
        if (readers_per_thread_[posts_[seq].thread] > 0 && posts_[seq].last_us.load() > 0) {
          last_us.push_back(posts_[seq].last_us.load());
        }
      }
      r["last_delivery_latency"] = summarize_us(last_us);
      if (reader_targets_.size() > 1) {
        // Per instance the readers were on: the difference between two is the
        // cost of the hop between instances (posts all go to --port).
        nlohmann::json by_port = json::object();
        for (std::size_t t = 0; t < reader_targets_.size(); ++t) {
          std::vector<std::uint32_t> us;
          for (std::size_t i = t; i < readers_.size(); i += reader_targets_.size()) {
            us.insert(us.end(), readers_[i].latencies_us.begin(), readers_[i].latencies_us.end());
          }
          by_port[std::to_string(o_.reader_ports[t])] = summarize_us(us);
        }
        r["latency_by_port"] = by_port;
        // Post by post, against the first port (where the posts go): when its
        // first and its last delivery happened on each port, and the
        // difference to the first port (the hop; may be negative).
        const std::size_t ports = reader_targets_.size();
        nlohmann::json first_by_port = json::object(), last_by_port = json::object(), hop = json::object();
        for (std::size_t t = 0; t < ports; ++t) {
          std::vector<std::uint32_t> first, last;
          std::vector<double> first_delta_ms, last_delta_ms;
          for (std::uint64_t seq = 0; seq < issued; ++seq) {
            const std::uint32_t f = port_first_us_[seq * ports + t].load();
            const std::uint32_t l = port_last_us_[seq * ports + t].load();
            if (f == 0) continue;
            first.push_back(f);
            last.push_back(l);
            const std::uint32_t f0 = port_first_us_[seq * ports].load();
            const std::uint32_t l0 = port_last_us_[seq * ports].load();
            if (t > 0 && f0 > 0) {
              first_delta_ms.push_back((static_cast<double>(f) - static_cast<double>(f0)) / 1000.0);
              last_delta_ms.push_back((static_cast<double>(l) - static_cast<double>(l0)) / 1000.0);
            }
          }
          const std::string key = std::to_string(o_.reader_ports[t]);
          first_by_port[key] = summarize_us(first);
          last_by_port[key] = summarize_us(last);
          if (t > 0) hop[key] = {{"first_delivery_delta", summarize_signed_ms(first_delta_ms)},
                                 {"last_delivery_delta", summarize_signed_ms(last_delta_ms)}};
        }
        r["first_delivery_by_port"] = first_by_port;
        r["last_delivery_by_port"] = last_by_port;
        r["hop_vs_first_port"] = hop;
      }
      r["ack_latency"] = summarize_us(ack_us);
      r["client_cpu_s"] = client_cpu_after_ - client_cpu_before_;
      if (server_before_ && server_after_) {
        const double cpu = server_after_->cpu_s - server_before_->cpu_s;
        r["server_cpu_s"] = cpu;
        r["server_user_cpu_s"] = server_after_->user_s - server_before_->user_s;
        r["server_system_cpu_s"] = server_after_->system_s - server_before_->system_s;
        // Server CPU microseconds per delivered message (or per ack when nothing is delivered).
        const double work = static_cast<double>(unique_received > 0 ? unique_received : acked);
        if (work > 0) r["server_cpu_us_per_message"] = cpu * 1e6 / work;
        r["deliveries_per_server_cpu_s"] = cpu > 0 ? static_cast<double>(unique_received) / cpu : 0;
        r["acks_per_server_cpu_s"] = cpu > 0 ? static_cast<double>(acked) / cpu : 0;
      }
      if (!o_.other_pids.empty()) {
        nlohmann::json others = json::object();
        for (std::size_t i = 0; i < o_.other_pids.size(); ++i) {
          const auto& name = o_.other_pids[i].first;
          if (i < others_before_.size() && i < others_after_.size() && others_before_[i] && others_after_[i]) {
            others[name] = *others_after_[i] - *others_before_[i];
          } else {
            problem("could not read the CPU of " + name + " (pid " + std::to_string(o_.other_pids[i].second) + ")");
          }
        }
        r["other_cpu_s"] = others;
      }
      if (sent == 0) problem("no post was sent");
      if (refused > 0) problem(std::to_string(refused) + " posts were refused (see errors)");
      if (missing > 0) problem(std::to_string(missing) + " deliveries are missing");
      if (duplicates + overdelivered_ > 0) problem("some readers got a post more than once");
      if (acked + refused < sent) problem(std::to_string(sent - acked - refused) + " posts got no reply");
    }
    r["problems"] = problems_;
    r["ok"] = problems_.empty();
    return r;
  }

  const Options& o_;
  const std::vector<Target>& poster_targets_;
  const std::vector<Target>& reader_targets_;
  std::vector<ReaderState> readers_;
  std::vector<int> readers_per_thread_;
  std::vector<std::unique_ptr<PosterState>> posters_;
  std::unique_ptr<PostRecord[]> posts_;
  std::uint64_t max_posts_ = 0;
  std::unique_ptr<std::atomic<std::uint32_t>[]> port_first_us_, port_last_us_;  // [seq * ports + port]

  std::atomic<std::uint64_t> next_seq_{0}, posts_issued_{0}, completed_posts_{0}, refused_posts_{0};
  std::atomic<std::uint64_t> refused_deliveries_{0}, overdelivered_{0};
  std::atomic<std::size_t> joined_{0}, setup_failures_{0}, lost_readers_{0}, posters_done_{0};
  std::atomic<int> setups_in_flight_{0};
  std::atomic<bool> stopping_{false};

  std::int64_t t0_ns_ = 0;
  double setup_s_ = 0, client_cpu_before_ = 0, client_cpu_after_ = 0;
  std::optional<ProcessSample> server_before_setup_, server_before_, server_after_;
  std::vector<std::optional<double>> others_before_, others_after_;

  std::mutex problems_mutex_;
  std::vector<std::string> problems_;

  // Declared last so it is destroyed first: the coroutine frames it still
  // holds (and the sockets in them) go while the state above is alive.
  net::io_context ioc_;
};

}  // namespace

nlohmann::json run_traffic(const Options& options, const std::vector<Target>& poster_targets,
                           const std::vector<Target>& reader_targets) {
  Traffic traffic(options, poster_targets, reader_targets);
  return traffic.run();
}

}  // namespace loadgen

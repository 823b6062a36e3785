// The physical floor of fan-out latency on this machine: the least any
// server could do to deliver one frame to N readers over loopback TCP.
//
// One thread (the "server") writes the same pre-encoded WebSocket text frame,
// of the size of a comment event, to N connected loopback sockets with one
// plain send() each -- no parsing, no storage, no allocation, no framework.
// Another thread (the "readers", as the load generator) waits on all N with
// epoll and timestamps each frame's arrival. Posts go out at a fixed rate, as
// in the fan-out scenario. It reports the same figures as the load generator:
// post -> delivery over every delivery, and post -> last delivery per post.
//
//   floor_sender --readers 1000 --rate 50 --duration 8 [--bytes 330]
// prints one JSON object on stdout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(q * static_cast<double>(v.size()) + 0.999999);
  return v[std::min(v.size(), std::max<std::size_t>(rank, 1)) - 1];
}

// N connected pairs over loopback TCP: {server side, reader side}, TCP_NODELAY
// on both as the servers set it.
std::vector<std::pair<int, int>> connect_pairs(int n) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  check(listener >= 0, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  check(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "bind");
  check(listen(listener, 4096) == 0, "listen");
  socklen_t len = sizeof addr;
  check(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0, "getsockname");
  std::vector<std::pair<int, int>> pairs;
  const int one = 1;
  for (int i = 0; i < n; ++i) {
    const int reader = socket(AF_INET, SOCK_STREAM, 0);
    check(reader >= 0, "socket");
    check(connect(reader, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "connect");
    const int server = accept(listener, nullptr, nullptr);
    check(server >= 0, "accept");
    setsockopt(reader, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pairs.emplace_back(server, reader);
  }
  close(listener);
  return pairs;
}

}  // namespace

int main(int argc, char** argv) {
  int readers = 1000, rate = 50, bytes = 330;
  double duration = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string opt = argv[i];
    const double value = std::atof(argv[i + 1]);
    if (opt == "--readers") readers = static_cast<int>(value);
    else if (opt == "--rate") rate = static_cast<int>(value);
    else if (opt == "--duration") duration = value;
    else if (opt == "--bytes") bytes = static_cast<int>(value);
    else {
      std::fprintf(stderr, "floor_sender: unknown option %s\n", opt.c_str());
      return 2;
    }
  }
  const int posts = std::max(1, static_cast<int>(rate * duration));
  const auto pairs = connect_pairs(readers);

  // A text frame with a 2-byte length header, as the servers send a comment event.
  std::string frame = {static_cast<char>(0x81), 126, static_cast<char>((bytes - 4) >> 8),
                       static_cast<char>((bytes - 4) & 0xFF)};
  frame.resize(static_cast<std::size_t>(bytes), 'x');

  std::vector<std::int64_t> sent_at(static_cast<std::size_t>(posts), 0);
  std::vector<double> deliveries;  // ms, every delivery
  std::vector<double> last(static_cast<std::size_t>(posts), 0);  // ms, per post
  std::atomic<int> started{0};

  std::thread receiver([&] {
    const int ep = epoll_create1(0);
    check(ep >= 0, "epoll_create1");
    for (int i = 0; i < readers; ++i) {
      epoll_event ev{EPOLLIN, {}};
      ev.data.u32 = static_cast<std::uint32_t>(i);
      check(epoll_ctl(ep, EPOLL_CTL_ADD, pairs[static_cast<std::size_t>(i)].second, &ev) == 0,
            "epoll_ctl");
    }
    std::vector<std::size_t> received(static_cast<std::size_t>(readers), 0);  // bytes per reader
    const std::size_t expected = static_cast<std::size_t>(posts) * frame.size();
    std::size_t done_readers = 0;
    std::vector<epoll_event> events(1024);
    std::vector<char> buffer(64 * 1024);
    deliveries.reserve(static_cast<std::size_t>(posts) * static_cast<std::size_t>(readers));
    while (done_readers < static_cast<std::size_t>(readers)) {
      const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 5000);
      check(n > 0, "epoll_wait (a frame never arrived)");
      const std::int64_t t = now_ns();
      // Pairs with the sender's release: sent_at[k] is written before frame k
      // is sent, so it is visible for every frame that arrived.
      (void)started.load(std::memory_order_acquire);
      for (int e = 0; e < n; ++e) {
        const std::uint32_t r = events[static_cast<std::size_t>(e)].data.u32;
        const ssize_t got = recv(pairs[r].second, buffer.data(), buffer.size(), 0);
        check(got > 0, "recv");
        const std::size_t before = received[r];
        received[r] += static_cast<std::size_t>(got);
        // Every frame completed by these bytes arrived now.
        for (std::size_t k = before / frame.size(); k < received[r] / frame.size(); ++k) {
          const double ms = static_cast<double>(t - sent_at[k]) / 1e6;
          deliveries.push_back(ms);
          last[k] = std::max(last[k], ms);
        }
        if (before < expected && received[r] >= expected) ++done_readers;
      }
    }
    close(ep);
  });

  // The sender: at `rate` posts per second, the same frame to every socket.
  const auto interval = std::chrono::nanoseconds(1'000'000'000LL / rate);
  auto next = Clock::now();
  double send_ns_total = 0;
  for (int k = 0; k < posts; ++k) {
    std::this_thread::sleep_until(next);
    next += interval;
    sent_at[static_cast<std::size_t>(k)] = now_ns();
    started.store(k + 1, std::memory_order_release);
    const std::int64_t t0 = now_ns();
    for (const auto& [server, reader] : pairs) {
      check(send(server, frame.data(), frame.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(frame.size()),
            "send");
    }
    send_ns_total += static_cast<double>(now_ns() - t0);
  }
  receiver.join();
  for (const auto& [server, reader] : pairs) {
    close(server);
    close(reader);
  }
  std::printf(
      "{\"readers\":%d,\"rate\":%d,\"posts\":%d,\"frame_bytes\":%zu,"
      "\"delivery_p50_ms\":%.3f,\"delivery_p99_ms\":%.3f,"
      "\"last_delivery_p50_ms\":%.3f,\"last_delivery_p99_ms\":%.3f,\"send_us_per_socket\":%.2f}\n",
      readers, rate, posts, frame.size(), percentile(deliveries, 0.5), percentile(deliveries, 0.99),
      percentile(last, 0.5), percentile(last, 0.99),
      send_ns_total / 1e3 / posts / readers);
  return 0;
}

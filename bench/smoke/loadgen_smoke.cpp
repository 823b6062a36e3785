// loadgen_smoke: keeps the load generator honest. Starts the real
// comment-server on --port 0 with a temporary database, runs `loadgen fanout`
// with 50 readers for about two seconds with --verify, and checks that every
// post was acknowledged and delivered exactly once to every reader. It is a
// correctness check only: no number it measures is asserted.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

using namespace std::chrono_literals;
// Waits are bounded so a hung child fails the test instead of hanging ctest;
// the bound is a hang detector, far above what the run needs.
constexpr auto hang_limit = 60s;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "loadgen-smoke-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A child process whose stdout we read.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
    REQUIRE_MESSAGE(rc == 0, "cannot start " << argv[0]);
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // The next line of stdout, or nullopt at end of output or after hang_limit.
  std::optional<std::string> read_line() {
    const auto deadline = std::chrono::steady_clock::now() + hang_limit;
    for (;;) {
      if (auto nl = pending_.find('\n'); nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char chunk[4096];
      const auto n = read(out_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      pending_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // Sends `signal` (if any) and reaps the child; returns its exit status, or
  // -1 when it did not exit normally.
  int stop(int signal = 0) {
    if (signal != 0) kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string pending_;
};

}  // namespace

TEST_CASE("loadgen fanout: every post reaches every one of 50 readers exactly once") {
  TempDir dir;
  // Limits per client lifted: 50 readers from 127.0.0.1, posts as fast as they go.
  Child server({COMMENT_SERVER_BINARY, "--port", "0", "--db", (dir.path() / "smoke.db").string(), "--rate", "0",
                "--max-connections-per-address", "0", "--max-connections", "0", "--max-messages-per-second", "0"});
  std::string port;
  while (auto line = server.read_line()) {
    const std::string prefix = "listening on http://";
    if (line->rfind(prefix, 0) == 0) {
      port = line->substr(line->rfind(':') + 1);
      break;
    }
  }
  REQUIRE_MESSAGE(!port.empty(), "comment-server did not print its listening line");

  Child loadgen({LOADGEN_BINARY, "fanout", "--port", port, "--server-pid", std::to_string(server.pid()),
                 "--readers", "50", "--rate", "40", "--duration", "2", "--drain-timeout", "30", "--verify"});
  auto output = loadgen.read_line();
  const int loadgen_status = loadgen.stop();
  REQUIRE_MESSAGE(output.has_value(), "loadgen printed no result");
  const auto result = nlohmann::json::parse(*output, nullptr, false);
  REQUIRE_MESSAGE(result.is_object(), "loadgen printed: " << *output);
  INFO("loadgen result: " << *output);

  CHECK(loadgen_status == 0);
  CHECK(result.at("ok") == true);
  CHECK(result.at("problems").empty());
  CHECK(result.at("readers_joined") == 50);
  const auto sent = result.at("posts_sent").get<std::int64_t>();
  CHECK(sent == 80);  // the fixed schedule: 40 posts/s for 2 s
  CHECK(result.at("posts_acked") == sent);
  CHECK(result.at("posts_refused") == 0);
  CHECK(result.at("deliveries_expected") == sent * 50);
  CHECK(result.at("deliveries") == sent * 50);
  CHECK(result.at("deliveries_missing") == 0);
  CHECK(result.at("duplicates") == 0);
  CHECK(result.at("latency").at("count") == sent * 50);

  CHECK(server.stop(SIGTERM) == 0);
}

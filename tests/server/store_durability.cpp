// An acknowledged post is on disk: a child process commits, "acks" through a
// pipe, and is killed with SIGKILL before it can close anything cleanly.
// (This covers a process crash; power loss is what synchronous=FULL adds on
// top, which a test cannot simulate; docs/storage.md explains it.)
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::new_comment;
using store_test::TestDb;

TEST_CASE("a committed post survives kill -9 right after the commit") {
  TestDb db;
  int ack_pipe[2];
  REQUIRE(pipe(ack_pipe) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child: no doctest macros here, only the exit status and the pipe.
    close(ack_pipe[0]);
    std::unique_ptr<Store> store;
    std::int64_t acked_id = 0;
    try {
      store = db.open();
      auto results = store->insert({new_comment("t", "acked just before the crash")});
      if (results.size() == 1 && results[0]) acked_id = results[0]->id;
    } catch (...) {
      _exit(1);
    }
    if (acked_id == 0 || write(ack_pipe[1], &acked_id, sizeof acked_id) != sizeof acked_id) _exit(1);
    for (;;) pause();  // the store stays open until SIGKILL
  }

  close(ack_pipe[1]);
  std::int64_t acked_id = 0;
  const ssize_t got = read(ack_pipe[0], &acked_id, sizeof acked_id);
  close(ack_pipe[0]);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(got == static_cast<ssize_t>(sizeof acked_id));
  CHECK(WIFSIGNALED(status));

  auto store = db.open();
  const auto found = store->find(acked_id);
  REQUIRE(found);
  CHECK(found->body == "acked just before the crash");
  CHECK(store->published_count("t") == 1);
}

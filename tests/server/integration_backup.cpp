// Backups against the real binary: `comment-server backup` while 8 writers
// post through a running server, `restore` into a fresh database, and a
// fresh server that finds every post acknowledged before the backup started.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace integ;

namespace {

using Clock = std::chrono::steady_clock;

struct Ack {
  std::string thread;
  std::int64_t id = 0;
  Clock::time_point at;  // when the ack arrived at the writer
};

// Every published id of `thread`: a join, then `more` pages to the oldest.
std::set<std::int64_t> all_ids(WsClient& client, const std::string& thread) {
  std::set<std::int64_t> ids;
  json page = client.request({{"type", "join"}, {"thread", thread}, {"limit", 50}});
  REQUIRE(page["type"] == "snapshot");
  for (;;) {
    const auto& comments = page["comments"];
    for (const auto& c : comments) ids.insert(c["id"].get<std::int64_t>());
    if (comments.size() < 50) break;
    const std::int64_t oldest = comments.back()["id"].get<std::int64_t>();
    page = client.request({{"type", "more"}, {"thread", thread}, {"before", oldest}, {"limit", 50}});
    REQUIRE(page["type"] == "page");
  }
  return ids;
}

}  // namespace

TEST_CASE("backup under 8 concurrent writers: restore finds every post acknowledged before it started") {
  TestServer test;
  const auto backup_file = test.dir / "backup" / "comments-backup.db";
  std::filesystem::create_directories(backup_file.parent_path());
  constexpr int writers = 8;

  std::mutex mutex;
  std::vector<Ack> acks;
  std::atomic<bool> stop = false;
  std::atomic<int> acked = 0;
  std::vector<std::string> failures(writers);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      try {
        WsClient client(test.server);
        const std::string thread = "backup-" + std::to_string(w % 4);  // two writers per thread
        for (int n = 0; !stop; ++n) {
          const json comment = post_ok(client, thread, "writer " + std::to_string(w) + " post " + std::to_string(n));
          const auto at = Clock::now();
          std::lock_guard lock(mutex);
          acks.push_back(Ack{thread, comment["id"].get<std::int64_t>(), at});
          ++acked;
        }
      } catch (const std::exception& e) {
        failures[w] = e.what();
      }
    });
  }
  const auto wait_for = [&](int count) {
    const auto give_up = Clock::now() + io_deadline;
    while (acked < count && Clock::now() < give_up) std::this_thread::sleep_for(5ms);
  };
  wait_for(300);
  const auto started = Clock::now();
  const CommandResult backup = run_server_command({"backup", "--db", test.db().string(), "--to", backup_file.string()});
  const int acked_at_end = acked;
  wait_for(acked_at_end + 100);  // the writers went on during and after the backup
  stop = true;
  for (auto& t : threads) t.join();
  for (const auto& f : failures) CHECK_MESSAGE(f.empty(), f);
  CAPTURE(backup.out);
  CAPTURE(backup.err);
  REQUIRE(backup.status == 0);
  CHECK(backup.out.find("written to") != std::string::npos);
  // Nothing but the backup itself is left in its folder (no temporary file).
  CHECK(std::distance(std::filesystem::directory_iterator(backup_file.parent_path()),
                      std::filesystem::directory_iterator()) == 1);

  // Restore into a fresh database, and serve it.
  TempDir restored_dir;
  const auto restored_db = restored_dir / "restored.db";
  const CommandResult restore = run_server_command({"restore", "--from", backup_file.string(), "--db", restored_db.string()});
  CAPTURE(restore.err);
  REQUIRE(restore.status == 0);
  ServerOptions options;
  options.db = restored_db;
  ServerProcess restored(options);
  WsClient reader(restored);

  std::map<std::string, std::set<std::int64_t>> found;
  std::size_t before = 0;
  for (const Ack& ack : acks) {
    if (ack.at >= started) continue;
    ++before;
    if (!found.contains(ack.thread)) found[ack.thread] = all_ids(reader, ack.thread);
    CHECK_MESSAGE(found[ack.thread].contains(ack.id),
                  "post " << ack.id << " of " << ack.thread << " was acknowledged before the backup but is missing");
  }
  CHECK(before >= 300);
  // The restored server takes new posts after the restored ones.
  const json fresh = post_ok(reader, "backup-0", "after the restore");
  CHECK(fresh["id"].get<std::int64_t>() > *found["backup-0"].rbegin());
}

TEST_CASE("backup and restore: bad paths give a clear error and a non-zero exit") {
  TestServer test;
  WsClient client(test.server);
  post_ok(client, "t", "one post");

  const auto no_folder = run_server_command({"backup", "--db", test.db().string(), "--to", (test.dir / "missing" / "b.db").string()});
  CHECK(no_folder.status == 1);
  CHECK(no_folder.err.find("does not exist") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(test.dir / "missing"));

  const auto no_db = run_server_command({"backup", "--db", (test.dir / "nope.db").string(), "--to", (test.dir / "b.db").string()});
  CHECK(no_db.status == 1);
  CHECK(no_db.err.find("nope.db does not exist") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(test.dir / "nope.db"));  // never created by the attempt

  write_file(test.dir / "not-sqlite.db", "just text, not a database");
  const auto not_db = run_server_command({"backup", "--db", (test.dir / "not-sqlite.db").string(), "--to", (test.dir / "b.db").string()});
  CHECK(not_db.status == 1);
  CHECK(not_db.err.find("not") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(test.dir / "b.db"));

  const auto usage = run_server_command({"backup", "--db", test.db().string()});
  CHECK(usage.status == 2);
  CHECK(usage.err.find("--to") != std::string::npos);

  // Restoring over the database of a running server is refused, and leaves it as it was.
  const auto good = run_server_command({"backup", "--db", test.db().string(), "--to", (test.dir / "b.db").string()});
  REQUIRE(good.status == 0);
  const auto in_use = run_server_command({"restore", "--from", (test.dir / "b.db").string(), "--db", test.db().string()});
  CHECK(in_use.status == 1);
  CHECK(in_use.err.find("in use") != std::string::npos);
  CHECK(client.request(join_msg("t"))["total"] == 1);
  const auto bad_backup = run_server_command({"restore", "--from", (test.dir / "not-sqlite.db").string(), "--db", (test.dir / "x.db").string()});
  CHECK(bad_backup.status == 1);
}

// The console's audit log (moderator/audit_model.hpp): paging, live entries,
// and telling this console's own actions from other moderators'.
#include <doctest/doctest.h>

#include "moderator/audit_model.hpp"
#include "moderator/tests/test_comments.hpp"

using cmmod::AuditLog;
using cmmod::AuditRow;

namespace {

AuditRow row(std::int64_t id, std::string moderator, std::optional<std::int64_t> comment = std::nullopt,
             std::string action = "approve") {
  AuditRow r;
  r.id = id;
  r.at = 1'600'000'000'000 + id;
  r.action = std::move(action);
  r.comment = comment;
  r.moderator = std::move(moderator);
  return r;
}

std::vector<std::int64_t> ids(const AuditLog& log) { return cmmod::testing::ids_of(log.rows()); }

}  // namespace

TEST_CASE("audit pages: newest first, older pages behind, a short page is the end") {
  AuditLog log;
  CHECK_FALSE(log.loaded());
  std::vector<AuditRow> first;
  for (std::int64_t id = 60; id > 60 - AuditLog::page_size; --id) first.push_back(row(id, "m1"));
  log.page(first, AuditLog::page_size, false);
  CHECK(log.loaded());
  CHECK_FALSE(log.at_end());
  CHECK(log.older_before() == 60 - AuditLog::page_size + 1);

  // An older page that overlaps what is listed (an entry arrived meanwhile).
  log.page({row(60 - AuditLog::page_size + 1, "m1"), row(5, "m1"), row(4, "m1")}, 3, true);
  CHECK(log.at_end());
  CHECK_FALSE(log.older_before());
  CHECK(log.rows().size() == static_cast<std::size_t>(AuditLog::page_size) + 2);
  CHECK(log.rows().back().id == 4);

  // A first page again replaces everything.
  log.page({row(70, "m1")}, 1, false);
  CHECK(ids(log) == std::vector<std::int64_t>{70});
}

TEST_CASE("live entries: our own action tells our session; other moderators' are news") {
  AuditLog log;
  log.page({row(1, "other")}, 1, false);
  log.expect_comment(42);
  auto news = log.audited(row(2, "me", 42));
  CHECK(news.listed);
  CHECK_FALSE(news.by_other);
  CHECK(log.is_own(row(3, "me")));
  CHECK_FALSE(log.is_own(row(3, "other")));
  CHECK(ids(log) == std::vector<std::int64_t>{2, 1});

  // Our name on an action this console did not send: the same moderator in
  // another console. Shown as ours, but news for what this console shows.
  news = log.audited(row(3, "me", 43));
  CHECK(news.by_other);
  CHECK(log.is_own(row(3, "me")));
  news = log.audited(row(4, "other", 42));
  CHECK(news.by_other);
  CHECK_FALSE(log.audited(row(4, "other", 42)).listed);  // listed once

  // Filters saved here: the entry without a comment is ours.
  log.new_session();
  CHECK_FALSE(log.is_own(row(5, "me")));
  log.expect_filters(true);
  CHECK_FALSE(log.audited(row(5, "me2", std::nullopt, "filters")).by_other);
  CHECK(log.is_own(row(6, "me2")));
}

TEST_CASE("audit details in the console's language, times in the moderator's") {
  CHECK(cmmod::localized_detail("pending -> published, pinned", cmweb::Lang::zh_CN) == "待审核 → 已发表，置顶");
  CHECK(cmmod::localized_detail("2 banned, 1 suspect", cmweb::Lang::zh_CN) == "2 个禁止词，1 个可疑词");
  CHECK(cmmod::localized_detail("poster 0a1b2c3d4e5f, 7d, reason: published spam", cmweb::Lang::zh_CN) ==
        "发帖人 0a1b2c3d4e5f，7 天，原因：published spam");
  CHECK(cmmod::localized_detail("poster 0a1b2c3d4e5f, permanent", cmweb::Lang::zh_CN) == "发帖人 0a1b2c3d4e5f，永久");
  CHECK(cmmod::localized_detail("pending -> published", cmweb::Lang::en) == "pending -> published");
  // 2020-11-11T15:04:12Z at UTC+8.
  CHECK(cmmod::local_timestamp(1605107052000, 480) == "2020-11-11 23:04:12");
}

// result.hpp: the Result type, and error ids that are unique and whose names
// never change (tests, logs and people quote them).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "comments/result.hpp"

using comments::Error;
using comments::ErrorId;
using comments::Result;

TEST_CASE("error names are stable") {
  // Released names: changing one of these breaks whoever quotes it.
  const std::pair<ErrorId, const char*> released[] = {
      {ErrorId::message_not_json, "comments.parse.101"},
      {ErrorId::number_out_of_range, "comments.parse.110"},
      {ErrorId::body_empty, "comments.comment.204"},
      {ErrorId::comment_field_missing, "comments.comment.209"},
      {ErrorId::filter_word_folds_to_nothing, "comments.filter.303"},
      {ErrorId::option_unknown, "comments.config.404"},
      {ErrorId::embed_limit_invalid, "comments.http.503"},
      {ErrorId::ws_key_invalid, "comments.ws.602"},
      {ErrorId::rate_limited, "comments.refused.702"},
      {ErrorId::connections_per_address_full, "comments.refused.709"},
      {ErrorId::connections_full, "comments.refused.710"},
      {ErrorId::messages_too_fast, "comments.refused.711"},
      {ErrorId::embed_rate_limited, "comments.refused.712"},
      {ErrorId::likes_too_fast, "comments.refused.720"},
  };
  for (const auto& [id, label] : released) {
    CHECK(comments::name(id) == label);
    CHECK(static_cast<int>(id) == std::stoi(std::string(label).substr(std::string(label).rfind('.') + 1)));
  }
}

TEST_CASE("every id has a unique name that spells its number and group") {
  // name() is a switch without default: two ids with one number do not
  // compile, and it gives "" for numbers that are no id.
  const char* const groups[] = {"", "parse", "comment", "filter", "config", "http", "ws", "refused"};
  std::set<std::string> names;
  int ids = 0;
  for (int n = 0; n <= 0xFFFF; ++n) {
    const std::string label(comments::name(static_cast<ErrorId>(n)));
    if (label.empty()) continue;
    CAPTURE(n);
    ++ids;
    CHECK(names.insert(label).second);
    REQUIRE(n / 100 >= 1);
    REQUIRE(n / 100 <= 7);
    CHECK(label == "comments." + std::string(groups[n / 100]) + "." + std::to_string(n));
  }
  CHECK(ids >= 50);
}

TEST_CASE("Result holds a value or an Error") {
  Result<std::string> fine = std::string("value");
  CHECK(fine.ok());
  CHECK(static_cast<bool>(fine));
  CHECK(fine.value() == "value");
  CHECK(*fine == "value");
  CHECK(fine->size() == 5);
  CHECK(std::move(fine).value() == "value");

  const Result<int> failed = Error{ErrorId::option_unknown, "unknown argument '--x'"};
  CHECK_FALSE(failed.ok());
  CHECK_FALSE(static_cast<bool>(failed));
  CHECK(failed.error().id == ErrorId::option_unknown);
  CHECK(failed.error().message == "unknown argument '--x'");

  const Result<void> valid;
  CHECK(valid.ok());
  const Result<void> invalid = Error{ErrorId::body_empty, "body must not be empty"};
  CHECK_FALSE(invalid);
  CHECK(invalid.error().id == ErrorId::body_empty);
}

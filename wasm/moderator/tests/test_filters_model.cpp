// The filter lists panel's state (moderator/filters_model.hpp): an edit in
// progress, what is wrong with it, and its preview against the server's lists.
#include <doctest/doctest.h>

#include "comments/limits.hpp"
#include "moderator/filters_model.hpp"
#include "moderator/tests/test_comments.hpp"

using cmmod::FilterEditor;
using cmmod::testing::make;
using comments::Comment;
using comments::FilterLists;
using comments::Verdict;


TEST_CASE("word lists as typed: one a line, trimmed, blank lines skipped") {
  CHECK(cmmod::split_lines(" 赌博 \n\n  spam\n") == std::vector<std::string>{"赌博", "spam"});
  CHECK(cmmod::split_lines("").empty());
  CHECK(cmmod::join_lines({"a", "b"}) == "a\nb");
}

TEST_CASE("the server's lists show unless an edit is in progress") {
  FilterEditor editor;
  CHECK_FALSE(editor.loaded());
  const FilterLists server{{"赌博"}, {"代购"}};
  CHECK(editor.server_lists(server, {}));  // the first answer always shows
  CHECK(editor.loaded());
  CHECK_FALSE(editor.check(server).unsaved);

  const FilterLists edited{{"赌博", "彩票"}, {"代购"}};
  CHECK(editor.check(edited).unsaved);
  CHECK(editor.check(edited).problem.empty());
  // A reconnect brings the lists again: the edit stays.
  CHECK_FALSE(editor.server_lists(server, edited));
  // Unchanged text areas follow the server.
  CHECK(editor.server_lists({{"新词"}, {}}, server));
  CHECK(editor.server().banned == std::vector<std::string>{"新词"});
}

TEST_CASE("an edit the server would refuse says why") {
  FilterEditor editor;
  editor.server_lists({}, {});
  const FilterLists bad{{"好词", std::string(comments::limits::max_filter_word_chars + 1, 'x')}, {}};
  CHECK_FALSE(editor.check(bad).problem.empty());
  CHECK(editor.check(bad).problem == bad.validate().error().message);
  CHECK(bad.validate().error().id == comments::ErrorId::filter_word_too_long);
}

TEST_CASE("the preview compares an edit with the server's lists over the sample") {
  FilterEditor editor;
  editor.server_lists({{"赌博"}, {}}, {});
  const std::vector<Comment> sample{make(3, comments::Status::published, 0, "读者", "网上赌博"),
                                    make(2, comments::Status::published, 0, "读者", "买彩票"),
                                    make(1, comments::Status::published, 0, "读者", "正常")};
  const auto result = editor.preview({{"赌博", "彩票"}, {}}, sample);
  CHECK(result.checked == 3);
  CHECK(result.blocked == 2);      // with the edit
  CHECK(result.blocked_now == 1);  // with the server's lists: the "now" column
  REQUIRE(result.rows.size() == 2);
  CHECK(result.rows[1].current.verdict == Verdict::publish);
}

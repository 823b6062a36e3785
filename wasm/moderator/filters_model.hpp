// The filter lists panel as data: the lists the server has now (and its
// filter, for the preview's "now" column), whether an edit is in progress,
// what is wrong with an edit, and the rule preview of an edit over the
// comments the console has seen. Pure C++: filters_view.cpp reads and writes
// the text areas and renders; wasm/moderator/tests runs it natively and as Wasm.
#pragma once

#include <string>
#include <vector>

#include "comments/comment.hpp"
#include "comments/filter.hpp"
#include "moderator/rule_preview.hpp"

namespace cmmod {

// One word per line, trimmed; blank lines are skipped.
std::vector<std::string> split_lines(const std::string& input);
std::string join_lines(const std::vector<std::string>& words);

// Why the server would refuse `lists` (its validation's message), "" when it would not.
std::string problem_of(const comments::FilterLists& lists);

// What the panel's status line says about an edit.
struct EditState {
  std::string problem;  // why the server would refuse the lists ("" none)
  bool unsaved = false; // they differ from the server's
};

class FilterEditor {
 public:
  // The server's lists (a `filters` reply, or after a save). `edited`: the
  // text areas as they are now. Returns true when the text areas should show
  // the server's lists: an edit in progress is kept across a reconnect.
  bool server_lists(comments::FilterLists lists, const comments::FilterLists& edited);
  bool loaded() const noexcept { return loaded_; }
  const comments::FilterLists& server() const noexcept { return server_; }

  EditState check(const comments::FilterLists& edited) const;
  // What `edited` would decide for `sample` (newest first), next to the server's lists.
  PreviewResult preview(const comments::FilterLists& edited, const std::vector<comments::Comment>& sample) const;

 private:
  bool loaded_ = false;
  comments::FilterLists server_;
  comments::ModerationFilter server_filter_;
};

}  // namespace cmmod

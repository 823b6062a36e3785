// The rule preview: what edited filter lists would decide for comments the
// console has loaded, computed with core's ModerationFilter, the very code the
// server runs on every post, so a preview row is the server's decision for a
// post with the same author and text.
#pragma once

#include <cstddef>
#include <vector>

#include "comments/comment.hpp"
#include "comments/filter.hpp"

namespace cmmod {

struct PreviewRow {
  comments::Comment comment;
  comments::FilterDecision proposed;  // with the edited lists
  comments::FilterDecision current;   // with the lists the server has now
};

struct PreviewResult {
  std::vector<PreviewRow> rows;  // proposed block/hold, or a verdict that changes; newest first
  std::size_t checked = 0;       // comments looked at
  std::size_t blocked = 0;       // proposed verdicts
  std::size_t held = 0;
  std::size_t blocked_now = 0;   // current verdicts
  std::size_t held_now = 0;
};

// `sample` newest first. Rows list every comment the proposed lists would block
// or hold, and every one whose verdict the edit would change.
PreviewResult preview_rules(const std::vector<comments::Comment>& sample,
                            const comments::ModerationFilter& proposed,
                            const comments::ModerationFilter& current);

}  // namespace cmmod

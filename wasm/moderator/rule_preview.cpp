#include "moderator/rule_preview.hpp"

namespace cmmod {

using comments::Verdict;

PreviewResult preview_rules(const std::vector<comments::Comment>& sample,
                            const comments::ModerationFilter& proposed,
                            const comments::ModerationFilter& current) {
  PreviewResult result;
  for (const comments::Comment& c : sample) {
    ++result.checked;
    PreviewRow row{c, proposed.check(c.author, c.body), current.check(c.author, c.body)};
    if (row.proposed.verdict == Verdict::block) ++result.blocked;
    if (row.proposed.verdict == Verdict::hold) ++result.held;
    if (row.current.verdict == Verdict::block) ++result.blocked_now;
    if (row.current.verdict == Verdict::hold) ++result.held_now;
    if (row.proposed.verdict != Verdict::publish || row.proposed.verdict != row.current.verdict) {
      result.rows.push_back(std::move(row));
    }
  }
  return result;
}

}  // namespace cmmod

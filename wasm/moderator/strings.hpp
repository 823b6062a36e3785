// The console's own strings in zh-CN and en (the reader-facing ones, such as
// server error sentences and the offline notice, come from common/i18n).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/i18n.hpp"

namespace cmmod {

enum class M : std::uint8_t {
  page_title,
  connecting,
  connected,
  signin_heading,
  token_label,
  signin_help,
  signin_button,
  signing_in,
  err_empty_token,
  err_wrong_token,
  err_too_many_tries,  // {n} s
  signed_in_as,
  sign_out,
  other_language,      // the name of the other UI language
  help_button,
  tab_queues,
  tab_filters,
  tab_audit,
  queue_pending,
  queue_flagged,
  queue_published,
  queue_rejected,
  queue_deleted,
  queue_all,
  new_count,           // {n}
  queue_tabs_label,
  filter_thread,
  filter_author,
  filter_text,
  filter_apply,
  filter_clear,
  selected_count,      // {n}
  act_approve,
  act_reject,
  act_delete,
  act_pin,
  act_unpin,
  act_pin_toggle,
  act_ban,
  act_ban_confirm,
  ban_confirm_prompt,  // {n}
  ban_confirm_one,
  actions_label,
  done,                // {action} {n}
  failed,              // {action} #{id}: {reason}
  banned_done,         // {n}
  banned_one,
  nothing_selected,
  queue_empty,
  loading,
  load_older,
  end_of_list,
  status_published,
  status_pending,
  status_rejected,
  status_deleted,
  badge_pinned,
  badge_flags,         // {n}
  badge_banned,
  reply_to,            // {id}
  select_comment,      // {id}
  list_label,
  new_arrival,         // {name}
  changed_elsewhere,   // #{id}
  banned_words_label,
  suspect_words_label,
  filters_help,
  filters_save,
  filters_revert,
  filters_saved,
  filters_unsaved,
  filters_invalid,     // {reason}
  preview_heading,
  preview_summary,     // {n} {b} {h} {b0} {h0}
  preview_note,
  preview_none,
  col_decision,
  col_reason,
  col_comment,
  col_now,
  verdict_block,
  verdict_hold,
  verdict_publish,
  reason_banned,       // {w}
  reason_suspect,      // {w}
  reason_links,        // {n}
  col_time,
  col_action,
  col_thread,
  col_moderator,
  col_detail,
  audit_you,           // {id}
  audit_empty,
  audit_filters,
  audit_ban,
  help_heading,
  help_close,
  help_bulk,
  key_next,
  key_prev,
  key_approve,
  key_reject,
  key_delete,
  key_pin,
  key_ban,
  key_select,
  key_search,
  key_help,
  key_escape,
  // Issue #15: bans, the queue's context, report reasons
  tab_bans,
  held_word,           // {w}
  held_links,          // {n}
  held_premoderate,
  flag_reasons,        // {list}
  reason_spam,
  reason_abuse,
  reason_illegal,
  reason_other,
  reason_none,
  reply_quote,         // {name}
  select_all,
  ban_duration_label,
  dur_1d,
  dur_7d,
  dur_permanent,
  ban_reason_label,
  ban_key,             // {key}
  col_poster,
  col_banned_from,
  col_by,
  col_until,
  col_posts,
  col_name,
  unban,
  bans_empty,
  unbanned,            // {key}
  audit_unban,
  queue_total,         // {n}
  // An author's edits
  badge_edited,
  edited_at,           // {time}
  edited_by_author,    // #{id}
  count_
};

std::string_view text(cmweb::Lang lang, M id) noexcept;

}  // namespace cmmod

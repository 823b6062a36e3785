// The filter lists panel of the Console: the banned and suspect words as the
// server has them, editable, with the rule preview of the edit.
#include <vector>

#include "comments/limits.hpp"
#include "common/dom.hpp"
#include "moderator/console.hpp"
#include "moderator/json_fields.hpp"

namespace cmmod {

using cmweb::append;
using cmweb::fill_in;
using cmweb::make_element;
using cmweb::set_attr;
using cmweb::set_text;
using comments::Comment;
using comments::FilterLists;
using comments::Verdict;
using nlohmann::json;

namespace {

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::publish: return "publish";
    case Verdict::hold: return "hold";
    case Verdict::block: return "block";
  }
  return "publish";
}

}  // namespace

val Console::build_filters_panel() {
  val panel = make_element(document_, "section", "mod-panel mod-filter-lists");
  val help = make_element(document_, "p", "mod-help-text");
  set_attr(help, "id", "mod-filters-help");
  set_text(help, t(M::filters_help));
  append(panel, help);

  val lists = make_element(document_, "div", "mod-lists");
  const std::pair<const char*, M> fields[] = {{"mod-banned-words", M::banned_words_label},
                                              {"mod-suspect-words", M::suspect_words_label}};
  for (const auto& [id, label] : fields) {
    val area = labelled_control(lists, id, label, "textarea", "mod-field mod-words", "mod-input mod-textarea");
    set_attr(area, "rows", "8");
    set_attr(area, "spellcheck", "false");
    set_attr(area, "aria-describedby", "mod-filters-help");
    listener_ids_.push_back(cmweb::add_listener(area, "input", [this](const val&) { render_preview(); }));
    if (std::string_view(id) == "mod-banned-words") banned_words_el_ = area;
    else suspect_words_el_ = area;
  }
  append(panel, lists);

  val foot = make_element(document_, "div", "mod-filters-foot");
  val save = make_element(document_, "button", "mod-button mod-primary");
  set_attr(save, "type", "button");
  set_attr(save, "data-command", "filters-save");
  set_text(save, t(M::filters_save));
  append(foot, save);
  val revert = make_element(document_, "button", "mod-button mod-quiet");
  set_attr(revert, "type", "button");
  set_attr(revert, "data-command", "filters-revert");
  set_text(revert, t(M::filters_revert));
  append(foot, revert);
  filters_status_el_ = make_element(document_, "p", "mod-filters-status");
  set_attr(filters_status_el_, "role", "status");
  append(foot, filters_status_el_);
  append(panel, foot);

  val preview = make_element(document_, "section", "mod-preview");
  set_attr(preview, "aria-labelledby", "mod-preview-heading");
  val heading = make_element(document_, "h2");
  set_attr(heading, "id", "mod-preview-heading");
  set_text(heading, t(M::preview_heading));
  append(preview, heading);
  val note = make_element(document_, "p", "mod-help-text");
  set_text(note, t(M::preview_note));
  append(preview, note);
  preview_summary_el_ = make_element(document_, "p", "mod-preview-summary");
  set_attr(preview_summary_el_, "aria-live", "polite");
  append(preview, preview_summary_el_);
  preview_table_el_ = make_element(document_, "table", "mod-table mod-preview-table");
  set_attr(preview_table_el_, "aria-labelledby", "mod-preview-heading");
  append(preview_table_el_, table_head({M::col_decision, M::col_reason, M::col_comment, M::col_now}));
  preview_body_el_ = make_element(document_, "tbody");
  append(preview_table_el_, preview_body_el_);
  append(preview, preview_table_el_);
  append(panel, preview);
  return panel;
}

void Console::load_filters() {
  json message = {{"type", "filters"}};
  connection_.request(std::move(message), [this](const json& reply) {
    if (json_string(reply, "type") != "filters") {
      if (json_string(reply, "code") != "offline") show_alert(error_text(reply));
      return;
    }
    // Keep an edit in progress across a reconnect; otherwise show the server's lists.
    if (filters_.server_lists({json_strings(reply, "banned"), json_strings(reply, "suspect")}, edited_lists())) {
      set_lists(filters_.server());
    }
    render_preview();
  });
}

// The preview needs comments to look at: the newest of every status.
void Console::load_preview_sample() {
  json message = {{"type", "queue"}, {"status", "all"}, {"limit", comments::limits::max_queue_limit}};
  sample_loaded_ = connection_.request(std::move(message), [this](const json& reply) {
    if (json_string(reply, "type") != "queue") {
      sample_loaded_ = false;
      return;
    }
    for (const Comment& c : json_comments(reply, "items")) model_.remember(c);
    render_preview();
  });
}

FilterLists Console::edited_lists() const {
  return {split_lines(cmweb::get_value(banned_words_el_)),
          split_lines(cmweb::get_value(suspect_words_el_))};
}

void Console::set_lists(const FilterLists& lists) {
  cmweb::set_value(banned_words_el_, join_lines(lists.banned));
  cmweb::set_value(suspect_words_el_, join_lines(lists.suspect));
}

std::string_view Console::verdict_text(Verdict v) const {
  return t(v == Verdict::block ? M::verdict_block : v == Verdict::hold ? M::verdict_hold
                                                                        : M::verdict_publish);
}

// core's reasons are English sentences with a fixed shape; the console shows
// them in its own language.
std::string Console::reason_text(const comments::FilterDecision& d) const {
  constexpr std::string_view banned = "banned word: ";
  constexpr std::string_view suspect = "suspect word: ";
  constexpr std::string_view links = " links";
  const std::string_view r = d.reason;
  if (r.starts_with(banned)) return fill_in(t(M::reason_banned), "w", r.substr(banned.size()));
  if (r.starts_with(suspect)) return fill_in(t(M::reason_suspect), "w", r.substr(suspect.size()));
  if (r.ends_with(links)) return fill_in(t(M::reason_links), "n", r.substr(0, r.size() - links.size()));
  return d.reason;
}

bool Console::show_problem(const std::string& problem) {
  if (problem.empty()) return false;
  set_text(filters_status_el_, fill_in(t(M::filters_invalid), "reason", problem));
  cmweb::toggle_class(filters_status_el_, "mod-error", true);
  return true;
}

void Console::render_preview() {
  if (!filters_.loaded()) return;
  const FilterLists lists = edited_lists();
  const EditState state = filters_.check(lists);
  if (show_problem(state.problem)) return;
  cmweb::toggle_class(filters_status_el_, "mod-error", false);
  set_text(filters_status_el_, state.unsaved ? t(M::filters_unsaved) : "");

  const PreviewResult result = filters_.preview(lists, model_.sample());

  std::string summary = fill_in(t(M::preview_summary), "n", static_cast<long long>(result.checked));
  summary = fill_in(summary, "b0", static_cast<long long>(result.blocked_now));
  summary = fill_in(summary, "h0", static_cast<long long>(result.held_now));
  summary = fill_in(summary, "b", static_cast<long long>(result.blocked));
  summary = fill_in(summary, "h", static_cast<long long>(result.held));
  if (result.rows.empty()) summary += " " + std::string(t(M::preview_none));
  set_text(preview_summary_el_, summary);

  cmweb::remove_children(preview_body_el_);
  for (const PreviewRow& row : result.rows) {
    val tr = make_element(document_, "tr", "mod-verdict-" + std::string(verdict_name(row.proposed.verdict)));
    set_attr(tr, "data-id", std::to_string(row.comment.id));
    set_attr(tr, "data-verdict", verdict_name(row.proposed.verdict));
    val decision = make_element(document_, "td", "mod-decision");
    set_text(decision, verdict_text(row.proposed.verdict));
    append(tr, decision);
    val reason = make_element(document_, "td", "mod-reason");
    set_text(reason, reason_text(row.proposed));
    append(tr, reason);
    val comment = make_element(document_, "td", "mod-preview-comment");
    val who = make_element(document_, "span", "mod-author");
    set_text(who, row.comment.author);
    append(comment, who);
    val id = make_element(document_, "span", "mod-id");
    set_text(id, "#" + std::to_string(row.comment.id));
    append(comment, id);
    append_edited_mark(comment, row.comment);
    val body = make_element(document_, "div", "mod-body");
    set_text(body, row.comment.body);
    append(comment, body);
    append(tr, comment);
    val now = make_element(document_, "td", "mod-now");
    set_text(now, verdict_text(row.current.verdict));
    append(tr, now);
    append(preview_body_el_, tr);
  }
  cmweb::set_hidden(preview_table_el_, result.rows.empty());
}

void Console::save_filters() {
  const FilterLists lists = edited_lists();
  if (show_problem(problem_of(lists))) return;
  json message = {{"type", "filters"}, {"banned", lists.banned}, {"suspect", lists.suspect}};
  const bool sent = connection_.request(std::move(message), [this](const json& reply) {
    if (json_string(reply, "type") != "filters") {
      audit_.expect_filters(false);
      const std::string reason = json_string(reply, "message");
      show_problem(reason.empty() ? error_text(reply) : reason);
      return;
    }
    filters_.server_lists({json_strings(reply, "banned"), json_strings(reply, "suspect")}, edited_lists());
    set_lists(filters_.server());
    render_preview();
    set_text(filters_status_el_, t(M::filters_saved));
    announce(std::string(t(M::filters_saved)));
  });
  if (!sent) {
    set_text(filters_status_el_, cmweb::tr(config_.lang, cmweb::Msg::err_offline));
    return;
  }
  audit_.expect_filters(true);
}

void Console::revert_filters() {
  set_lists(filters_.server());
  render_preview();
}

}  // namespace cmmod

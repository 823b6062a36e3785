// The moderators' console (web/moderate.html): sign-in with the moderator
// token, the review queues with live arrivals and keyboard-first actions, the
// filter lists with a rule preview run by core's ModerationFilter, and the
// audit log. One Console per page, talking to the server over one Connection
// from wasm/common. What it holds and decides is in its models (ConsoleModel,
// QueueModel, FilterEditor, AuditLog: pure C++); the Console builds the page,
// renders them, translates DOM events and carries requests and replies.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include <emscripten/val.h>
#include <nlohmann/json.hpp>

#include "comments/comment.hpp"
#include "comments/filter.hpp"
#include "common/connection.hpp"
#include "common/i18n.hpp"
#include "moderator/audit_model.hpp"
#include "moderator/console_model.hpp"
#include "moderator/filters_model.hpp"
#include "moderator/strings.hpp"

namespace cmmod {

using emscripten::val;

struct ConsoleConfig {
  std::string server;  // http(s) origin of the comment server
  cmweb::Lang lang = cmweb::Lang::zh_CN;
  std::string other_language_href;  // link to the page in the other language
};

class Console {
 public:
  Console(val root, ConsoleConfig config);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  void start();

 private:
  enum class Panel : std::uint8_t { queues, filters, audit, bans };

  std::string_view t(M id) const { return text(config_.lang, id); }

  // ---- Shell (console.cpp)
  void build();
  val build_signin();
  val build_queue_panel();
  val build_filters_panel();
  val build_audit_panel();
  val build_bans_panel();
  val build_help();
  // <div class=field_class><label for=id>…</label><tag id=id class=control_class></div> in parent.
  val labelled_control(const val& parent, std::string_view id, M label, std::string_view tag,
                       std::string_view field_class, std::string_view control_class);
  val labelled_input(const val& parent, std::string_view id, M label, std::string_view type);
  void on_connected();
  void on_disconnected(double retry_ms);
  void on_event(const nlohmann::json& event);
  void submit_signin();
  void authenticate(const std::string& token, bool typed);
  void on_signed_in();
  void show_signed_in(bool signed_in);
  void sign_out();
  void select_panel(Panel panel);
  void on_click(const val& event);
  void on_keydown(const val& event);
  void open_help();
  void close_help();
  void announce(const std::string& message);
  void show_alert(const std::string& message);
  std::string error_text(const nlohmann::json& reply) const;

  // ---- Queues (queue_view.cpp)
  void select_queue(Queue queue);
  void apply_filter_form();
  void clear_filter_form();
  void load_queue(bool older);
  void render_queue();
  val render_item(const comments::Comment& c);
  void render_tabs();
  void render_toolbar();
  void focus_cursor();
  void refresh_times();
  static void on_clock_tick(void* self);
  void move_cursor(int delta);
  void act(Action action);
  void disarm_ban();
  void run_ban(const std::vector<comments::Comment>& targets);
  // <td><time datetime=…>local date and time</time></td> appended to `tr`.
  void append_time_cell(val& tr, std::int64_t ms);
  // <thead><tr><th scope=col>…</th>…</tr></thead> with the columns' labels.
  emscripten::val table_head(std::initializer_list<M> columns);
  // One request per target (`message_for`); `accept` takes a reply in and says
  // whether it succeeded. Once every reply is in, the summary of how many
  // succeeded is announced and the failures are shown, each naming `label`.
  void send_batch(const std::vector<comments::Comment>& targets,
                  const std::function<nlohmann::json(const comments::Comment&)>& message_for, M label,
                  std::function<bool(std::int64_t id, const nlohmann::json& reply)> accept,
                  std::function<std::string(int done)> summary_of);
  void on_queued(const comments::Comment& c);
  // An author edited a published comment (`edited`): shown with its new text.
  void on_edited(const comments::Comment& c);
  // <span class="mod-tag mod-tag-edited" title="when">已编辑</span> appended
  // to `parent` when c's author edited it.
  void append_edited_mark(val& parent, const comments::Comment& c);
  void refetch(std::int64_t id);
  // The `context` of each item of a queue reply, kept by comment id.
  void remember_contexts(const nlohmann::json& reply);
  // Why the comment is held, its report reasons and its parent's text, and
  // its body with the matched filter word marked, appended to `main`.
  void render_context(val& main, const comments::Comment& c, const nlohmann::json* context);
  std::string reason_label(const std::string& reason) const;
  void toggle_select_all();

  // ---- Bans (bans_view.cpp)
  void load_bans();
  void render_bans(const nlohmann::json& bans);
  void unban(const std::string& key);

  // ---- Filter lists and rule preview (filters_view.cpp)
  void load_filters();
  void load_preview_sample();
  void render_preview();
  void save_filters();
  void revert_filters();
  comments::FilterLists edited_lists() const;
  void set_lists(const comments::FilterLists& lists);
  // Shows what is wrong with the edit; false when nothing is.
  bool show_problem(const std::string& problem);
  std::string reason_text(const comments::FilterDecision& d) const;
  std::string_view verdict_text(comments::Verdict v) const;

  // ---- Audit log (audit_view.cpp)
  void load_audit(bool older);
  void on_audited(const nlohmann::json& entry);
  void render_audit();
  std::string action_label(const std::string& action) const;

  val root_;
  val document_;
  ConsoleConfig config_;
  cmweb::Connection connection_;
  int utc_offset_minutes_ = 0;
  long clock_timer_ = 0;
  std::vector<int> listener_ids_;

  // Session
  bool signed_in_ = false;
  bool signing_in_ = false;
  Panel panel_ = Panel::queues;

  // Queues
  ConsoleModel model_;
  bool queue_loading_ = false;
  std::uint64_t queue_generation_ = 0;  // replies of an older query are ignored

  // Filters
  FilterEditor filters_;
  bool sample_loaded_ = false;  // the preview's sample was asked for

  // Audit
  AuditLog audit_;

  // Context of the queue's comments (the server's `context`, by id) and the
  // pending/flagged totals of the last queue reply.
  std::map<std::int64_t, nlohmann::json> contexts_;
  std::map<Queue, std::int64_t> totals_;

  // Elements
  val status_el_ = val::undefined();
  val alert_el_ = val::undefined();
  val live_el_ = val::undefined();
  val signout_el_ = val::undefined();
  val help_button_el_ = val::undefined();
  val signin_el_ = val::undefined();
  val token_el_ = val::undefined();
  val signin_submit_el_ = val::undefined();
  val signin_error_el_ = val::undefined();
  val app_el_ = val::undefined();
  std::map<Panel, val> panel_tabs_;
  std::map<Panel, val> panels_;
  std::map<Queue, val> queue_tabs_;
  std::map<Queue, val> queue_badges_;
  val thread_filter_el_ = val::undefined();
  val author_filter_el_ = val::undefined();
  val text_filter_el_ = val::undefined();
  val selected_el_ = val::undefined();
  val toolbar_status_el_ = val::undefined();
  val ban_button_el_ = val::undefined();
  val select_all_el_ = val::undefined();
  val ban_duration_el_ = val::undefined();
  val ban_reason_el_ = val::undefined();
  std::map<Queue, val> queue_totals_;
  val bans_body_el_ = val::undefined();
  val bans_empty_el_ = val::undefined();
  val list_el_ = val::undefined();
  val queue_empty_el_ = val::undefined();
  val older_el_ = val::undefined();
  val banned_words_el_ = val::undefined();
  val suspect_words_el_ = val::undefined();
  val filters_status_el_ = val::undefined();
  val preview_summary_el_ = val::undefined();
  val preview_body_el_ = val::undefined();
  val preview_table_el_ = val::undefined();
  val audit_body_el_ = val::undefined();
  val audit_empty_el_ = val::undefined();
  val audit_older_el_ = val::undefined();
  val help_el_ = val::undefined();
  val help_close_el_ = val::undefined();
  val help_return_focus_ = val::undefined();
};

}  // namespace cmmod

// The reader's comment widget: one per container on the page, rendered into
// the container's shadow root, talking to the comment server over its own
// Connection. What is shown is decided by its WidgetModel (core's ThreadView
// kept current by the snapshot, live events and `more` pages, own posts,
// muted words; widget_model.hpp); reader-side muted words use core's
// ModerationFilter, the same code the server runs, from the filter module the
// loader fetches only for readers who mute words (wasm/filter).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <emscripten/val.h>

#include "comments/comment.hpp"
#include "common/js_connection.hpp"
#include "common/i18n.hpp"
#include "common/small_map.hpp"
#include "widget/widget_model.hpp"

namespace cmwidget {

using emscripten::val;

struct WidgetConfig {
  std::string thread;      // thread key
  std::string server;      // http(s) origin of the comment server
  cmweb::Lang lang = cmweb::Lang::zh_CN;
  int limit = 10;          // how many newest comments are shown (1-50)
  std::string disclaimer;  // empty: the default line of the language
  bool more = true;        // the "show more comments" control (data-more="off": none)
  // {title, url}: the page's title (at most 200 characters) and canonical
  // URL, sent in `join` (optional fields; the loader leaves out empty ones).
  val page = val::undefined();
  // Minutes east of UTC where old comments are dated: the zone of the
  // server-rendered block taken over (its data-utc-offset), as the block
  // dates them, else the reader's (the loader decides).
  int utc_offset = 0;
  // The loader's report(button): the lazily loaded report form
  // (comments-report.js) asks the reader for a reason, then its send button
  // (data-action="report", data-reason) comes to on_click. report(id) once
  // the server took it: remembered in localStorage.
  val report = val::undefined();
  // The ids this browser reported (an array of numbers).
  val flagged = val::undefined();
  // The loader's own(ack): hands each ack of this reader's posts (with the
  // secret that proves the author) to the lazily loaded author's part
  // (comments-own.js: edit, delete, held posts after a reload).
  val own = val::undefined();
  // The loader's loadFilter(target): fetches the filter module and then
  // dispatches a "cm-filter" event on `target` whose detail is the module
  // (or null when it cannot be loaded). Undefined: muted words cannot apply.
  val load_filter = val::undefined();
};

class Widget;

// The seam for moderator mode: an extension adds controls to each comment and
// handles their clicks (buttons carrying data-action) and the events the
// widget does not know (such as `queued`).
class WidgetExtension {
 public:
  virtual ~WidgetExtension() = default;
  virtual void decorate(Widget& widget, val actions, const comments::Comment& c) = 0;
  // True when it handled the action.
  virtual bool on_action(Widget& widget, const std::string& action, std::int64_t id) = 0;
  virtual void on_event(Widget& widget, const val& event) = 0;
  virtual void on_connected(Widget& widget) = 0;
};

// The extension a widget of `thread` (shadow root `root`) starts with, or
// nullptr. Each build of the widget links one definition: the readers' build
// (comments-widget) none at all (reader_build.cpp), the moderators' build
// (comments-widget-mod) moderator mode when this tab holds a moderator token
// (moderator_mode.cpp). So moderator code never reaches a reader's download.
std::unique_ptr<WidgetExtension> make_extension(const std::string& thread, val root);

// The widget's view and its connection: one class in two files.
// widget_view.cpp builds the DOM and updates it from the model's state, and
// turns clicks and the form into model and connection calls;
// widget_connection.cpp is the glue between the session (common/js_connection:
// server frames as JS values) and the model's inputs. What the widget holds
// and decides is the WidgetModel (widget_model.hpp, pure C++).
// The filter module's word list of one widget, asked whether muted words hide
// a comment: the check WidgetModel::list and ::announces make once it is here.
struct FilterModule {
  const val& filter;
  bool operator()(const comments::Comment& c) const { return filter.call<bool>("blocks", c.author, c.body); }
};

class Widget {
 public:
  // `host`: the container element; `root`: its shadow root; `fragment`: the
  // server's no-JS block inside the container (or null) to take over.
  Widget(val host, val root, val fragment, WidgetConfig config);
  ~Widget();
  Widget(const Widget&) = delete;
  Widget& operator=(const Widget&) = delete;

  void start();

  void set_extension(std::unique_ptr<WidgetExtension> extension);
  cmweb::JsConnection& connection() { return connection_; }
  cmweb::Lang lang() const noexcept { return config_.lang; }
  // Re-renders the list (e.g. after an extension changed what it decorates).
  void render_list();
  // Shows a short message in the status line (errors in role=alert).
  void show_notice(const std::string& text, bool is_error);

 private:
  struct RenderedItem {
    val element;
    comments::Comment comment;
    ItemKind kind;
    bool flagged;
    std::string time_text;
  };

  // ---- View (widget_view.cpp)
  void build();
  void take_over_fragment();
  void set_state(std::string_view state);
  val render_item(const comments::Comment& c, ItemKind kind, bool flagged);
  void append_body(val container, const std::string& body);
  void render_header();
  void refresh_times();
  static void on_clock_tick(void* self);
  void announce(const std::string& text);
  void on_click(const val& event);
  void on_submit();
  void update_counter();
  void start_reply(std::int64_t id);
  void cancel_reply();
  // Puts the form under the comment replied to, or back in its place.
  void place_form();
  void save_muted_words();
  void request_filter();
  void on_filter(const val& module);
  std::string set_filter_words(const std::vector<std::string>& words);
  void restore_text(const std::string& body);
  void set_form_message(const std::string& text, bool is_error);
  void start_rate_countdown();
  static void on_rate_tick(void* self);

  // ---- Connection glue (widget_connection.cpp)
  void on_connected();
  void on_disconnected(double retry_ms);
  void on_event(const val& event);
  void join();
  void handle_snapshot(const val& snapshot);
  void request_refill();
  void flag(std::int64_t id, const std::string& reason);
  // Sends the form's post; false when the connection is down.
  bool send_post(const std::string& author, WidgetModel::OwnPost post);
  void handle_post_reply(int local_id, const val& reply);

  val host_;
  val root_;
  val fragment_;
  val document_;
  WidgetConfig config_;
  cmweb::JsConnection connection_;
  WidgetModel model_;
  // This widget's word list in the filter module (its create()), undefined
  // until the module is here.
  val muted_filter_ = val::undefined();
  bool filter_requested_ = false;
  bool painted_ = false;
  bool refill_in_flight_ = false;  // a `more` page is on its way
  long rate_timer_ = 0;
  long clock_timer_ = 0;
  int utc_offset_minutes_ = 0;
  std::vector<int> listener_ids_;
  cmweb::SmallMap<std::string, RenderedItem> rendered_;  // by ListItem::key, in list order
  std::unique_ptr<WidgetExtension> extension_;

  // Elements
  val count_el_ = val::undefined();
  val status_el_ = val::undefined();
  val alert_el_ = val::undefined();
  val list_el_ = val::undefined();
  val empty_el_ = val::undefined();
  val hidden_note_el_ = val::undefined();
  val more_note_el_ = val::undefined();
  val more_el_ = val::undefined();
  val form_home_el_ = val::undefined();  // the form goes back before this
  val live_el_ = val::undefined();
  val form_el_ = val::undefined();
  val name_el_ = val::undefined();
  val body_el_ = val::undefined();
  val counter_el_ = val::undefined();
  val submit_el_ = val::undefined();
  val replying_el_ = val::undefined();
  val replying_text_el_ = val::undefined();
  val form_error_el_ = val::undefined();
  val muted_input_el_ = val::undefined();
  val muted_status_el_ = val::undefined();
};

}  // namespace cmwidget

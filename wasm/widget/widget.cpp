#include "widget/widget.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <emscripten/eventloop.h>
#include <emscripten/html5.h>

#include "comments/limits.hpp"
#include "comments/text.hpp"
#include "common/dom.hpp"
#include "common/js_message.hpp"
#include "common/links.hpp"
#include "common/relative_time.hpp"
#include "common/storage.hpp"

namespace cmwidget {

using cmweb::Msg;
using cmweb::tr;
using comments::Comment;
using comments::Status;

namespace {

constexpr std::string_view author_storage_key = "comments.author";
constexpr std::string_view muted_storage_key = "comments.muted";
constexpr double clock_tick_ms = 30'000;

std::int64_t now_ms() { return static_cast<std::int64_t>(emscripten_date_now()); }

std::optional<std::int64_t> parse_id(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return value;
}

// Muted words as the reader typed them: separated by commas (ASCII or
// full-width), the ideographic enumeration comma or new lines.
std::vector<std::string> split_words(const std::string& input) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    auto trimmed = comments::text::trim(current);
    if (!trimmed.empty()) words.emplace_back(trimmed);
    current.clear();
  };
  for (std::size_t i = 0; i < input.size();) {
    if (input[i] == ',' || input[i] == '\n' || input[i] == '\r') {
      flush();
      ++i;
    } else if (input.compare(i, 3, "，") == 0 || input.compare(i, 3, "、") == 0) {
      flush();
      i += 3;
    } else {
      current.push_back(input[i++]);
    }
  }
  flush();
  return words;
}

std::string join_words(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.append(separator);
    out.append(w);
  }
  return out;
}

}  // namespace

Widget::Widget(val host, val root, val fragment, WidgetConfig config)
    : host_(std::move(host)),
      root_(std::move(root)),
      fragment_(std::move(fragment)),
      document_(cmweb::owner_document(host_)),
      config_(std::move(config)),
      connection_(cmweb::websocket_url_for(config_.server),
                  cmweb::JsConnection::Handlers{
                      [this] { on_connected(); },
                      [this](double retry_ms) { on_disconnected(retry_ms); },
                      [this](const val& event) { on_event(event); }}),
      view_(static_cast<std::size_t>(config_.limit)) {}

Widget::~Widget() {
  for (int id : listener_ids_) cmweb::remove_listener(id);
  if (clock_timer_ != 0) emscripten_clear_interval(clock_timer_);
  if (rate_timer_ != 0) emscripten_clear_interval(rate_timer_);
}

void Widget::set_extension(std::unique_ptr<WidgetExtension> extension) {
  extension_ = std::move(extension);
  render_list();
}

void Widget::start() {
  // getTimezoneOffset() is minutes *west* of UTC.
  utc_offset_minutes_ = -val::global("Date").new_().call<int>("getTimezoneOffset");
  load_muted_words();
  build();
  if (!muted_words_.empty()) request_filter();
  take_over_fragment();
  clock_timer_ = emscripten_set_interval(&Widget::on_clock_tick, clock_tick_ms, this);
  if (connection_.url().empty()) {
    show_notice(std::string(tr(config_.lang, Msg::connect_failed)), true);
    set_state("offline");
    return;
  }
  set_state("connecting");
  connection_.start();
}

// ---- Building the DOM --------------------------------------------------------

void Widget::build() {
  using namespace cmweb;
  const auto lang = config_.lang;
  // The loader shows the no-JS block through a <slot> until the widget runs.
  val boot = root_.call<val>("querySelectorAll", js_string("slot, .cm-boot"));
  for (int i = 0, n = boot["length"].as<int>(); i < n; ++i) boot[i].call<void>("remove");

  // The fixed part of the widget as one piece of markup: far less Wasm than
  // building it node by node, and only the widget's own strings go into it
  // (escaped all the same). Everything a reader, the page or the server
  // supplies is set as text afterwards.
  const auto text = [lang](Msg msg) { return comments::text::html_escape(tr(lang, msg)); };
  std::string html;
  html.append(R"(<header class="cm-head"><h2 class="cm-title" id="cm-title">)")
      .append(text(Msg::title))
      .append(R"(<span class="cm-count"></span></h2><p class="cm-status" role="status"></p></header>)"
              R"(<p class="cm-disclaimer"></p><p class="cm-alert" role="alert" hidden></p>)"
              R"(<ol class="cm-list" aria-labelledby="cm-title"></ol><p class="cm-empty">)")
      .append(text(have_snapshot_ ? Msg::empty : Msg::loading))
      .append(R"(</p><p class="cm-note cm-hidden-note" hidden></p><p class="cm-note cm-more-note" hidden></p>)"
              // New comments are announced politely by screen readers.
              R"(<div class="cm-visually-hidden" aria-live="polite"></div>)"
              // The posting form ("发表评论")
              R"(<form class="cm-form" aria-labelledby="cm-post-heading" novalidate>)"
              R"(<h3 class="cm-post-heading" id="cm-post-heading">)")
      .append(text(Msg::post_heading))
      .append(R"(</h3><p class="cm-replying" hidden><span class="cm-replying-text"></span>)"
              R"(<button class="cm-link-button" type="button" data-action="cancel-reply">)")
      .append(text(Msg::cancel))
      .append(R"(</button></p><div class="cm-field cm-field-name"><label for="cm-name">)")
      .append(text(Msg::name_label))
      .append(R"(</label><input class="cm-input" id="cm-name" name="author" autocomplete="nickname" placeholder=")")
      .append(text(Msg::name_placeholder))
      .append(R"("></div><div class="cm-field cm-field-body"><label for="cm-text">)")
      .append(text(Msg::body_label))
      .append(R"(</label><textarea class="cm-input cm-textarea" id="cm-text" name="body" rows="4")"
              R"( aria-describedby="cm-counter" placeholder=")")
      .append(text(Msg::body_placeholder))
      .append(R"("></textarea></div><div class="cm-form-foot"><span class="cm-counter" id="cm-counter"></span>)"
              R"(<button class="cm-submit" type="submit">)")
      .append(text(Msg::submit))
      .append(R"(</button></div><p class="cm-form-error" role="alert"></p></form>)"
              // Reader-side muted words
              R"(<details class="cm-muted"><summary>)")
      .append(text(Msg::muted_heading))
      .append(R"(</summary><label class="cm-muted-help" for="cm-muted-words">)")
      .append(text(Msg::muted_help))
      .append(R"(</label><textarea class="cm-input cm-muted-words" id="cm-muted-words" rows="2"></textarea>)"
              R"(<div class="cm-form-foot"><span class="cm-muted-status" role="status"></span>)"
              R"(<button class="cm-button" type="button" data-action="save-muted">)")
      .append(text(Msg::muted_save))
      .append("</button></div></details>");

  val section = make_element(document_, "section", "cm-widget");
  set_attr(section, "lang", lang_tag(lang));
  set_attr(section, "aria-labelledby", "cm-title");
  section.set("innerHTML", html);
  const auto find = [&section](const char* selector) {
    return section.call<val>("querySelector", js_string(selector));
  };
  count_el_ = find(".cm-count");
  status_el_ = find(".cm-status");
  set_text(find(".cm-disclaimer"), config_.disclaimer.empty() ? tr(lang, Msg::disclaimer)
                                                              : std::string_view(config_.disclaimer));
  alert_el_ = find(".cm-alert");
  list_el_ = find(".cm-list");
  empty_el_ = find(".cm-empty");
  hidden_note_el_ = find(".cm-hidden-note");
  more_note_el_ = find(".cm-more-note");
  live_el_ = find(".cm-visually-hidden");
  form_el_ = find(".cm-form");
  replying_el_ = find(".cm-replying");
  replying_text_el_ = find(".cm-replying-text");
  name_el_ = find("#cm-name");
  if (auto remembered = storage::get(author_storage_key)) set_value(name_el_, *remembered);
  body_el_ = find("#cm-text");
  counter_el_ = find(".cm-counter");
  submit_el_ = find(".cm-submit");
  form_error_el_ = find(".cm-form-error");
  muted_input_el_ = find(".cm-muted-words");
  set_value(muted_input_el_, join_words(muted_words_, "\n"));
  muted_status_el_ = find(".cm-muted-status");

  append(root_, section);
  update_counter();
  render_header();

  listener_ids_.push_back(add_listener(root_, "click", [this](const val& e) { on_click(e); }));
  listener_ids_.push_back(add_listener(form_el_, "submit", [this](const val& e) {
    e.call<void>("preventDefault");
    on_submit();
  }));
  listener_ids_.push_back(add_listener(body_el_, "input", [this](const val&) { update_counter(); }));
  listener_ids_.push_back(add_listener(body_el_, "keydown", [this](const val& e) {
    // Ctrl+Enter / Cmd+Enter posts, as in most comment boxes.
    if (e["key"].as<std::string>() == "Enter" &&
        (e["ctrlKey"].as<bool>() || e["metaKey"].as<bool>())) {
      e.call<void>("preventDefault");
      on_submit();
    }
  }));
}

// The server's no-JS block (/embed/latest) already holds the newest comments:
// show them at once; the snapshot replaces them moments later.
void Widget::take_over_fragment() {
  if (fragment_.isNull() || fragment_.isUndefined()) return;
  using cmweb::js_string;
  val items = fragment_.call<val>("querySelectorAll", js_string("li.cm-comment"));
  std::vector<Comment> newest;
  std::vector<Comment> pinned;
  val date = val::global("Date");
  for (int i = 0, n = items["length"].as<int>(); i < n; ++i) {
    val li = items[i];
    auto id = parse_id(cmweb::get_attr(li, "data-id"));
    if (!id) continue;
    Comment c;
    c.id = *id;
    c.thread = config_.thread;
    val author = li.call<val>("querySelector", js_string(".cm-author"));
    val body = li.call<val>("querySelector", js_string(".cm-body"));
    val time = li.call<val>("querySelector", js_string("time"));
    if (!author.isNull()) c.author = author["textContent"].as<std::string>();
    if (!body.isNull()) {
      val nodes = body["childNodes"];
      for (int k = 0, count = nodes["length"].as<int>(); k < count; ++k) {
        val node = nodes[k];
        c.body += node["nodeName"].as<std::string>() == "BR" ? std::string("\n")
                                                             : node["textContent"].as<std::string>();
      }
    }
    if (!time.isNull()) {
      const double ms = date.call<double>("parse", js_string(cmweb::get_attr(time, "datetime")));
      if (std::isfinite(ms)) c.created = static_cast<std::int64_t>(ms);
    }
    c.pinned = li["classList"].call<bool>("contains", js_string("cm-pinned"));
    if (c.pinned) pinned.push_back(c);
    newest.push_back(std::move(c));
  }
  auto total = parse_id(cmweb::get_attr(fragment_, "data-total"));
  if (newest.empty() && !total) return;
  if (newest.size() > view_.capacity()) newest.resize(view_.capacity());
  view_.reset(std::move(newest), std::move(pinned),
              total.value_or(static_cast<std::int64_t>(newest.size())));
  have_snapshot_ = true;
  render_list();
}

// ---- Connection ----------------------------------------------------------------

void Widget::set_state(std::string_view state) { cmweb::set_attr(host_, "data-state", state); }

void Widget::on_connected() {
  set_state("live");
  cmweb::set_text(status_el_, "");
  join();
  if (extension_) extension_->on_connected(*this);
}

void Widget::on_disconnected(double retry_ms) {
  set_state("offline");
  const auto seconds = static_cast<long long>(std::ceil(retry_ms / 1000));
  cmweb::set_text(status_el_,
                  std::string(tr(config_.lang, Msg::offline)) + " " +
                      cmweb::fill_in(tr(config_.lang, Msg::reconnecting_in), "n", seconds));
  refill_in_flight_ = false;
}

void Widget::join() {
  val message = cmweb::js::message("join");
  cmweb::js::set(message, "thread", config_.thread);
  cmweb::js::set(message, "limit", config_.limit);
  connection_.request(std::move(message), [this](const val& reply) {
    const std::string type = cmweb::js::text_at(reply, "type");
    if (type == "snapshot") {
      handle_snapshot(reply);
    } else if (type == "error" && cmweb::js::text_at(reply, "code") != "offline") {
      show_notice(std::string(tr(config_.lang,
                                 cmweb::error_message_for(cmweb::js::text_at(reply, "code")))),
                  true);
    }
  });
}

void Widget::handle_snapshot(const val& snapshot) {
  view_.reset(cmweb::js::comments_at(snapshot, "comments"), cmweb::js::comments_at(snapshot, "pinned"),
              cmweb::js::int_at(snapshot, "total").value_or(0));
  have_snapshot_ = true;
  cmweb::set_hidden(alert_el_, true);
  // Held posts that were approved meanwhile are now part of the thread.
  std::erase_if(own_posts_, [this](const OwnPost& p) {
    return p.state == OwnState::pending && view_.find(p.comment.id) != nullptr;
  });
  if (interrupted_post_) {
    for (const Comment& c : view_.newest()) {
      if (c.body == interrupted_post_->body && c.author == interrupted_post_->author) {
        // It arrived after all: drop the restored copy if the reader left it as it was.
        if (comments::text::trim(cmweb::get_value(body_el_)) == c.body) {
          cmweb::set_value(body_el_, "");
          update_counter();
          set_form_message(std::string(tr(config_.lang, Msg::posted)), false);
        }
        break;
      }
    }
    interrupted_post_.reset();
  }
  render_list();
  request_refill();
}

void Widget::request_refill() {
  if (refill_in_flight_ || !view_.needs_refill() || !connection_.connected()) return;
  if (view_.newest().empty()) {
    join();
    return;
  }
  const auto missing = static_cast<int>(view_.capacity() - view_.newest().size());
  val message = cmweb::js::message("more");
  cmweb::js::set(message, "thread", config_.thread);
  cmweb::js::set(message, "before", view_.newest().back().id);
  cmweb::js::set(message, "limit", std::clamp(missing, 1, comments::limits::max_join_limit));
  refill_in_flight_ = connection_.request(std::move(message), [this](const val& reply) {
    refill_in_flight_ = false;
    if (cmweb::js::text_at(reply, "type") != "page") return;
    auto older = cmweb::js::comments_at(reply, "comments");
    if (older.empty()) return;
    view_.append_older(older);
    render_list();
    request_refill();
  });
}

void Widget::on_event(const val& event) {
  const std::string type = cmweb::js::text_at(event, "type");
  if (type != "comment" && type != "update") {
    if (extension_) extension_->on_event(*this, event);
    return;
  }
  auto c = cmweb::js::comment_from(event["comment"]);
  if (!c || c->thread != config_.thread) return;
  const bool changed = view_.apply(*c, cmweb::js::int_at(event, "total"));
  // A held post of ours that a moderator approved, rejected or deleted.
  const auto own_before = own_posts_.size();
  std::erase_if(own_posts_, [&](const OwnPost& p) {
    return p.state == OwnState::pending && p.comment.id == c->id;
  });
  if (changed || own_posts_.size() != own_before) render_list();
  if (type == "comment" && c->status == Status::published && !is_muted(*c)) {
    announce(cmweb::fill_in(tr(config_.lang, Msg::new_comment), "name", c->author));
  }
  request_refill();
}

// ---- Rendering -----------------------------------------------------------------

bool Widget::is_flagged(std::int64_t id) const {
  return std::find(flagged_.begin(), flagged_.end(), id) != flagged_.end();
}

// Until the filter module is here, a reader with muted words sees no
// published comment at all (the list says it is loading): a muted one must
// never flash up. If the module cannot be loaded, comments show unfiltered and
// the muted-words panel says so.
bool Widget::filter_pending() const {
  return !muted_words_.empty() && muted_filter_.isUndefined() && !filter_failed_;
}

bool Widget::is_muted(const Comment& c) const {
  if (muted_words_.empty() || filter_failed_) return false;
  if (muted_filter_.isUndefined()) return true;
  return muted_filter_.call<bool>("blocks", c.author, c.body);
}

void Widget::announce(const std::string& text) {
  cmweb::set_text(live_el_, "");
  cmweb::set_text(live_el_, text);
}

void Widget::append_body(val container, const std::string& body) {
  for (const auto& run : cmweb::split_links(body)) {
    if (!run.is_link) {
      cmweb::append_text(container, run.text);
      continue;
    }
    val a = cmweb::make_element(document_, "a", "cm-link");
    cmweb::set_attr(a, "href", run.href);
    cmweb::set_attr(a, "rel", "nofollow ugc noopener");
    cmweb::set_attr(a, "target", "_blank");
    cmweb::set_text(a, run.text);
    cmweb::append(container, a);
  }
}

val Widget::render_item(const Comment& c, ItemKind kind, bool flagged) {
  using namespace cmweb;
  const auto lang = config_.lang;
  std::string cls = "cm-comment";
  if (c.pinned && kind == ItemKind::published) cls += " cm-pinned";
  if (kind == ItemKind::sending) cls += " cm-sending";
  if (kind == ItemKind::pending) cls += " cm-pending";
  val li = make_element(document_, "li", cls);
  if (kind != ItemKind::sending) {
    set_attr(li, "id", "cm-c-" + std::to_string(c.id));
    set_attr(li, "data-id", std::to_string(c.id));
  }

  val meta = make_element(document_, "div", "cm-meta");
  val author = make_element(document_, "span", "cm-author");
  set_text(author, c.author.empty() ? comments::limits::anonymous_author : c.author);
  append(meta, author);
  if (c.pinned && kind == ItemKind::published) {
    val badge = make_element(document_, "span", "cm-badge");
    set_text(badge, tr(lang, Msg::pinned));
    append(meta, badge);
  }
  if (kind != ItemKind::published) {
    val state = make_element(document_, "span", "cm-state");
    set_text(state, tr(lang, kind == ItemKind::sending ? Msg::sending : Msg::pending_review));
    append(meta, state);
  }
  val time = make_element(document_, "time", "cm-time");
  set_attr(time, "datetime", iso_utc(c.created));
  set_text(time, relative_time(lang, c.created, now_ms(), utc_offset_minutes_));
  append(meta, time);
  append(li, meta);

  if (c.parent) {
    const Comment* parent = view_.find(*c.parent);
    val reply_to = make_element(document_, "p", "cm-reply-to");
    set_text(reply_to, fill_in(tr(lang, Msg::reply_to_comment), "name",
                               parent ? parent->author : "#" + std::to_string(*c.parent)));
    append(li, reply_to);
  }

  val body = make_element(document_, "div", "cm-body");
  append_body(body, c.body);
  append(li, body);

  if (kind == ItemKind::published) {
    val actions = make_element(document_, "div", "cm-actions");
    val reply = make_element(document_, "button", "cm-link-button");
    set_attr(reply, "type", "button");
    set_attr(reply, "data-action", "reply");
    set_attr(reply, "data-id", std::to_string(c.id));
    set_attr(reply, "aria-label", fill_in(tr(lang, Msg::replying_to), "name", c.author));
    set_text(reply, tr(lang, Msg::reply));
    append(actions, reply);
    val flag_button = make_element(document_, "button", "cm-link-button");
    set_attr(flag_button, "type", "button");
    set_attr(flag_button, "data-action", "flag");
    set_attr(flag_button, "data-id", std::to_string(c.id));
    set_text(flag_button, tr(lang, flagged ? Msg::flagged : Msg::flag));
    if (flagged) set_attr(flag_button, "disabled", "");
    append(actions, flag_button);
    if (extension_) extension_->decorate(*this, actions, c);
    append(li, actions);
  }
  return li;
}

void Widget::render_list() {
  if (list_el_.isUndefined()) return;
  struct Wanted {
    std::string key;
    const Comment* comment;
    ItemKind kind;
  };
  std::vector<Wanted> wanted;
  std::vector<std::int64_t> placed;  // ids already in `wanted`
  // The reader's own posts first, newest first, so a post shows at once.
  for (auto it = own_posts_.rbegin(); it != own_posts_.rend(); ++it) {
    if (it->state == OwnState::sending) {
      wanted.push_back({"s" + std::to_string(it->local_id), &it->comment, ItemKind::sending});
    } else if (view_.find(it->comment.id) == nullptr) {
      wanted.push_back({"c" + std::to_string(it->comment.id), &it->comment, ItemKind::pending});
      placed.push_back(it->comment.id);
    }
  }
  std::size_t hidden = 0;
  const bool waiting_for_filter = filter_pending();
  auto add_published = [&](const Comment& c) {
    if (waiting_for_filter || std::find(placed.begin(), placed.end(), c.id) != placed.end()) return;
    placed.push_back(c.id);
    if (is_muted(c)) {
      ++hidden;
      return;
    }
    wanted.push_back({"c" + std::to_string(c.id), &c, ItemKind::published});
  };
  for (const Comment& c : view_.pinned()) add_published(c);
  for (const Comment& c : view_.newest()) add_published(c);

  // Reuse the element of every comment that did not change (keeps focus and
  // avoids repainting), build the rest.
  // `next` is in the order of `wanted` (its keys are distinct).
  cmweb::SmallMap<std::string, RenderedItem> next;
  for (const Wanted& w : wanted) {
    const bool flagged = is_flagged(w.comment->id);
    RenderedItem* old = rendered_.find(w.key);
    if (old != nullptr && old->comment == *w.comment && old->kind == w.kind && old->flagged == flagged &&
        !extension_) {
      next.put(w.key, std::move(*old));
      rendered_.erase(w.key);
      continue;
    }
    next.put(w.key, RenderedItem{render_item(*w.comment, w.kind, flagged), *w.comment, w.kind, flagged, {}});
  }
  for (auto& [key, item] : rendered_) item.element.call<void>("remove");
  rendered_ = std::move(next);

  val cursor = list_el_["firstElementChild"];
  for (auto& [key, item] : rendered_) {
    const val& element = item.element;
    if (!cursor.isNull() && element.strictlyEquals(cursor)) {
      cursor = cursor["nextElementSibling"];
    } else {
      list_el_.call<void>("insertBefore", element, cursor);
    }
  }

  // Muted words that cannot apply (no filter module) are said where hidden
  // comments are counted.
  const bool unfiltered = filter_failed_ && !muted_words_.empty();
  cmweb::set_hidden(hidden_note_el_, hidden == 0 && !unfiltered);
  if (unfiltered) {
    cmweb::set_text(hidden_note_el_, tr(config_.lang, Msg::muted_unavailable));
  } else if (hidden > 0) {
    cmweb::set_text(hidden_note_el_, cmweb::fill_in(tr(config_.lang, Msg::muted_hidden), "n",
                                                    static_cast<long long>(hidden)));
  }
  cmweb::set_hidden(empty_el_, !wanted.empty() || hidden > 0);
  cmweb::set_text(empty_el_,
                  tr(config_.lang, have_snapshot_ && !waiting_for_filter ? Msg::empty : Msg::loading));
  render_header();

  if (have_snapshot_ && !waiting_for_filter && !painted_) {
    painted_ = true;
    const val performance = val::global("performance");
    // Comments already on screen (the loader's early paint, or the server's
    // block in the page) were the first paint; the widget's counts only
    // without them. Its live snapshot gets a mark of its own.
    if (!cmweb::has_attr(host_, "data-painted")) {
      cmweb::set_attr(host_, "data-painted", "");
      performance.call<void>("mark", cmweb::js_string("comments:first-paint"));
    }
    performance.call<void>("mark", cmweb::js_string("comments:live"));
  }
}

void Widget::render_header() {
  if (!have_snapshot_) {
    cmweb::set_text(count_el_, "");
    return;
  }
  cmweb::set_text(count_el_, cmweb::fill_in(tr(config_.lang, Msg::count), "n", view_.total()));
  const bool more = view_.total() > static_cast<std::int64_t>(view_.newest().size());
  cmweb::set_hidden(more_note_el_, !more);
  if (more) {
    cmweb::set_text(more_note_el_,
                    cmweb::fill_in(tr(config_.lang, Msg::showing_latest), "n", config_.limit));
  }
}

void Widget::refresh_times() {
  const std::int64_t now = now_ms();
  for (auto& [key, item] : rendered_) {
    val time = item.element.call<val>("querySelector", cmweb::js_string("time"));
    if (time.isNull()) continue;
    std::string text = cmweb::relative_time(config_.lang, item.comment.created, now,
                                            utc_offset_minutes_);
    if (text != item.time_text) {
      cmweb::set_text(time, text);
      item.time_text = std::move(text);
    }
  }
}

void Widget::on_clock_tick(void* self) { static_cast<Widget*>(self)->refresh_times(); }

void Widget::show_notice(const std::string& text, bool is_error) {
  if (is_error) {
    cmweb::set_text(alert_el_, text);
    cmweb::set_hidden(alert_el_, text.empty());
  } else {
    cmweb::set_text(status_el_, text);
  }
}

// ---- Reader actions ----------------------------------------------------------------

void Widget::on_click(const val& event) {
  val target = cmweb::closest_with_attr(event, "data-action");
  if (target.isUndefined()) return;
  const std::string action = cmweb::get_attr(target, "data-action");
  const auto id = parse_id(cmweb::get_attr(target, "data-id"));
  if (action == "cancel-reply") {
    cancel_reply();
  } else if (action == "save-muted") {
    save_muted_words();
  } else if (action == "reply" && id) {
    start_reply(*id);
  } else if (action == "flag" && id) {
    flag(*id);
  } else if (extension_ && id) {
    extension_->on_action(*this, action, *id);
  }
}

void Widget::update_counter() {
  const std::string body = cmweb::get_value(body_el_);
  const auto count = static_cast<long long>(comments::text::count_code_points(body));
  const auto max = static_cast<long long>(comments::limits::max_body_chars);
  std::string text = cmweb::fill_in(cmweb::fill_in(tr(config_.lang, Msg::counter), "n", count),
                                    "max", max);
  if (count > max) text += " · " + cmweb::fill_in(tr(config_.lang, Msg::counter_over), "n", count - max);
  cmweb::set_text(counter_el_, text);
  cmweb::toggle_class(counter_el_, "cm-over", count > max);
}

void Widget::start_reply(std::int64_t id) {
  const Comment* c = view_.find(id);
  if (c == nullptr) return;
  reply_to_ = id;
  cmweb::set_text(replying_text_el_, cmweb::fill_in(tr(config_.lang, Msg::replying_to), "name",
                                                    c->author));
  cmweb::set_hidden(replying_el_, false);
  body_el_.call<void>("focus");
}

void Widget::cancel_reply() {
  reply_to_.reset();
  cmweb::set_hidden(replying_el_, true);
}

void Widget::flag(std::int64_t id) {
  if (is_flagged(id)) return;
  val message = cmweb::js::message("flag");
  cmweb::js::set(message, "id", id);
  const bool sent = connection_.request(std::move(message), [this, id](const val& reply) {
    if (cmweb::js::text_at(reply, "type") == "ok") {
      flagged_.push_back(id);
      render_list();
      return;
    }
    show_notice(std::string(tr(config_.lang, cmweb::error_message_for(cmweb::js::text_at(reply, "code")))),
                true);
  });
  if (!sent) show_notice(std::string(tr(config_.lang, Msg::err_offline)), true);
}

void Widget::load_muted_words() {
  muted_words_.clear();
  if (auto stored = cmweb::storage::get(muted_storage_key)) muted_words_ = split_words(*stored);
}

// The filter module comes from the loader (WidgetConfig::load_filter), which
// has usually started fetching it before the widget ran: it does so for every
// reader whose browser holds muted words.
void Widget::request_filter() {
  if (filter_requested_) return;
  filter_requested_ = true;
  listener_ids_.push_back(cmweb::add_listener(root_, "cm-filter", [this](const val& event) {
    on_filter(event["detail"]);
  }));
  if (config_.load_filter.typeOf().as<std::string>() == "function") {
    config_.load_filter(root_);
  } else {
    on_filter(val::null());
  }
}

void Widget::on_filter(const val& module) {
  if (!muted_filter_.isUndefined() || filter_failed_) return;  // one answer counts
  if (module.isNull() || module.isUndefined()) {
    filter_failed_ = true;
    save_waits_for_filter_ = false;
    cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::muted_unavailable));
  } else {
    muted_filter_ = module.call<val>("create");
    // Words stored by an older version that the filter now refuses are kept
    // out: the list stays as the filter accepted it (possibly empty).
    const std::string problem = set_filter_words(muted_words_);
    if (!problem.empty()) cmweb::set_text(muted_status_el_, problem);
    if (save_waits_for_filter_) {
      save_waits_for_filter_ = false;
      save_muted_words();
      return;  // it renders the list
    }
  }
  render_list();
}

// Hands `words` to the filter module; "" when taken, else why not (in the
// widget's language).
std::string Widget::set_filter_words(const std::vector<std::string>& words) {
  return muted_filter_.call<std::string>("setWords", join_words(words, "\n"),
                                         std::string(cmweb::lang_tag(config_.lang)));
}

void Widget::save_muted_words() {
  std::vector<std::string> words = split_words(cmweb::get_value(muted_input_el_));
  if (!words.empty()) {
    if (filter_failed_) {
      cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::muted_unavailable));
      return;
    }
    if (muted_filter_.isUndefined()) {
      // Saved once the filter module is here (it checks the words first).
      save_waits_for_filter_ = true;
      cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::loading));
      request_filter();
      return;
    }
    const std::string problem = set_filter_words(words);
    if (!problem.empty()) {
      cmweb::set_text(muted_status_el_, problem);
      return;
    }
  } else if (!muted_filter_.isUndefined()) {
    set_filter_words({});
  }
  if (words.empty()) {
    cmweb::storage::remove(muted_storage_key);
  } else {
    cmweb::storage::set(muted_storage_key, join_words(words, "\n"));
  }
  muted_words_ = std::move(words);
  cmweb::set_value(muted_input_el_, join_words(muted_words_, "\n"));
  cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::muted_saved));
  render_list();
}

void Widget::on_submit() {
  const auto lang = config_.lang;
  const std::string body_input = cmweb::get_value(body_el_);
  const std::string author_input = cmweb::get_value(name_el_);
  const std::string body(comments::text::trim(body_input));
  const std::string author(comments::text::trim(author_input));
  auto fail = [&](std::string message) {
    set_form_message(message, true);
    body_el_.call<void>("focus");
  };
  if (body.empty()) return fail(std::string(tr(lang, Msg::err_empty_body)));
  if (comments::text::count_code_points(body) > comments::limits::max_body_chars) {
    return fail(cmweb::fill_in(tr(lang, Msg::err_body_too_long), "n",
                               static_cast<long long>(comments::limits::max_body_chars)));
  }
  if (comments::text::count_code_points(author) > comments::limits::max_author_chars) {
    return fail(cmweb::fill_in(tr(lang, Msg::err_name_too_long), "n",
                               static_cast<long long>(comments::limits::max_author_chars)));
  }
  if (rate_limited_until_ms_ > now_ms()) return;  // the countdown is already shown
  if (author.empty()) {
    cmweb::storage::remove(author_storage_key);
  } else {
    cmweb::storage::set(author_storage_key, author);
  }

  OwnPost post;
  post.local_id = next_local_id_++;
  post.comment.thread = config_.thread;
  post.comment.author = author.empty() ? std::string(comments::limits::anonymous_author) : author;
  post.comment.body = body;
  post.comment.parent = reply_to_;
  post.comment.created = now_ms();
  post.comment.status = Status::pending;

  val message = cmweb::js::message("post");
  cmweb::js::set(message, "thread", config_.thread);
  cmweb::js::set(message, "author", author);
  cmweb::js::set(message, "body", body);
  if (reply_to_) {
    cmweb::js::set(message, "parent", *reply_to_);
  } else {
    cmweb::js::set_null(message, "parent");
  }
  const int local_id = post.local_id;
  if (!connection_.request(std::move(message),
                           [this, local_id](const val& reply) { handle_post_reply(local_id, reply); })) {
    return fail(std::string(tr(lang, Msg::err_offline)));
  }
  own_posts_.push_back(std::move(post));
  cmweb::set_text(form_error_el_, "");
  cmweb::set_value(body_el_, "");
  update_counter();
  cancel_reply();
  render_list();
}

void Widget::handle_post_reply(int local_id, const val& reply) {
  auto it = std::find_if(own_posts_.begin(), own_posts_.end(),
                         [&](const OwnPost& p) { return p.local_id == local_id; });
  if (it == own_posts_.end()) return;
  const std::string type = cmweb::js::text_at(reply, "type");
  if (type == "ack") {
    auto c = cmweb::js::comment_from(reply["comment"]);
    if (c && c->status == Status::pending) {
      it->state = OwnState::pending;
      it->comment = std::move(*c);
    } else {
      own_posts_.erase(it);
      if (c) view_.apply(*c);
      set_form_message(std::string(tr(config_.lang, Msg::posted)), false);
    }
    render_list();
    return;
  }
  const Comment lost = std::move(it->comment);
  own_posts_.erase(it);
  restore_text(lost.body);
  if (cmweb::js::text_at(reply, "code") == "offline") {
    interrupted_post_ = lost;
    set_form_message(std::string(tr(config_.lang, Msg::post_interrupted)), true);
  } else {
    show_post_error(reply, lost.body);
  }
  render_list();
}

void Widget::set_form_message(const std::string& text, bool is_error) {
  cmweb::set_text(form_error_el_, text);
  cmweb::toggle_class(form_error_el_, "cm-ok", !is_error);
}

void Widget::restore_text(const std::string& body) {
  const std::string current = cmweb::get_value(body_el_);
  if (comments::text::is_blank(current)) {
    cmweb::set_value(body_el_, body);
  } else if (current.find(body) == std::string::npos) {
    cmweb::set_value(body_el_, body + "\n\n" + current);
  }
  update_counter();
}

void Widget::show_post_error(const val& reply, const std::string&) {
  const std::string code = cmweb::js::text_at(reply, "code");
  if (code == "rate_limited") {
    start_rate_countdown(cmweb::js::int_at(reply, "retry_after_ms").value_or(comments::limits::rate_window_ms));
    return;
  }
  set_form_message(std::string(tr(config_.lang, cmweb::error_message_for(code))), true);
}

void Widget::start_rate_countdown(std::int64_t retry_after_ms) {
  rate_limited_until_ms_ = now_ms() + std::max<std::int64_t>(retry_after_ms, 1000);
  cmweb::set_attr(submit_el_, "disabled", "");
  if (rate_timer_ == 0) rate_timer_ = emscripten_set_interval(&Widget::on_rate_tick, 1000, this);
  on_rate_tick(this);
}

void Widget::on_rate_tick(void* self_ptr) {
  auto* self = static_cast<Widget*>(self_ptr);
  const std::int64_t left_ms = self->rate_limited_until_ms_ - now_ms();
  if (left_ms <= 0) {
    emscripten_clear_interval(self->rate_timer_);
    self->rate_timer_ = 0;
    self->rate_limited_until_ms_ = 0;
    cmweb::remove_attr(self->submit_el_, "disabled");
    cmweb::set_text(self->form_error_el_, "");
    return;
  }
  self->set_form_message(cmweb::fill_in(tr(self->config_.lang, Msg::err_rate_limited), "n",
                                       (left_ms + 999) / 1000),
                         true);
}

}  // namespace cmwidget

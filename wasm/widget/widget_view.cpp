// The widget's view: builds the DOM, updates it from the model's state
// (widget_model.hpp) and turns clicks and the form into model and connection
// calls (widget_connection.cpp).
#include "widget/widget.hpp"

#include <cmath>
#include <utility>

#include <emscripten/eventloop.h>
#include <emscripten/html5.h>

#include "comments/limits.hpp"
#include "comments/text.hpp"
#include "common/dom.hpp"
#include "common/links.hpp"
#include "common/relative_time.hpp"
#include "common/storage.hpp"

namespace cmwidget {

using cmweb::Msg;
using cmweb::tr;
using comments::Comment;

namespace {

constexpr std::string_view author_storage_key = "comments.author";
constexpr std::string_view muted_storage_key = "comments.muted";
constexpr double clock_tick_ms = 30'000;

std::int64_t now_ms() { return static_cast<std::int64_t>(emscripten_date_now()); }

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
      model_(config_.thread, config_.limit, config_.lang) {}

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
  utc_offset_minutes_ = config_.utc_offset;
  if (auto stored = cmweb::storage::get(muted_storage_key)) model_.load_muted_words(*stored);
  // Reported earlier in this browser (the loader keeps them: comments.flagged).
  for (int i = 0, n = config_.flagged.isUndefined() ? 0 : config_.flagged["length"].as<int>(); i < n; ++i) {
    model_.set_flagged(static_cast<std::int64_t>(config_.flagged[i].as<double>()));
  }
  build();
  if (!model_.muted_words().empty()) request_filter();
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
      .append(text(model_.have_snapshot() ? Msg::empty : Msg::loading))
      .append(R"(</p><p class="cm-note cm-hidden-note" hidden></p><p class="cm-note cm-more-note" hidden></p>)"
              R"(<button class="cm-button cm-more" type="button" data-action="more" hidden>)")
      .append(text(Msg::show_more))
      .append(R"(</button>)"
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
  more_el_ = find(".cm-more");
  form_home_el_ = find(".cm-muted");
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
  set_value(muted_input_el_, join_words(model_.muted_words()));
  muted_status_el_ = find(".cm-muted-status");

  append(root_, section);
  update_counter();
  render_header();

  listener_ids_.push_back(add_listener(root_, "click", [this](const val& e) { on_click(e); }));
  // The form's events, one handler (each handler type costs download size).
  const auto on_form = [this](const val& e) {
    const std::string type = e["type"].as<std::string>();
    if (type == "input") return update_counter();
    const std::string key = type == "keydown" ? e["key"].as<std::string>() : std::string();
    // Ctrl+Enter / Cmd+Enter posts, as in most comment boxes.
    if (type == "submit" || (key == "Enter" && (e["ctrlKey"].as<bool>() || e["metaKey"].as<bool>()))) {
      e.call<void>("preventDefault");
      on_submit();
    } else if (key == "Escape" && model_.reply_to()) {
      // Esc closes a reply: the form goes back, the focus to the comment's reply button.
      const std::int64_t id = *model_.reply_to();
      cancel_reply();
      if (RenderedItem* item = rendered_.find("c" + std::to_string(id))) {
        item->element.call<val>("querySelector", js_string("[data-action=reply]")).call<void>("focus");
      }
    }
  };
  for (const char* type : {"submit", "input", "keydown"}) listener_ids_.push_back(add_listener(form_el_, type, on_form));
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
    if (auto likes = parse_id(cmweb::get_attr(li, "data-likes"))) c.likes = static_cast<std::int32_t>(*likes);
    if (c.pinned) pinned.push_back(c);
    newest.push_back(std::move(c));
  }
  auto total = parse_id(cmweb::get_attr(fragment_, "data-total"));
  if (newest.empty() && !total) return;
  if (newest.size() > model_.thread().capacity()) newest.resize(model_.thread().capacity());
  const std::int64_t count = total.value_or(static_cast<std::int64_t>(newest.size()));
  model_.apply_snapshot(std::move(newest), std::move(pinned), count);
  render_list();
}

void Widget::set_state(std::string_view state) { cmweb::set_attr(host_, "data-state", state); }

// ---- Rendering -----------------------------------------------------------------

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
  const bool published = kind == ItemKind::published;
  std::string cls = "cm-comment";
  if (c.pinned && published) cls += " cm-pinned";
  if (kind == ItemKind::sending) cls += " cm-sending";
  val li = make_element(document_, "li", cls);
  const std::string id = std::to_string(c.id);
  if (kind != ItemKind::sending) {
    set_attr(li, "id", "cm-c-" + id);
    set_attr(li, "data-id", id);
  }
  // The item's structure as markup, as in build(): only the widget's own
  // words, ids and times go into it (escaped all the same); what readers
  // wrote (author, quote, body) is set as text below.
  const auto text = [lang](Msg msg) { return comments::text::html_escape(tr(lang, msg)); };
  std::string html = R"(<div class="cm-meta"><span class="cm-author"></span>)";
  if (c.pinned && published) html.append(R"(<span class="cm-badge">)").append(text(Msg::pinned)).append("</span>");
  if (!published) {
    html.append(R"(<span class="cm-state">)")
        .append(text(Msg::sending))
        .append("</span>");
  }
  if (c.edited) html.append(R"(<span class="cm-edited">)").append(text(Msg::edited)).append("</span>");
  html.append(R"(<time class="cm-time" datetime=")")
      .append(iso_utc(c.created))
      .append(R"(">)")
      .append(comments::text::html_escape(relative_time(lang, c.created, now_ms(), utc_offset_minutes_)))
      .append("</time>");
  // Its likes (顶): the count as the server's block shows it, on a toggle button. The loader
  // hands its clicks to the lazily loaded likes part (comments-likes.js), which sends `like`
  // and marks the comments this browser likes (aria-pressed).
  if (published) {
    html.append(R"( <button class="cm-link-button cm-likes" type="button" data-action="like" aria-pressed="false" data-id=")")
        .append(id)
        .append(R"(">)")
        .append(text(Msg::like));
    if (c.likes > 0) html.append(" ").append(std::to_string(c.likes));
    html.append("</button>");
  }
  html.append("</div>");
  // A reply quotes the comment it answers (引用): who wrote it and how it starts.
  Quote quote;
  if (c.parent) {
    quote = model_.quote_of(*c.parent);
    html.append(R"(<blockquote class="cm-quote"><cite class="cm-quote-author"></cite>)");
    if (quote.known) html.append(R"(<span class="cm-quote-text"></span>)");
    html.append("</blockquote>");
  }
  html.append(R"(<div class="cm-body"></div>)");
  if (published) {
    html.append(R"(<div class="cm-actions"><button class="cm-link-button" type="button" data-action="reply" data-id=")")
        .append(id)
        .append(R"(">)")
        .append(text(Msg::reply))
        .append(R"(</button><button class="cm-link-button" type="button" data-action="flag" data-id=")")
        .append(id)
        .append(flagged ? R"(" disabled>)" : R"(">)")
        .append(text(flagged ? Msg::flagged : Msg::flag))
        .append("</button></div>");
  }
  li.set("innerHTML", html);
  const auto find = [&li](const char* selector) { return li.call<val>("querySelector", js_string(selector)); };
  set_text(find(".cm-author"), c.author.empty() ? comments::limits::anonymous_author : c.author);
  if (c.parent) {
    set_text(find("cite"), quote.known ? fill_in(tr(lang, Msg::reply_to_comment), "name", quote.author)
                                       : std::string(tr(lang, Msg::quote_earlier)));
    if (quote.known) set_text(find(".cm-quote-text"), quote.excerpt);
  }
  append_body(find(".cm-body"), c.body);
  if (published) {
    set_attr(find("[data-action=reply]"), "aria-label", fill_in(tr(lang, Msg::replying_to), "name", c.author));
    if (extension_) extension_->decorate(*this, find(".cm-actions"), c);
  }
  return li;
}

void Widget::render_list() {
  if (list_el_.isUndefined()) return;
  const ListState state = model_.list(FilterModule{muted_filter_});

  // Reuse the element of every comment that did not change (keeps focus and
  // avoids repainting), build the rest.
  // `next` is in the order of the list (its keys are distinct).
  cmweb::SmallMap<std::string, RenderedItem> next;
  for (const ListItem& w : state.items) {
    RenderedItem* old = rendered_.find(w.key);
    if (old != nullptr && old->comment == *w.comment && old->kind == w.kind && old->flagged == w.flagged &&
        !extension_) {
      next.put(w.key, std::move(*old));
      rendered_.erase(w.key);
      continue;
    }
    next.put(w.key, RenderedItem{render_item(*w.comment, w.kind, w.flagged), *w.comment, w.kind, w.flagged, {}});
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

  cmweb::set_hidden(hidden_note_el_, state.hidden_note.empty());
  cmweb::set_text(hidden_note_el_, state.hidden_note);
  cmweb::set_hidden(empty_el_, state.empty_note.empty());
  if (!state.empty_note.empty()) cmweb::set_text(empty_el_, state.empty_note);
  render_header();
  place_form();

  if (state.loaded && !painted_) {
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
  const Heading heading = model_.heading();
  cmweb::set_text(count_el_, heading.count);
  cmweb::set_hidden(more_note_el_, heading.more_note.empty());
  cmweb::set_text(more_note_el_, heading.more_note);
  cmweb::set_hidden(more_el_, !config_.more || heading.more_note.empty());
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
    // The reason comes first (the loader's lazily loaded report form).
    if (!model_.is_flagged(*id) && !config_.report.isUndefined()) config_.report(target);
  } else if (action == "report" && id) {
    // The report form's send button, once a reason is chosen (comments-report.js).
    flag(*id, cmweb::get_attr(target, "data-reason"));
  } else if (action == "more") {
    model_.show_more();
    request_refill();
    render_header();
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
  const std::string replying = model_.start_reply(id);
  if (replying.empty()) return;
  cmweb::set_text(replying_text_el_, replying);
  cmweb::set_hidden(replying_el_, false);
  place_form();
  body_el_.call<void>("focus");
}

void Widget::cancel_reply() {
  model_.cancel_reply();
  cmweb::set_hidden(replying_el_, true);
  place_form();
}

// A reply is written under the comment it answers; otherwise the form stands
// after the list. Moved only when its place changes (moving drops the focus).
void Widget::place_form() {
  if (form_el_.isUndefined()) return;
  RenderedItem* item = nullptr;
  if (auto id = model_.reply_to()) item = rendered_.find("c" + std::to_string(*id));
  if (item == nullptr && model_.reply_to()) {
    model_.cancel_reply();  // the comment left the list
    cmweb::set_hidden(replying_el_, true);
  }
  const val parent = form_el_["parentNode"];
  if (item != nullptr) {
    if (!parent.strictlyEquals(item->element)) cmweb::append(item->element, form_el_);
  } else if (!form_el_["nextElementSibling"].strictlyEquals(form_home_el_)) {
    form_home_el_["parentNode"].call<void>("insertBefore", form_el_, form_home_el_);
  }
}

// ---- Muted words and the filter module -----------------------------------------------

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
  if (model_.filter_answered()) return;  // one answer counts
  const bool loaded = !module.isNull() && !module.isUndefined();
  if (loaded) muted_filter_ = module.call<val>("create");
  const bool save_now = model_.filter_arrived(loaded);
  if (!loaded) {
    cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::muted_unavailable));
  } else {
    // Words stored by an older version that the filter now refuses are kept
    // out: the list stays as the filter accepted it (possibly empty).
    const std::string problem = set_filter_words(model_.muted_words());
    if (!problem.empty()) cmweb::set_text(muted_status_el_, problem);
    if (save_now) {
      save_muted_words();
      return;  // it renders the list
    }
  }
  render_list();
}

// Hands `words` to the filter module; "" when taken, else why not (in the
// widget's language).
std::string Widget::set_filter_words(const std::vector<std::string>& words) {
  return muted_filter_.call<std::string>("setWords", join_words(words),
                                         std::string(cmweb::lang_tag(config_.lang)));
}

void Widget::save_muted_words() {
  std::vector<std::string> words = split_words(cmweb::get_value(muted_input_el_));
  switch (model_.begin_save(words)) {
    case MutedSave::unavailable:
      cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::muted_unavailable));
      return;
    case MutedSave::wait_for_filter:
      cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::loading));
      request_filter();
      return;
    case MutedSave::check:
      if (const std::string problem = set_filter_words(words); !problem.empty()) {
        cmweb::set_text(muted_status_el_, problem);
        return;
      }
      break;
    case MutedSave::save:
      if (!muted_filter_.isUndefined()) set_filter_words({});
      break;
  }
  const std::string joined = join_words(words);
  if (words.empty()) {
    cmweb::storage::remove(muted_storage_key);
  } else {
    cmweb::storage::set(muted_storage_key, joined);
  }
  model_.commit_muted_words(std::move(words));
  cmweb::set_value(muted_input_el_, joined);
  cmweb::set_text(muted_status_el_, tr(config_.lang, Msg::muted_saved));
  render_list();
}

// ---- Posting ---------------------------------------------------------------------

void Widget::on_submit() {
  const std::string body(comments::text::trim(cmweb::get_value(body_el_)));
  const std::string author(comments::text::trim(cmweb::get_value(name_el_)));
  auto fail = [&](const std::string& message) {
    set_form_message(message, true);
    body_el_.call<void>("focus");
  };
  if (const std::string problem = model_.check_post(author, body); !problem.empty()) return fail(problem);
  if (model_.rate_limited(now_ms())) return;  // the countdown is already shown
  if (author.empty()) {
    cmweb::storage::remove(author_storage_key);
  } else {
    cmweb::storage::set(author_storage_key, author);
  }
  if (!send_post(author, model_.draft_post(author, body, now_ms()))) {
    return fail(std::string(tr(config_.lang, Msg::err_offline)));
  }
  cmweb::set_text(form_error_el_, "");
  cmweb::set_value(body_el_, "");
  update_counter();
  cancel_reply();
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

void Widget::start_rate_countdown() {
  cmweb::set_attr(submit_el_, "disabled", "");
  if (rate_timer_ == 0) rate_timer_ = emscripten_set_interval(&Widget::on_rate_tick, 1000, this);
  on_rate_tick(this);
}

void Widget::on_rate_tick(void* self_ptr) {
  auto* self = static_cast<Widget*>(self_ptr);
  const std::string message = self->model_.rate_limit_tick(now_ms());
  if (message.empty()) {
    emscripten_clear_interval(self->rate_timer_);
    self->rate_timer_ = 0;
    cmweb::remove_attr(self->submit_el_, "disabled");
    cmweb::set_text(self->form_error_el_, "");
    return;
  }
  self->set_form_message(message, true);
}

}  // namespace cmwidget

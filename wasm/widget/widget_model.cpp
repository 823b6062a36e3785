#include "widget/widget_model.hpp"

#include <algorithm>

#include "comments/limits.hpp"
#include "comments/text.hpp"

namespace cmwidget {

using cmweb::Msg;
using cmweb::tr;
using comments::Comment;
using comments::Status;

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

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += '\n';
    out.append(w);
  }
  return out;
}

std::optional<std::int64_t> parse_id(std::string_view text) noexcept {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    value = value * 10 + (ch - '0');
  }
  return value;
}

WidgetModel::WidgetModel(std::string thread, int limit, cmweb::Lang lang)
    : thread_(std::move(thread)), limit_(limit), lang_(lang), view_(static_cast<std::size_t>(limit)) {}

std::string WidgetModel::text(Msg msg, long long n) const { return cmweb::fill_in(tr(lang_, msg), "n", n); }

// ---- The thread ------------------------------------------------------------------

const Comment* WidgetModel::apply_snapshot(std::vector<Comment> newest, std::vector<Comment> pinned,
                                                       std::int64_t total) {
  view_.reset(std::move(newest), std::move(pinned), total);
  have_snapshot_ = true;
  const Comment* arrived = nullptr;
  if (interrupted_post_) {
    for (const Comment& c : view_.newest()) {
      if (c.body == interrupted_post_->body && c.author == interrupted_post_->author) {
        arrived = &c;
        break;
      }
    }
    interrupted_post_.reset();
  }
  return arrived;
}

bool WidgetModel::apply_event(const Comment& c, std::optional<std::int64_t> total) {
  if (c.thread != thread_) return false;
  return view_.apply(c, total);
}

std::string WidgetModel::item_key(char kind, std::int64_t id) {
  std::string key(1, kind);
  key += std::to_string(id);
  return key;
}

bool WidgetModel::apply_page(const std::vector<Comment>& older) {
  if (older.empty()) return false;
  view_.append_older(older);
  return true;
}

int WidgetModel::refill_limit() const noexcept {
  const auto missing = static_cast<int>(view_.capacity() - view_.newest().size());
  return std::clamp(missing, 1, comments::limits::max_join_limit);
}

Heading WidgetModel::heading() const {
  Heading out;
  if (!have_snapshot_) return out;
  out.count = text(Msg::count, view_.total());
  const auto shown = static_cast<long long>(view_.newest().size());
  if (view_.total() > shown) out.more_note = text(Msg::showing_latest, std::max<long long>(shown, limit_));
  return out;
}

// ---- Posting ---------------------------------------------------------------------

std::string WidgetModel::check_post(const std::string& author, const std::string& body) const {
  using comments::limits::max_author_chars;
  using comments::limits::max_body_chars;
  if (body.empty()) return std::string(tr(lang_, Msg::err_empty_body));
  if (comments::text::count_code_points(body) > max_body_chars) {
    return text(Msg::err_body_too_long, static_cast<long long>(max_body_chars));
  }
  if (comments::text::count_code_points(author) > max_author_chars) {
    return text(Msg::err_name_too_long, static_cast<long long>(max_author_chars));
  }
  return {};
}

WidgetModel::OwnPost WidgetModel::draft_post(const std::string& author, std::string body, std::int64_t now_ms) {
  OwnPost post;
  post.local_id = next_local_id_++;
  post.comment.thread = thread_;
  post.comment.author = author.empty() ? std::string(comments::limits::anonymous_author) : author;
  post.comment.body = std::move(body);
  post.comment.parent = reply_to_;
  post.comment.created = now_ms;
  post.comment.status = Status::pending;
  return post;
}

void WidgetModel::add_sending(OwnPost post) {
  own_posts_.push_back(std::move(post));
  reply_to_.reset();
}

std::vector<WidgetModel::OwnPost>::iterator WidgetModel::own_post(int local_id) {
  return std::find_if(own_posts_.begin(), own_posts_.end(),
                      [local_id](const OwnPost& p) { return p.local_id == local_id; });
}

bool WidgetModel::post_acked(int local_id, const comments::Result<Comment>& stored) {
  auto it = own_post(local_id);
  if (it == own_posts_.end()) return false;
  own_posts_.erase(it);
  // A held one is for the author's part to show (comments-own.js).
  if (stored && stored->status == Status::pending) return false;
  if (stored) view_.apply(*stored);
  return true;
}

PostFailure WidgetModel::post_failed(int local_id, const std::string& code,
                                     std::optional<std::int64_t> retry_after_ms, std::int64_t now_ms,
                                     std::string& restore_body) {
  auto it = own_post(local_id);
  if (it == own_posts_.end()) return PostFailure::not_ours;
  PostFailure why = PostFailure::refused;
  if (code == "offline") {
    interrupted_post_ = it->comment;
    why = PostFailure::interrupted;
  } else if (code == "rate_limited") {
    start_rate_limit(retry_after_ms.value_or(comments::limits::rate_window_ms), now_ms);
    why = PostFailure::rate_limited;
  }
  restore_body = std::move(it->comment.body);
  own_posts_.erase(it);
  return why;
}

// ---- Rate limit --------------------------------------------------------------------

void WidgetModel::start_rate_limit(std::int64_t retry_after_ms, std::int64_t now_ms) {
  rate_limited_until_ms_ = now_ms + std::max<std::int64_t>(retry_after_ms, 1000);
}

std::string WidgetModel::rate_limit_tick(std::int64_t now_ms) {
  const std::int64_t left_ms = rate_limited_until_ms_ - now_ms;
  if (left_ms <= 0) {
    rate_limited_until_ms_ = 0;
    return {};
  }
  return text(Msg::err_rate_limited, (left_ms + 999) / 1000);
}

// ---- Reply target and reports -------------------------------------------------------

std::string WidgetModel::start_reply(std::int64_t id) {
  const Comment* c = view_.find(id);
  if (c == nullptr) return {};
  reply_to_ = id;
  return cmweb::fill_in(tr(lang_, Msg::replying_to), "name", c->author);
}

bool WidgetModel::is_flagged(std::int64_t id) const {
  return std::find(flagged_.begin(), flagged_.end(), id) != flagged_.end();
}

void WidgetModel::set_flagged(std::int64_t id) {
  if (!is_flagged(id)) flagged_.push_back(id);
}

// ---- Replies: the quote of the parent -------------------------------------------------

Quote WidgetModel::quote_of(std::int64_t parent) const {
  Quote q;
  const Comment* c = view_.find(parent);
  if (c == nullptr) return q;
  q.known = true;
  q.author = c->author;
  const std::string_view head = comments::text::leading_code_points(c->body, quote_chars);
  for (char ch : head) q.excerpt.push_back(ch == '\n' || ch == '\r' ? ' ' : ch);
  if (head.size() < c->body.size()) q.excerpt += "…";
  return q;
}

// ---- Muted words -------------------------------------------------------------------

bool WidgetModel::filter_arrived(bool loaded) {
  if (filter_answered()) return false;  // one answer counts
  filter_ = loaded ? Filter::ready : Filter::failed;
  const bool run_save = loaded && save_waits_for_filter_;
  save_waits_for_filter_ = false;
  return run_save;
}

MutedSave WidgetModel::begin_save(const std::vector<std::string>& words) {
  if (words.empty()) return MutedSave::save;
  if (filter_ == Filter::failed) return MutedSave::unavailable;
  if (filter_ == Filter::absent) {
    save_waits_for_filter_ = true;
    return MutedSave::wait_for_filter;
  }
  return MutedSave::check;
}

}  // namespace cmwidget

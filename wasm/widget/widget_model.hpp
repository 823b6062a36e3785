// The reader's widget as data: the thread (core's ThreadView, kept current by
// the snapshot, live events and `more` pages), this reader's own posts on
// their way (a held one is shown by the author's part, comments-own.js), the reply target, the comments reported, the
// muted-words state, the rate-limit wait, and what the list, its heading and
// its notes say. Pure C++ (no emscripten, no emscripten::val): the view
// (widget_view.cpp) renders what it decides, the connection glue
// (widget_connection.cpp) turns server frames into its inputs, and
// wasm/widget/tests runs it natively and as Wasm without a browser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comments/comment.hpp"
#include "comments/thread_view.hpp"
#include "common/i18n.hpp"

namespace cmwidget {

// Muted words as the reader typed them: separated by commas (ASCII or
// full-width), the ideographic enumeration comma or new lines; trimmed, blank
// ones dropped.
std::vector<std::string> split_words(const std::string& input);
// One word a line: how they are stored, shown and handed to the filter module.
std::string join_words(const std::vector<std::string>& words);

// A comment id or count as the page writes it (data-id, data-total): decimal
// digits only, at most 18 of them; nullopt for anything else.
std::optional<std::int64_t> parse_id(std::string_view text) noexcept;

enum class ItemKind : std::uint8_t { published, sending };

// One entry of the list, in the order shown.
struct ListItem {
  std::string key;  // "c<id>" or "s<local id>": distinct, and stable from one render to the next
  const comments::Comment* comment;
  ItemKind kind;
  bool flagged;  // reported by this reader
};

// What the list shows now. Notes are text in the widget's language; "" hides them.
struct ListState {
  std::vector<ListItem> items;
  std::string hidden_note;  // how many muted words hid, or that they cannot apply
  std::string empty_note;   // "loading" / "no comments yet" while nothing is listed
  bool loaded = false;      // the thread is here and nothing waits for the filter module
};

// The heading's count and the note under the list ("" hides them).
struct Heading {
  std::string count;
  std::string more_note;  // "只显示最新10条": set while older comments exist (then "show more" can page back)
};

// What a reply shows of the comment it answers (引用): its author and the
// start of its text, or, when that comment is not in the view (older than
// what is shown, or removed), known = false.
struct Quote {
  bool known = false;
  std::string author;
  std::string excerpt;  // at most quote_chars code points, one line, "…" when cut
};
inline constexpr std::size_t quote_chars = 60;

// Why a post of this reader did not arrive.
enum class PostFailure : std::uint8_t {
  not_ours,      // no post of this widget waits for that reply
  interrupted,   // the connection dropped first (it may have arrived: the next snapshot says)
  rate_limited,  // the countdown starts (rate_limit_tick says what it shows)
  refused,       // the server's error code says why (cmweb::error_message_for)
};

// What saving the muted words has to do next.
enum class MutedSave : std::uint8_t {
  unavailable,      // the filter module could not be loaded: words cannot apply
  wait_for_filter,  // saved once the module is here (it checks the words first)
  check,            // the module checks the words, then commit_muted_words
  save,             // no words: commit_muted_words at once
};

class WidgetModel {
 public:
  // A post of this reader still on its way (the thread does not show it yet).
  struct OwnPost {
    int local_id = 0;
    comments::Comment comment;  // author/body/parent filled in locally
  };

  // `limit`: how many newest comments are shown.
  WidgetModel(std::string thread, int limit, cmweb::Lang lang);

  // ---- The thread
  // A snapshot (the `join` reply, or the server's no-JS block): replaces the
  // thread; held posts of ours it now shows were approved. Returns our post
  // interrupted by a lost connection when the thread shows it arrived after
  // all (the form's restored copy can go), else nullptr.
  const comments::Comment* apply_snapshot(std::vector<comments::Comment> newest,
                                            std::vector<comments::Comment> pinned, std::int64_t total);
  // The comment of a `comment` or `update` event (of any thread) as it is
  // now. Returns true when the list changed.
  bool apply_event(const comments::Comment& c, std::optional<std::int64_t> total);
  // Whether screen readers hear of `c`, a new comment (Msg::new_comment):
  // published in this thread and not hidden by muted words.
  template <class Blocks>
  bool announces(const comments::Comment& c, const Blocks& blocks) const {
    return c.thread == thread_ && c.status == comments::Status::published && !is_muted(c, blocks);
  }
  // A `page` of older comments (newest first). Returns true when the list changed.
  bool apply_page(const std::vector<comments::Comment>& older);
  // After a removal the thread may show fewer than it could while more exist:
  // then a page is due (`more` before the oldest shown, refill_limit of them;
  // a fresh `join` when none is left to count back from).
  bool needs_refill() const noexcept { return view_.needs_refill(); }
  int refill_limit() const noexcept;
  const comments::ThreadView& thread() const noexcept { return view_; }
  const comments::Comment* find(std::int64_t id) const noexcept { return view_.find(id); }
  // "Show more comments": keeps `limit` more of the newest from now on; the
  // refill (needs_refill, refill_limit) then asks for them with `more`.
  void show_more() noexcept { view_.grow(static_cast<std::size_t>(limit_)); }
  // The quote shown above a reply to `parent`.
  Quote quote_of(std::int64_t parent) const;
  bool have_snapshot() const noexcept { return have_snapshot_; }

  // ---- What is shown; `blocks(comment)` asks the filter module (once it is here).
  template <class Blocks>
  ListState list(const Blocks& blocks) const;
  Heading heading() const;
  template <class Blocks>
  bool is_muted(const comments::Comment& c, const Blocks& blocks) const;

  // ---- Posting
  // The form's trimmed text checked before sending: "" when it may go, else why not.
  std::string check_post(const std::string& author, const std::string& body) const;
  // A new post of the form (to the reply target), with its local id.
  OwnPost draft_post(const std::string& author, std::string body, std::int64_t now_ms);
  // The draft was sent: it shows as sending, and the reply target is done with.
  void add_sending(OwnPost post);
  // The server acked post `local_id` with the comment as stored. Returns true
  // when it is published (the form says so); a held one leaves the list: the
  // author's part (comments-own.js, handed the ack) shows it to its author.
  bool post_acked(int local_id, const comments::Result<comments::Comment>& stored);
  // Post `local_id` failed with error `code`: it leaves the list, and its
  // text goes back into `restore_body` for the form.
  PostFailure post_failed(int local_id, const std::string& code, std::optional<std::int64_t> retry_after_ms,
                          std::int64_t now_ms, std::string& restore_body);
  const std::vector<OwnPost>& own_posts() const noexcept { return own_posts_; }

  // ---- Rate limit (the server's `rate_limited` with retry_after_ms)
  void start_rate_limit(std::int64_t retry_after_ms, std::int64_t now_ms);
  bool rate_limited(std::int64_t now_ms) const noexcept { return rate_limited_until_ms_ > now_ms; }
  // The countdown's message now, or "" once the wait is over (the limit is lifted).
  std::string rate_limit_tick(std::int64_t now_ms);

  // ---- Reply target
  // Replies to a shown comment: the "replying to …" line, or "" when `id` is not shown.
  std::string start_reply(std::int64_t id);
  void cancel_reply() noexcept { reply_to_.reset(); }
  std::optional<std::int64_t> reply_to() const noexcept { return reply_to_; }

  // ---- Reports
  bool is_flagged(std::int64_t id) const;
  void set_flagged(std::int64_t id);


  // ---- Muted words and the filter module that applies them
  void load_muted_words(const std::string& stored) { muted_words_ = split_words(stored); }
  const std::vector<std::string>& muted_words() const noexcept { return muted_words_; }
  // Until the module is here, a reader with muted words sees no published
  // comment at all (the list says it is loading): a muted one must never
  // flash up. If the module cannot be loaded, comments show unfiltered.
  bool filter_pending() const noexcept { return !muted_words_.empty() && filter_ == Filter::absent; }
  bool filter_answered() const noexcept { return filter_ != Filter::absent; }
  bool filter_failed() const noexcept { return filter_ == Filter::failed; }
  // The loader's answer (one counts). Returns true when a save waited for it.
  bool filter_arrived(bool loaded);
  MutedSave begin_save(const std::vector<std::string>& words);
  void commit_muted_words(std::vector<std::string> words) { muted_words_ = std::move(words); }

  cmweb::Lang lang() const noexcept { return lang_; }

 private:
  enum class Filter : std::uint8_t { absent, ready, failed };
  // A list item's key: `kind` ('c' comment, 's' sending) and the id.
  static std::string item_key(char kind, std::int64_t id);
  std::vector<OwnPost>::iterator own_post(int local_id);
  std::string text(cmweb::Msg msg, long long n) const;

  std::string thread_;
  int limit_;
  cmweb::Lang lang_;
  comments::ThreadView view_;
  bool have_snapshot_ = false;
  std::vector<OwnPost> own_posts_;
  int next_local_id_ = 1;
  std::vector<std::int64_t> flagged_;
  std::optional<std::int64_t> reply_to_;
  // The post whose connection dropped before its reply: when the next
  // snapshot shows it arrived after all, the restored copy is cleared.
  std::optional<comments::Comment> interrupted_post_;
  std::int64_t rate_limited_until_ms_ = 0;
  std::vector<std::string> muted_words_;
  Filter filter_ = Filter::absent;
  bool save_waits_for_filter_ = false;
};

// ---- Templates over the filter module's check ------------------------------

template <class Blocks>
bool WidgetModel::is_muted(const comments::Comment& c, const Blocks& blocks) const {
  if (muted_words_.empty() || filter_ == Filter::failed) return false;
  if (filter_ == Filter::absent) return true;
  return blocks(c);
}

template <class Blocks>
ListState WidgetModel::list(const Blocks& blocks) const {
  ListState out;
  std::vector<std::int64_t> placed;  // ids already listed
  // The reader's own posts first, newest first, so a post shows at once.
  for (auto it = own_posts_.rbegin(); it != own_posts_.rend(); ++it) {
    out.items.push_back({item_key('s', it->local_id), &it->comment, ItemKind::sending, false});
  }
  long long hidden = 0;
  const bool waiting_for_filter = filter_pending();
  auto add_published = [&](const comments::Comment& c) {
    for (std::int64_t id : placed) {
      if (id == c.id) return;
    }
    placed.push_back(c.id);
    if (is_muted(c, blocks)) {
      ++hidden;
      return;
    }
    out.items.push_back({item_key('c', c.id), &c, ItemKind::published, is_flagged(c.id)});
  };
  if (!waiting_for_filter) {
    for (const comments::Comment& c : view_.pinned()) add_published(c);
    for (const comments::Comment& c : view_.newest()) add_published(c);
  }
  // Muted words that cannot apply (no filter module) are said where hidden
  // comments are counted.
  if (filter_failed() && !muted_words_.empty()) {
    out.hidden_note = std::string(cmweb::tr(lang_, cmweb::Msg::muted_unavailable));
  } else if (hidden > 0) {
    out.hidden_note = text(cmweb::Msg::muted_hidden, hidden);
  }
  out.loaded = have_snapshot_ && !waiting_for_filter;
  if (out.items.empty() && hidden == 0) {
    out.empty_note = std::string(cmweb::tr(lang_, out.loaded ? cmweb::Msg::empty : cmweb::Msg::loading));
  }
  return out;
}

}  // namespace cmwidget

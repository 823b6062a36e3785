#include "http/embed.hpp"

#include <algorithm>

#include "comments/calendar.hpp"
#include "comments/relative_time.hpp"
#include "comments/thread_texts.hpp"
#include "support/log.hpp"

namespace comments::server {
namespace {

using texts::ThreadTexts;

// The count after the heading: the pattern's "{n}" replaced by `total`.
std::string count_text(const ThreadTexts& texts, std::int64_t total) {
  std::string out(texts.count);
  if (const auto at = out.find("{n}"); at != std::string::npos) out.replace(at, 3, std::to_string(total));
  return out;
}

void append_comment(std::string& out, const Comment& c, bool pinned, const ThreadTexts& texts,
                    const EmbedClock& clock) {
  const std::string id = std::to_string(c.id);
  const std::string iso = comments::iso_utc(c.created);
  out += "<li class=\"cm-comment";
  if (pinned) out += " cm-pinned";
  out += "\" id=\"cm-c-" + id + "\" data-id=\"" + id + "\"";
  // The count as an attribute too: the widget takes it over from there.
  if (c.likes > 0) out += " data-likes=\"" + std::to_string(c.likes) + "\"";
  out += ">";
  out += "<span class=\"cm-author\">" + html_escape(c.author) + "</span>";
  if (pinned) {
    out += " <span class=\"cm-pin-mark\">";
    out += texts.pinned;
    out += "</span>";
  }
  // Where the widget marks it too (before the time), so the hand-over does not move it.
  if (c.edited) {
    out += " <span class=\"cm-edited\">";
    out += texts.edited;
    out += "</span>";
  }
  out += " <time class=\"cm-time\" datetime=\"" + iso + "\">" +
         relative_time(&texts == &texts::zh_cn, c.created, clock.now_ms, clock.utc_offset_minutes) + "</time>";
  // Without JavaScript a reader cannot like: only a count there is is shown, as the widget words it.
  if (c.likes > 0) {
    out += " <span class=\"cm-likes\">";
    out += texts.like;
    out += " " + std::to_string(c.likes) + "</span>";
  }
  out += "<div class=\"cm-body\">" + html_escape_multiline(c.body) + "</div></li>\n";
}

}  // namespace

Result<EmbedLang> parse_embed_lang(std::string_view text) {
  const std::string lower = text::ascii_lower(text);
  if (lower == "zh-cn" || lower == "zh" || lower == "zh-hans") return EmbedLang::zh_cn;
  if (lower == "en" || lower.starts_with("en-")) return EmbedLang::en;
  return Error{ErrorId::embed_lang_unknown, "lang must be zh-CN or en"};
}

std::string html_escape_multiline(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      out += html_escape(text.substr(start, i - start));
      out += "<br>";
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  out += html_escape(text.substr(start));
  return out;
}

std::string render_embed_fragment(std::string_view thread, std::int64_t total,
                                  const std::vector<Comment>& newest,
                                  const std::vector<Comment>& pinned, int limit, EmbedLang lang,
                                  const EmbedClock& clock) {
  const ThreadTexts& texts = lang == EmbedLang::zh_cn ? texts::zh_cn : texts::en;
  const std::string count = std::to_string(total);
  std::string out;
  out.reserve(1024 + 512 * newest.size());
  out += "<section class=\"cm-thread\" data-thread=\"" + html_escape(thread) +
         "\" data-total=\"" + count + "\" data-utc-offset=\"" +
         std::to_string(clock.utc_offset_minutes) + "\" lang=\"";
  out += texts.lang;
  out += "\">\n<h2 class=\"cm-title\">";
  out += texts.title;
  // As the widget writes its heading (no space: the zh-CN count brings its own brackets).
  out += "<span class=\"cm-count\">" + count_text(texts, total) + "</span></h2>\n<p class=\"cm-disclaimer\">";
  out += texts.disclaimer;
  out += "</p>\n";

  std::vector<const Comment*> shown;
  const std::size_t newest_count = std::min(newest.size(), static_cast<std::size_t>(std::max(limit, 0)));
  for (std::size_t i = 0; i < newest_count; ++i) {
    const Comment& c = newest[i];
    const bool is_pinned = std::any_of(pinned.begin(), pinned.end(),
                                       [&](const Comment& p) { return p.id == c.id; });
    if (!is_pinned) shown.push_back(&c);
  }
  if (pinned.empty() && shown.empty()) {
    out += "<p class=\"cm-empty\">";
    out += texts.empty;
    out += "</p>\n";
  }
  out += "<ol class=\"cm-list\">\n";
  for (const auto& c : pinned) append_comment(out, c, true, texts, clock);
  for (const Comment* c : shown) append_comment(out, *c, false, texts, clock);
  out += "</ol>\n</section>\n";
  return out;
}

}  // namespace comments::server

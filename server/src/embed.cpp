#include "embed.hpp"

#include <algorithm>

#include "log.hpp"

namespace comments::server {
namespace {

struct EmbedTexts {
  std::string_view lang;
  std::string_view title;
  std::string_view disclaimer;
  std::string_view pinned;
  std::string_view empty;
};

constexpr EmbedTexts zh_texts{"zh-CN", "网友评论", "评论内容只代表网友观点,与本站立场无关!", "置顶",
                              "暂无评论"};
constexpr EmbedTexts en_texts{"en", "Reader comments",
                              "Comments are the readers' own views and do not represent this "
                              "site's position.",
                              "Pinned", "No comments yet."};

// "2026-11-27 12:00" (UTC) from the ISO form.
std::string display_time(const std::string& iso) {
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

void append_comment(std::string& out, const Comment& c, bool pinned, const EmbedTexts& texts) {
  const std::string id = std::to_string(c.id);
  const std::string iso = iso_utc(c.created);
  out += "<li class=\"cm-comment";
  if (pinned) out += " cm-pinned";
  out += "\" id=\"cm-c-" + id + "\" data-id=\"" + id + "\">";
  out += "<span class=\"cm-author\">" + html_escape(c.author) + "</span>";
  if (pinned) {
    out += " <span class=\"cm-pin-mark\">";
    out += texts.pinned;
    out += "</span>";
  }
  out += " <time class=\"cm-time\" datetime=\"" + iso + "\">" + display_time(iso) + "</time>";
  out += "<div class=\"cm-body\">" + html_escape_multiline(c.body) + "</div></li>\n";
}

}  // namespace

bool parse_embed_lang(std::string_view text, EmbedLang& out) {
  std::string lower(text);
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  if (lower == "zh-cn" || lower == "zh" || lower == "zh-hans") {
    out = EmbedLang::zh_cn;
    return true;
  }
  if (lower == "en" || lower.starts_with("en-")) {
    out = EmbedLang::en;
    return true;
  }
  return false;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
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
                                  const std::vector<Comment>& pinned, int limit, EmbedLang lang) {
  const EmbedTexts& texts = lang == EmbedLang::zh_cn ? zh_texts : en_texts;
  const std::string count = std::to_string(total);
  std::string out;
  out.reserve(1024 + 512 * newest.size());
  out += "<section class=\"cm-thread\" data-thread=\"" + html_escape(thread) +
         "\" data-total=\"" + count + "\" lang=\"";
  out += texts.lang;
  out += "\">\n<h2 class=\"cm-title\">";
  out += texts.title;
  out += " <span class=\"cm-count\">(" + count + ")</span></h2>\n<p class=\"cm-disclaimer\">";
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
  for (const auto& c : pinned) append_comment(out, c, true, texts);
  for (const Comment* c : shown) append_comment(out, *c, false, texts);
  out += "</ol>\n</section>\n";
  return out;
}

}  // namespace comments::server

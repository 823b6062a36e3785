// comments-filter: core's moderation filter on its own, for readers' muted
// words. The reader's widget (wasm/widget) does not link the filter: most
// readers never mute a word, and the matcher with its Unicode folding is
// about a fifth of the widget's download. The loader (web/embed.js) fetches
// this module only for a reader who has muted words or saves some, and hands
// it to the widget (Widget::on_filter). It decides exactly as the server
// does, because it is the same code.
//
// The JS face is filter.post.js: Module.create() gives each widget on the
// page its own word list (a slot here), with setWords(text) and
// blocks(author, body). Strings cross as UTF-8 in memory the glue allocates
// with malloc.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <emscripten/emscripten.h>

#include "comments/filter.hpp"
#include "comments/limits.hpp"
#include "comments/text.hpp"

namespace {

std::vector<comments::ModerationFilter>& slots() {
  static std::vector<comments::ModerationFilter> all;
  return all;
}

std::string& last_problem() {
  static std::string problem;
  return problem;
}

// Why the reader's muted words cannot be used, in the reader's language:
// core's checks (the server's, for its own lists), worded for readers.
std::string muted_words_problem(const std::vector<std::string>& words, bool zh) {
  const auto max = [](std::size_t n) { return std::to_string(n); };
  if (words.size() > comments::limits::max_filter_words) {
    return zh ? "屏蔽词太多了，最多 " + max(comments::limits::max_filter_words) + " 个。"
              : "Too many muted words: at most " + max(comments::limits::max_filter_words) + ".";
  }
  for (const std::string& word : words) {
    const comments::Result<void> checked = comments::check_filter_word(word);
    if (checked) continue;
    const std::string quoted = comments::text::quoted_excerpt(word, 20, zh ? "“" : "\"", zh ? "”" : "\"");
    switch (checked.error().id) {
      case comments::ErrorId::filter_word_invalid_utf8:
        return zh ? "屏蔽词中有无法识别的字符。" : "A muted word has characters that cannot be read.";
      case comments::ErrorId::filter_word_too_long:
        return zh ? "屏蔽词" + quoted + "太长了，最多 " + max(comments::limits::max_filter_word_chars) + " 字。"
                  : "The muted word " + quoted + " is too long: at most " +
                        max(comments::limits::max_filter_word_chars) + " characters.";
      default:  // filter_word_folds_to_nothing
        return zh ? "屏蔽词" + quoted + "只有空白、标点或符号，屏蔽不了任何评论。"
                  : "The muted word " + quoted +
                        " has only spaces, punctuation or symbols, so it cannot hide anything.";
    }
  }
  return {};
}

}  // namespace

// A new, empty word list; returns its slot.
extern "C" EMSCRIPTEN_KEEPALIVE int cmfilter_new() {
  slots().emplace_back();
  return static_cast<int>(slots().size() - 1);
}

// Replaces the muted words of `slot` with the lines of `text` (empty lines
// ignored). Returns "" when they were taken, else why not, naming the first
// bad word, in Chinese (`zh`) or English; the words in force stay as they were.
extern "C" EMSCRIPTEN_KEEPALIVE const char* cmfilter_set_words(int slot, const char* text,
                                                               std::size_t length, int zh) {
  comments::FilterLists lists;
  std::string_view rest(text, length);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    if (!line.empty()) lists.banned.emplace_back(line);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
  last_problem() = muted_words_problem(lists.banned, zh != 0);
  if (last_problem().empty()) slots().at(slot) = comments::ModerationFilter(std::move(lists));
  return last_problem().c_str();
}

// 1 when a muted word of `slot` occurs in the author or the body (folded as the
// moderation filter folds), else 0.
extern "C" EMSCRIPTEN_KEEPALIVE int cmfilter_blocks(int slot, const char* author,
                                                    std::size_t author_length, const char* body,
                                                    std::size_t body_length) {
  const auto decision = slots().at(slot).check(std::string_view(author, author_length),
                                      std::string_view(body, body_length));
  return decision.verdict == comments::Verdict::block ? 1 : 0;
}

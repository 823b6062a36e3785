#include "moderator/filters_model.hpp"

#include <utility>

#include "comments/text.hpp"

namespace cmmod {

using comments::FilterLists;

namespace {

bool same(const FilterLists& a, const FilterLists& b) { return a.banned == b.banned && a.suspect == b.suspect; }

}  // namespace

std::vector<std::string> split_lines(const std::string& input) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    auto word = comments::text::trim(std::string_view(input).substr(start, end - start));
    if (!word.empty()) words.emplace_back(word);
    start = end + 1;
  }
  return words;
}

std::string join_lines(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += '\n';
    out += w;
  }
  return out;
}

bool FilterEditor::server_lists(FilterLists lists, const FilterLists& edited) {
  const bool editing = loaded_ && !same(edited, server_);
  server_filter_ = comments::ModerationFilter(lists);
  server_ = std::move(lists);
  loaded_ = true;
  return !editing;
}

std::string problem_of(const FilterLists& lists) {
  const comments::Result<void> valid = lists.validate();
  return valid ? std::string() : valid.error().message;
}

EditState FilterEditor::check(const FilterLists& edited) const {
  return {problem_of(edited), !same(edited, server_)};
}

PreviewResult FilterEditor::preview(const FilterLists& edited, const std::vector<comments::Comment>& sample) const {
  return preview_rules(sample, comments::ModerationFilter(edited), server_filter_);
}

}  // namespace cmmod

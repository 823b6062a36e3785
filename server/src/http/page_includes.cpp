#include "http/page_includes.hpp"

#include <optional>
#include <utility>

#include "http/embed.hpp"

namespace comments::server {
namespace {

constexpr std::string_view directive_open = "<!--#";
constexpr std::string_view directive_close = "-->";
constexpr std::string_view embed_path = "/embed/latest";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
}

std::string_view take_name(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && is_name_char(s[n])) ++n;
  const auto name = s.substr(0, n);
  s.remove_prefix(n);
  return name;
}

struct DirectiveParam {
  std::string name;
  std::string value;
};

struct Directive {
  std::string command;
  std::vector<DirectiveParam> params;
  bool readable = true;  // false: the parameters do not follow name="value"
};

// The text between `<!--#` and `-->`, read as nginx does: a command, then
// name="value" or name='value' pairs (spaces allowed around '=', a backslash
// escapes the quote character inside a value).
Directive parse_directive(std::string_view text) {
  Directive directive;
  skip_spaces(text);
  directive.command = std::string(take_name(text));
  while (true) {
    skip_spaces(text);
    if (text.empty()) return directive;
    DirectiveParam param;
    param.name = std::string(take_name(text));
    skip_spaces(text);
    if (param.name.empty() || text.empty() || text.front() != '=') break;
    text.remove_prefix(1);
    skip_spaces(text);
    if (text.empty() || (text.front() != '"' && text.front() != '\'')) break;
    const char quote = text.front();
    text.remove_prefix(1);
    bool closed = false;
    while (!text.empty()) {
      const char c = text.front();
      text.remove_prefix(1);
      if (c == quote) {
        closed = true;
        break;
      }
      if (c == '\\' && !text.empty() && text.front() == quote) {
        param.value += quote;
        text.remove_prefix(1);
      } else {
        param.value += c;
      }
    }
    if (!closed) break;
    directive.params.push_back(std::move(param));
  }
  directive.readable = false;
  return directive;
}

// The parameter names /embed/latest knows. Anything else in an include is a
// mistake of the page (often `&amp;` written for `&`: nginx passes the value
// on as it stands, and the server would ignore the misspelt parameter).
Result<void> check_query_params(std::string_view query) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto name = pair.substr(0, pair.find('='));
    if (name.empty() || name == "thread" || name == "limit" || name == "lang") continue;
    std::string problem = "unknown parameter \"" + std::string(name) + "\"";
    if (name.starts_with("amp;")) problem += " (write & between parameters, not &amp;)";
    return Error{ErrorId::include_unknown_param, std::move(problem)};
  }
  return {};
}

// What an include directive asks for: nullopt when it is not ours (not an
// include of /embed/latest), else the query or what is wrong with it.
std::optional<Result<EmbedQuery>> embed_request_of(std::string_view text) {
  const Directive directive = parse_directive(text);
  if (directive.command != "include") return std::nullopt;
  if (!directive.readable) {
    if (text.find(embed_path) == std::string_view::npos) return std::nullopt;
    return Result<EmbedQuery>(Error{
        ErrorId::include_unreadable,
        "cannot read the directive: write <!--#include virtual=\"/embed/latest?thread=KEY\" -->"});
  }
  const DirectiveParam* target = nullptr;
  for (const auto& param : directive.params) {
    if (param.name == "virtual" && target == nullptr) target = &param;
  }
  if (target == nullptr) return std::nullopt;
  const std::string_view uri = target->value;
  const auto question = uri.find('?');
  if (uri.substr(0, question) != embed_path) return std::nullopt;

  for (const auto& param : directive.params) {
    if (&param != target) {
      return Result<EmbedQuery>(
          Error{ErrorId::include_extra_param,
                "the include takes one virtual=\"/embed/latest?...\" and nothing else, not " +
                    param.name + "="});
    }
  }
  if (uri.find('$') != std::string_view::npos) {
    return Result<EmbedQuery>(
        Error{ErrorId::include_nginx_variable, "nginx variables ($name) are not supported in the include"});
  }
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : uri.substr(question + 1);
  if (const Result<void> params = check_query_params(query); !params) {
    return Result<EmbedQuery>(params.error());
  }
  return parse_embed_query(query);
}

}  // namespace

std::vector<EmbedInclude> find_embed_includes(std::string_view html) {
  std::vector<EmbedInclude> found;
  std::size_t from = 0;
  while (true) {
    const auto open = html.find(directive_open, from);
    if (open == std::string_view::npos) break;
    const auto inner = open + directive_open.size();
    const auto close = html.find(directive_close, inner);
    // An unterminated directive is no directive (nginx, too, leaves it).
    if (close == std::string_view::npos) break;
    const auto end = close + directive_close.size();
    if (auto request = embed_request_of(html.substr(inner, close - inner))) {
      found.push_back({open, end - open, std::move(*request)});
    }
    from = end;
  }
  return found;
}

std::string include_problem_comment(std::string_view message) {
  const std::string escaped = html_escape(message);
  std::string out = "<!-- comments include: ";
  for (const char c : escaped) {
    // "--" may not occur inside a comment: a space goes between the dashes.
    if (c == '-' && out.back() == '-') out += ' ';
    out += c;
  }
  out += " -->";
  return out;
}

std::string splice_includes(std::string_view html, const std::vector<EmbedInclude>& includes,
                            const std::vector<std::string>& texts) {
  std::string out;
  std::size_t reserve = html.size();
  for (const auto& text : texts) reserve += text.size();
  out.reserve(reserve);
  std::size_t copied = 0;
  for (std::size_t i = 0; i < includes.size(); ++i) {
    out.append(html.substr(copied, includes[i].offset - copied));
    out += texts[i];
    copied = includes[i].offset + includes[i].length;
  }
  out.append(html.substr(copied));
  return out;
}

}  // namespace comments::server

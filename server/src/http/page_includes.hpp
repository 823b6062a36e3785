// Server-side includes in served HTML pages, in nginx's SSI syntax so the same
// page works behind nginx with `ssi on;`:
//
//   <!--#include virtual="/embed/latest?thread=KEY&limit=N&lang=zh-CN" -->
//
// Only includes of /embed/latest are ours; every other `<!--#...-->` directive
// is left as it is (to a browser it is an HTML comment). Pure text work, no
// I/O: http_session fetches the fragments and splices them in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/embed_query.hpp"

namespace comments::server {

// One `<!--#include virtual="/embed/latest?…" -->` of a page.
struct EmbedInclude {
  std::size_t offset = 0;  // where `<!--#` starts in the page
  std::size_t length = 0;  // up to and including the closing `-->`
  // The validated query, or what is wrong with the directive (include_* or
  // embed_* ids).
  Result<EmbedQuery> request;
};

// The /embed/latest includes of `html`, in page order. A directive meant for
// /embed/latest that cannot be used (unreadable parameters, a bad query, nginx
// variables, parameters other than `virtual`) is listed with its problem.
std::vector<EmbedInclude> find_embed_includes(std::string_view html);

// `<!-- comments include: MESSAGE -->`, the message HTML-escaped and with no
// "--" inside, so it can neither end the comment early nor inject markup.
std::string include_problem_comment(std::string_view message);

// `html` with includes[i] replaced by texts[i] (both of the same size).
std::string splice_includes(std::string_view html, const std::vector<EmbedInclude>& includes,
                            const std::vector<std::string>& texts);

}  // namespace comments::server

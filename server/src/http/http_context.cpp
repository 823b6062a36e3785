#include "http/http_context.hpp"

namespace comments::server {

HttpContext::HttpContext(App& app, WsSessions& websockets, HttpOptions options)
    : app_(app),
      websockets_(websockets),
      options_(std::move(options)),
      origins_(options_.allow_origins) {}

void HttpContext::embed_latest(std::string thread, int limit, EmbedLang lang,
                               std::function<void(EmbedReply)> done) {
  app_.latest(thread, limit,
              [thread, limit, lang, done = std::move(done)](std::optional<ThreadSnapshot> snapshot) {
                if (!snapshot) {
                  done({false, "The comments could not be read."});
                  return;
                }
                done({true, render_embed_fragment(thread, snapshot->total, snapshot->newest,
                                                  snapshot->pinned, limit, lang)});
              });
}

void HttpContext::shutdown() {
  shutting_down_ = true;
  sessions_.for_each([](HttpSession& h) { h.stop(); });
}

}  // namespace comments::server

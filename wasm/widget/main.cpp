// The Wasm entry point: the loader (web/embed.js) calls Module.mount(host,
// shadowRoot, config) once per container on the page; all widgets of a page
// share this one compiled module. Module.mount is mount.post.js handing the
// three JS values to cmwidget_mount as Emval handles: a plain export instead
// of an embind function binding, whose invoker machinery would otherwise be a
// sizeable part of the glue every reader downloads.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include "comments/limits.hpp"
#include "widget/widget.hpp"

namespace {

using emscripten::val;

std::string string_field(const val& config, const char* key) {
  val v = config[key];
  return v.isString() ? v.as<std::string>() : std::string();
}

std::vector<std::unique_ptr<cmwidget::Widget>>& widgets() {
  static std::vector<std::unique_ptr<cmwidget::Widget>> all;
  return all;
}

void mount(val host, val root, val config) {
  cmwidget::WidgetConfig c;
  c.thread = string_field(config, "thread");
  c.server = string_field(config, "server");
  c.lang = cmweb::parse_lang(string_field(config, "lang"));
  c.disclaimer = string_field(config, "disclaimer");
  c.page = config["page"];
  c.more = !config["more"].isFalse();
  c.report = config["report"];
  c.flagged = config["flagged"];
  c.own = config["own"];
  if (val offset = config["utcOffset"]; offset.isNumber()) c.utc_offset = offset.as<int>();

  c.load_filter = config["loadFilter"];
  val limit = config["limit"];
  if (limit.isNumber()) {
    c.limit = std::clamp(limit.as<int>(), 1, comments::limits::max_join_limit);
  }
  const std::string thread = c.thread;
  auto& widget = widgets().emplace_back(
      std::make_unique<cmwidget::Widget>(host, root, config["fragment"], std::move(c)));
  // Moderator mode (docs/moderation.md), in the moderators' build of the widget only.
  if (auto extension = cmwidget::make_extension(thread, root)) {
    widget->set_extension(std::move(extension));
  }
  widget->start();
}

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void cmwidget_mount(emscripten::EM_VAL host, emscripten::EM_VAL root,
                                                  emscripten::EM_VAL config) {
  mount(val::take_ownership(host), val::take_ownership(root), val::take_ownership(config));
}

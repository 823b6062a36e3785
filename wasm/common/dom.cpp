#include "common/dom.hpp"

#include <optional>
#include <utility>

#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>

#include "common/small_map.hpp"

namespace cmweb {
namespace {

struct Listener {
  val target;
  std::string event;
  val function;
  EventHandler handler;
};

// Listeners by id. The JS side only keeps the integer, so a listener removed
// while an event is queued finds nothing and does nothing.
SmallMap<int, Listener>& listeners() {
  static SmallMap<int, Listener> registry;
  return registry;
}
int next_listener_id = 1;

}  // namespace
}  // namespace cmweb

// The JS function handed to addEventListener: it forwards the event to C++ by id.
EM_JS(emscripten::EM_VAL, cmweb_make_listener, (int id), {
  return Emval.toHandle(function(event) { _cmweb_dispatch_event(id, Emval.toHandle(event)); });
});

extern "C" EMSCRIPTEN_KEEPALIVE void cmweb_dispatch_event(int id, emscripten::EM_VAL event_handle) {
  auto event = emscripten::val::take_ownership(event_handle);
  auto& registry = cmweb::listeners();
  const cmweb::Listener* listener = registry.find(id);
  if (listener == nullptr) return;
  // Copy: the handler may remove its own listener while it runs.
  cmweb::EventHandler handler = listener->handler;
  handler(event);
}

namespace cmweb {

val owner_document(const val& node) {
  val doc = node["ownerDocument"];
  return doc.isNull() || doc.isUndefined() ? val::global("document") : doc;
}

val make_element(const val& doc, std::string_view tag, std::string_view cls) {
  val el = doc.call<val>("createElement", js_string(tag));
  if (!cls.empty()) el.set("className", js_string(cls));
  return el;
}

void set_text(val el, std::string_view text) { el.set("textContent", js_string(text)); }

void append_text(const val& el, std::string_view text) {
  val doc = owner_document(el);
  el.call<void>("appendChild", doc.call<val>("createTextNode", js_string(text)));
}

void set_attr(const val& el, std::string_view name, std::string_view value) {
  el.call<void>("setAttribute", js_string(name), js_string(value));
}

void remove_attr(const val& el, std::string_view name) {
  el.call<void>("removeAttribute", js_string(name));
}

std::string get_attr(const val& el, std::string_view name) {
  val v = el.call<val>("getAttribute", js_string(name));
  return v.isString() ? v.as<std::string>() : std::string();
}

bool has_attr(const val& el, std::string_view name) {
  return el.call<bool>("hasAttribute", js_string(name));
}

void set_hidden(val el, bool hidden) { el.set("hidden", hidden); }

void toggle_class(const val& el, std::string_view cls, bool on) {
  el["classList"].call<void>("toggle", js_string(cls), on);
}

void remove_children(val el) { el.set("textContent", js_string("")); }

void append(const val& parent, const val& child) { parent.call<void>("appendChild", child); }

std::string get_value(const val& input) {
  val v = input["value"];
  return v.isString() ? v.as<std::string>() : std::string();
}

void set_value(val input, std::string_view value) { input.set("value", js_string(value)); }

int add_listener(const val& target, std::string_view event, EventHandler handler) {
  const int id = next_listener_id++;
  val function = val::take_ownership(cmweb_make_listener(id));
  target.call<void>("addEventListener", js_string(event), function);
  listeners().put(id, Listener{target, std::string(event), function, std::move(handler)});
  return id;
}

void remove_listener(int id) {
  const std::optional<Listener> listener = listeners().take(id);
  if (!listener) return;
  listener->target.call<void>("removeEventListener", js_string(listener->event), listener->function);
}

val closest_with_attr(const val& event, std::string_view attribute) {
  val path = event.call<val>("composedPath");
  const int length = path["length"].as<int>();
  val name = js_string(attribute);
  for (int i = 0; i < length; ++i) {
    val node = path[i];
    if (node["nodeType"].isNumber() && node["nodeType"].as<int>() == 1 &&
        node.call<bool>("hasAttribute", name)) {
      return node;
    }
  }
  return val::undefined();
}

}  // namespace cmweb

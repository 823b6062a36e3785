// Small DOM helpers over emscripten::val, shared by the reader's widget and the
// moderator console. Every piece of user text goes in with set_text (a text
// node / textContent), never as HTML.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <emscripten/val.h>

namespace cmweb {

using emscripten::val;

// A JS string from UTF-8 bytes (embind's val(std::string) copies as UTF-8).
inline val js_string(std::string_view s) { return val(std::string(s)); }

// The document that owns `node` (works inside shadow roots too).
val owner_document(const val& node);

// Creates <tag class="cls"> in the document of `parent_like`.
val make_element(const val& doc, std::string_view tag, std::string_view cls = {});

// Replaces the element's content with one text node.
void set_text(val el, std::string_view text);
// Appends a text node.
void append_text(const val& el, std::string_view text);
void set_attr(const val& el, std::string_view name, std::string_view value);
void remove_attr(const val& el, std::string_view name);
std::string get_attr(const val& el, std::string_view name);  // "" when absent
bool has_attr(const val& el, std::string_view name);
void set_hidden(val el, bool hidden);
void toggle_class(const val& el, std::string_view cls, bool on);
void remove_children(val el);
void append(const val& parent, const val& child);
std::string get_value(const val& input);  // .value of an input/textarea
void set_value(val input, std::string_view value);

// Registers `handler` for `event` on `target`. The returned id removes it
// again with remove_listener. Handlers run on the main thread, one at a time.
using EventHandler = std::function<void(const val& event)>;
int add_listener(const val& target, std::string_view event, EventHandler handler);
void remove_listener(int id);

// Nearest ancestor-or-self of the event's target (seen through shadow roots via
// composedPath) that carries `attribute`, or undefined.
val closest_with_attr(const val& event, std::string_view attribute);

}  // namespace cmweb

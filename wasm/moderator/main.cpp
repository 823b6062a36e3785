// The Wasm entry point of the moderators' console: web/moderate.html calls
// Module.mount(container, {server, lang, otherLanguageHref}) once.
#include <memory>
#include <string>

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "moderator/console.hpp"

namespace {

using emscripten::val;

std::string string_field(const val& config, const char* key) {
  val v = config[key];
  return v.isString() ? v.as<std::string>() : std::string();
}

std::unique_ptr<cmmod::Console>& the_console() {
  static std::unique_ptr<cmmod::Console> console;
  return console;
}

void mount(val root, val config) {
  cmmod::ConsoleConfig c;
  c.server = string_field(config, "server");
  c.lang = cmweb::parse_lang(string_field(config, "lang"));
  c.other_language_href = string_field(config, "otherLanguageHref");
  auto& console = the_console();
  console = std::make_unique<cmmod::Console>(root, std::move(c));
  console->start();
}

}  // namespace

EMSCRIPTEN_BINDINGS(comments_moderator) { emscripten::function("mount", &mount); }

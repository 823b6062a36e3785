#include "common/session_storage.hpp"

#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

// Written in JS because reading window.sessionStorage itself can throw
// (SecurityError), and the Wasm build has no C++ exceptions to catch it with.
EM_JS(emscripten::EM_VAL, cmweb_session_get, (const char* key), {
  try {
    return Emval.toHandle(window.sessionStorage.getItem(UTF8ToString(key)));
  } catch (e) {
    return Emval.toHandle(null);
  }
});

EM_JS(int, cmweb_session_set, (const char* key, const char* value), {
  try {
    window.sessionStorage.setItem(UTF8ToString(key), UTF8ToString(value));
    return 1;
  } catch (e) {
    return 0;
  }
});

EM_JS(void, cmweb_session_remove, (const char* key), {
  try {
    window.sessionStorage.removeItem(UTF8ToString(key));
  } catch (e) {
  }
});

namespace cmweb::session_storage {

std::optional<std::string> get(std::string_view key) {
  auto value = emscripten::val::take_ownership(cmweb_session_get(std::string(key).c_str()));
  if (!value.isString()) return std::nullopt;
  return value.as<std::string>();
}

bool set(std::string_view key, std::string_view value) {
  return cmweb_session_set(std::string(key).c_str(), std::string(value).c_str()) != 0;
}

void remove(std::string_view key) { cmweb_session_remove(std::string(key).c_str()); }

}  // namespace cmweb::session_storage

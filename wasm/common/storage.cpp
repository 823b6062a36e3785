#include "common/storage.hpp"

#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

// Written in JS because reading window.localStorage itself can throw
// (SecurityError), and the Wasm build has no C++ exceptions to catch it with.
EM_JS(emscripten::EM_VAL, cmweb_storage_get, (const char* key), {
  try {
    var value = window.localStorage.getItem(UTF8ToString(key));
    return Emval.toHandle(value);
  } catch (e) {
    return Emval.toHandle(null);
  }
});

EM_JS(int, cmweb_storage_set, (const char* key, const char* value), {
  try {
    window.localStorage.setItem(UTF8ToString(key), UTF8ToString(value));
    return 1;
  } catch (e) {
    return 0;
  }
});

EM_JS(void, cmweb_storage_remove, (const char* key), {
  try {
    window.localStorage.removeItem(UTF8ToString(key));
  } catch (e) {
  }
});

namespace cmweb::storage {

std::optional<std::string> get(std::string_view key) {
  auto value = emscripten::val::take_ownership(cmweb_storage_get(std::string(key).c_str()));
  if (!value.isString()) return std::nullopt;
  return value.as<std::string>();
}

bool set(std::string_view key, std::string_view value) {
  return cmweb_storage_set(std::string(key).c_str(), std::string(value).c_str()) != 0;
}

void remove(std::string_view key) { cmweb_storage_remove(std::string(key).c_str()); }

}  // namespace cmweb::storage

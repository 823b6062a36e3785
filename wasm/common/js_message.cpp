#include "common/js_message.hpp"

#include <cmath>

#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>

#include "comments/comment_fields.hpp"

// JSON.parse throws on invalid text (and never returns undefined): undefined
// says so here, so no JS exception ever unwinds through Wasm frames.
EM_JS(emscripten::EM_VAL, cmweb_js_parse, (const char* data, std::size_t length), {
  try {
    return Emval.toHandle(JSON.parse(UTF8ToString(data, length)));
  } catch (e) {
    return Emval.toHandle(undefined);
  }
});

namespace cmweb::js {
namespace {

// 2^53 (Number.MAX_SAFE_INTEGER + 1): below it a JS number is exactly the
// integer the server wrote; from it on, neighbouring integers collapse.
constexpr double two_to_53 = 9007199254740992.0;

std::optional<std::int64_t> as_int(const val& v) {
  if (!v.isNumber()) return std::nullopt;
  const double number = v.as<double>();
  if (!std::isfinite(number) || std::trunc(number) != number || std::fabs(number) >= two_to_53) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(number);
}

// read_comment's view of one JS object (see comments/comment_fields.hpp).
class JsFields {
 public:
  explicit JsFields(const val& object) : object_(object) {}
  bool has(const char* key) const { return !object_[key].isUndefined(); }
  bool is_null(const char* key) const { return object_[key].isNull(); }
  std::optional<std::int64_t> int64(const char* key) const { return as_int(object_[key]); }
  std::optional<std::string> string(const char* key) const { return string_at(object_, key); }
  std::optional<bool> boolean(const char* key) const {
    const val v = object_[key];
    if (v.isTrue()) return true;
    if (v.isFalse()) return false;
    return std::nullopt;
  }

 private:
  const val& object_;
};

}  // namespace

val parse(std::string_view text) {
  return val::take_ownership(cmweb_js_parse(text.data(), text.size()));
}

std::string stringify(const val& value) {
  return val::global("JSON").call<std::string>("stringify", value);
}

bool is_object(const val& value) {
  return !value.isNull() && value.typeOf().as<std::string>() == "object" && !value.isArray();
}

std::optional<std::string> string_at(const val& object, const char* key) {
  if (!is_object(object)) return std::nullopt;
  const val v = object[key];
  if (!v.isString()) return std::nullopt;
  return v.as<std::string>();
}

std::optional<std::int64_t> int_at(const val& object, const char* key) {
  if (!is_object(object)) return std::nullopt;
  return as_int(object[key]);
}

std::string text_at(const val& object, const char* key) {
  return string_at(object, key).value_or(std::string());
}

comments::Result<comments::Comment> comment_from(const val& value) {
  if (!is_object(value)) return comments::comment_error(comments::ErrorId::comment_not_object);
  return comments::read_comment(JsFields(value));
}

std::vector<comments::Comment> comments_at(const val& object, const char* key) {
  std::vector<comments::Comment> out;
  if (!is_object(object)) return out;
  const val items = object[key];
  if (!items.isArray()) return out;
  for (int i = 0, n = items["length"].as<int>(); i < n; ++i) {
    if (auto c = comment_from(items[i])) out.push_back(std::move(*c));
  }
  return out;
}

val message(std::string_view type) {
  val object = val::object();
  set(object, "type", type);
  return object;
}

void set(val& object, const char* key, std::string_view text) {
  object.set(key, val(std::string(text)));
}

void set(val& object, const char* key, std::int64_t number) {
  object.set(key, val(static_cast<double>(number)));
}

void set_null(val& object, const char* key) { object.set(key, val::null()); }

}  // namespace cmweb::js

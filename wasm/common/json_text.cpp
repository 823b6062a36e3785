#include "common/json_text.hpp"

#include <cmath>
#include <cstdint>

#include <emscripten/val.h>

namespace cmweb {
namespace {

using emscripten::val;
using nlohmann::json;

// 2^63: the doubles from here up do not fit std::int64_t / std::uint64_t exactly.
constexpr double two_to_63 = 9223372036854775808.0;

json from_js(const val& v) {
  const std::string type = v.typeOf().as<std::string>();
  if (type == "string") return v.as<std::string>();
  if (type == "number") {
    const double number = v.as<double>();
    if (std::isfinite(number) && std::trunc(number) == number && std::fabs(number) < two_to_63) {
      if (number >= 0) return static_cast<std::uint64_t>(number);
      return static_cast<std::int64_t>(number);
    }
    return number;
  }
  if (type == "boolean") return v.as<bool>();
  if (v.isNull()) return nullptr;
  if (val::global("Array").call<bool>("isArray", v)) {
    json array = json::array();
    for (int i = 0, n = v["length"].as<int>(); i < n; ++i) array.push_back(from_js(v[i]));
    return array;
  }
  json object = json::object();
  const val keys = val::global("Object").call<val>("keys", v);
  for (int i = 0, n = keys["length"].as<int>(); i < n; ++i) {
    const val key = keys[i];
    object[key.as<std::string>()] = from_js(v[key]);
  }
  return object;
}

val to_js(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      val object = val::object();
      for (const auto& [key, item] : j.items()) object.set(key, to_js(item));
      return object;
    }
    case json::value_t::array: {
      val array = val::array();
      for (const auto& item : j) array.call<void>("push", to_js(item));
      return array;
    }
    case json::value_t::string: return val(j.get_ref<const std::string&>());
    case json::value_t::boolean: return val(j.get<bool>());
    case json::value_t::number_integer: return val(static_cast<double>(j.get<std::int64_t>()));
    case json::value_t::number_unsigned: return val(static_cast<double>(j.get<std::uint64_t>()));
    case json::value_t::number_float: return val(j.get<double>());
    default: return val::null();  // null (and discarded, which has no text)
  }
}

}  // namespace

json json_from_js(const val& value) { return from_js(value); }
val json_to_js(const json& value) { return to_js(value); }

}  // namespace cmweb

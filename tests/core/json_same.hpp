// Two JSON values equal with equal types all the way down: json's operator==
// calls 1 (unsigned) and 1 (integer) equal, nlohmann's own parser does not
// mix them. For the checks of core/src/flat_json.hpp against nlohmann (the
// core tests and the client_message fuzz target).
#pragma once

#include <nlohmann/json.hpp>

namespace comments::testing {

inline bool same_json(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.type() != b.type()) return false;
  if (!a.is_object()) return a == b;
  if (a.size() != b.size()) return false;
  for (auto it = a.begin(); it != a.end(); ++it) {
    const auto other = b.find(it.key());
    if (other == b.end() || !same_json(it.value(), *other)) return false;
  }
  return true;
}

}  // namespace comments::testing

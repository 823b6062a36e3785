// Reading fields of server messages without exceptions (the Wasm build has
// none): a missing or mistyped field reads as empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "comments/comment.hpp"

namespace cmmod {

inline std::optional<std::int64_t> json_int(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

inline std::string json_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

inline std::vector<std::string> json_strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

inline std::vector<comments::Comment> json_comments(const nlohmann::json& j, const char* key) {
  std::vector<comments::Comment> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (auto c = comments::comment_from_json(item)) out.push_back(std::move(*c));
  }
  return out;
}

inline std::optional<comments::Comment> json_comment(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  auto c = comments::comment_from_json(*it);
  if (!c) return std::nullopt;
  return std::move(c).value();
}

}  // namespace cmmod

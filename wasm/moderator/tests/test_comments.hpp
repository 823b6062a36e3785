// What the console's model tests build their comments with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comments/comment.hpp"

namespace cmmod::testing {

inline comments::Comment make(std::int64_t id, comments::Status status = comments::Status::pending,
                              std::int32_t flags = 0, std::string author = "读者",
                              std::string body = "正文", std::string thread = "t1") {
  comments::Comment c;
  c.id = id;
  c.thread = std::move(thread);
  c.author = std::move(author);
  c.body = std::move(body);
  c.created = 1'600'000'000'000 + id;
  c.status = status;
  c.flags = flags;
  return c;
}

// The ids of a list of comments or audit rows, in order.
template <class Items>
std::vector<std::int64_t> ids_of(const Items& items) {
  std::vector<std::int64_t> out;
  for (const auto& item : items) out.push_back(item.id);
  return out;
}

}  // namespace cmmod::testing

// The comment object's JSON, written once for both JSON flavours: `json` (the
// model's to_json) and `ordered_json` (the wire, where fields keep the
// contract's order). Private to core/src.
#pragma once

#include "comments/comment.hpp"

namespace comments {

template <class Json>
Json comment_object(const Comment& c) {
  Json j = Json::object();
  j["id"] = c.id;
  j["thread"] = c.thread;
  j["parent"] = c.parent ? Json(*c.parent) : Json(nullptr);
  j["author"] = c.author;
  j["body"] = c.body;
  j["created"] = c.created;
  j["status"] = to_string(c.status);
  j["pinned"] = c.pinned;
  j["flags"] = c.flags;
  return j;
}

}  // namespace comments

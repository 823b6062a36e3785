// The comment object's JSON, written once for both JSON flavours: `json` (the
// model's to_json) and `ordered_json` (the wire, where fields keep the
// contract's order). Private to core/src.
#pragma once

#include "comments/comment.hpp"
#include "comments/comment_fields.hpp"

namespace comments {

template <class Json>
Json comment_object(const Comment& c) {
  Json j = Json::object();
  j[field::id] = c.id;
  j[field::thread] = c.thread;
  j[field::parent] = c.parent ? Json(*c.parent) : Json(nullptr);
  j[field::author] = c.author;
  j[field::body] = c.body;
  j[field::created] = c.created;
  j[field::status] = to_string(c.status);
  j[field::pinned] = c.pinned;
  j[field::flags] = c.flags;
  if (c.edited) j[field::edited] = *c.edited;
  j[field::likes] = c.likes;
  return j;
}

}  // namespace comments

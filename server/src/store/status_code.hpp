// A comment's status as both engines store it: a small integer (compact in
// the indexes). The numbers are part of both schemas: their partial indexes
// and counter triggers say `status = 0`, and copy-store moves rows between
// the engines as they are.
#pragma once

#include <cstdint>
#include <string>

#include "comments/comment.hpp"
#include "comments/moderation.hpp"
#include "store/store.hpp"

namespace comments::server {

constexpr std::int64_t status_code(Status status) {
  switch (status) {
    case Status::published: return 0;
    case Status::pending: return 1;
    case Status::rejected: return 2;
    case Status::deleted: return 3;
  }
  return 1;
}

inline Status status_from_code(std::int64_t code) {
  switch (code) {
    case 0: return Status::published;
    case 1: return Status::pending;
    case 2: return Status::rejected;
    case 3: return Status::deleted;
    default: throw StoreError("corrupt row: unknown status code " + std::to_string(code));
  }
}

// The queue's status filter as an SQL condition (" AND ..."; empty for all).
// Literals, not parameters, so each engine's planner can use the partial indexes.
inline const char* queue_status_condition(QueueStatus status) {
  switch (status) {
    case QueueStatus::published: return " AND status = 0";
    case QueueStatus::pending: return " AND status = 1";
    case QueueStatus::rejected: return " AND status = 2";
    case QueueStatus::deleted: return " AND status = 3";
    case QueueStatus::flagged: return " AND flags > 0";
    case QueueStatus::all: return "";
  }
  return "";
}

}  // namespace comments::server

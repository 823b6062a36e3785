#include "support/refusal_log.hpp"

#include "support/log.hpp"

namespace comments::server {

std::optional<std::uint64_t> RefusalLog::note(std::string_view limit,
                                              std::string_view address_hash,
                                              std::int64_t now_ms) {
  std::string key;
  key.reserve(limit.size() + 1 + address_hash.size());
  key.append(limit).append(1, ' ').append(address_hash);
  if (auto it = entries_.find(key); it != entries_.end()) {
    Entry& entry = it->second;
    if (now_ms - entry.logged_ms < window_ms_) {
      ++entry.suppressed;
      return std::nullopt;
    }
    const std::uint64_t suppressed = entry.suppressed;
    entry = Entry{now_ms, 0};
    return suppressed;
  }
  if (entries_.size() >= max_tracked_) {
    std::erase_if(entries_,
                  [&](const auto& e) { return now_ms - e.second.logged_ms >= window_ms_; });
    if (entries_.size() >= max_tracked_) entries_.clear();
  }
  entries_.emplace(std::move(key), Entry{now_ms, 0});
  return std::uint64_t{0};
}

void RefusalLog::refused(std::string_view limit, const std::string& address_hash,
                         std::string_view details, std::int64_t now_ms) {
  const auto suppressed = note(limit, address_hash, now_ms);
  if (!suppressed) return;
  std::string fields = "limit=" + std::string(limit) + " from=" + address_hash.substr(0, 12);
  if (!details.empty()) fields.append(1, ' ').append(details);
  if (*suppressed > 0) fields += " suppressed=" + std::to_string(*suppressed);
  log_warn("limit-refused", fields);
}

}  // namespace comments::server

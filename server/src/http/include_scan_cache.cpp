#include "http/include_scan_cache.hpp"

namespace comments::server {

IncludeScanCache::IncludeScanCache(std::size_t capacity) : capacity_(capacity) {
  index_.reserve(capacity_);
}

bool IncludeScanCache::known_without_includes(const std::filesystem::path& path,
                                              std::uintmax_t size,
                                              std::filesystem::file_time_type mtime) {
  const std::lock_guard lock(mutex_);
  const auto it = index_.find(std::string_view(path.native()));
  if (it == index_.end()) return false;
  const Entry& entry = *it->second;
  if (entry.size != size || entry.mtime != mtime) {
    erase(it);
    return false;
  }
  order_.splice(order_.begin(), order_, it->second);
  return true;
}

void IncludeScanCache::remember(const std::filesystem::path& path, std::uintmax_t size,
                                std::filesystem::file_time_type mtime, bool has_includes,
                                std::filesystem::file_time_type now) {
  const std::lock_guard lock(mutex_);
  const auto it = index_.find(std::string_view(path.native()));
  const bool settled = mtime + settle_time <= now;
  if (has_includes || !settled || capacity_ == 0) {
    // Whatever was known about the path is out of date now.
    if (it != index_.end()) erase(it);
    return;
  }
  if (it != index_.end()) {
    it->second->size = size;
    it->second->mtime = mtime;
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  if (order_.size() == capacity_) erase(index_.find(std::string_view(order_.back().path)));
  order_.push_front(Entry{path.native(), size, mtime});
  index_.emplace(std::string_view(order_.front().path), order_.begin());
}

std::size_t IncludeScanCache::size() const {
  const std::lock_guard lock(mutex_);
  return order_.size();
}

void IncludeScanCache::erase(std::unordered_map<std::string_view, Order::iterator>::iterator it) {
  // The key views the entry's path: drop the index first.
  const auto entry = it->second;
  index_.erase(it);
  order_.erase(entry);
}

}  // namespace comments::server

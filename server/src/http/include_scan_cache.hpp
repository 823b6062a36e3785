// Which served HTML pages are known to hold no comment includes, so that a
// request for one (most often a browser revalidating it with If-None-Match)
// is answered as a plain file, ETag and 304, without reading the page to look
// for `<!--#include virtual="/embed/latest?…" -->` directives.
//
// An entry is keyed on the file's canonical path and is valid only for the
// size and modification time it was scanned at (the same pair the ETag is
// made of): a file that changed either is scanned again.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace comments::server {

class IncludeScanCache {
 public:
  // Bounded: a site with more HTML pages than this keeps its most recently
  // requested ones; a page that falls out is only read once more.
  static constexpr std::size_t default_capacity = 1024;

  // A scan is not remembered while the file's mtime is this close to now:
  // a second write in the same timestamp tick (coarse clocks, filesystems
  // with 1-2 s resolution) could keep size and mtime and change the content.
  // Such a file is simply read on each request until it has settled.
  static constexpr std::chrono::seconds settle_time{2};

  explicit IncludeScanCache(std::size_t capacity = default_capacity);

  IncludeScanCache(const IncludeScanCache&) = delete;
  IncludeScanCache& operator=(const IncludeScanCache&) = delete;

  // True when `path`, with exactly this size and mtime, was scanned and had
  // no include. An entry of the same path with another size or mtime is stale
  // and dropped.
  bool known_without_includes(const std::filesystem::path& path, std::uintmax_t size,
                              std::filesystem::file_time_type mtime);

  // Records what a scan of the file at (size, mtime) found. Only pages without
  // includes are kept: a page with includes is read on every request anyway,
  // so remembering it would save nothing and take a place.
  void remember(const std::filesystem::path& path, std::uintmax_t size,
                std::filesystem::file_time_type mtime, bool has_includes,
                std::filesystem::file_time_type now = std::filesystem::file_time_type::clock::now());

  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    std::string path;
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
  };
  using Order = std::list<Entry>;

  void erase(std::unordered_map<std::string_view, Order::iterator>::iterator it);

  const std::size_t capacity_;
  // The server runs HTTP on one io thread today, so this lock is never
  // contended; it keeps the cache correct if sessions ever run on several.
  mutable std::mutex mutex_;
  // Least recently used eviction: most recently used first. A hit moves its
  // entry to the front (a splice, no allocation), so the pages readers keep
  // asking for stay while a crawl through old archives only churns the tail.
  Order order_;                                                // guarded by mutex_
  std::unordered_map<std::string_view, Order::iterator> index_;  // keys view order_'s paths
};

}  // namespace comments::server

// A map kept as a vector of entries in insertion order, for the browser
// side's small collections: listeners, requests in flight, the comments on
// screen (tens of entries, never thousands).
//
// Why not std::map: the red-black tree code it instantiates costs every
// reader's gzipped download (365 B for the widget's maps and sets;
// bench/RESULTS.md, analysis), and a linear search over a few dozen entries
// costs nothing a reader could notice.
#pragma once

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace cmweb {

template <typename Key, typename Value>
class SmallMap {
 public:
  using Entry = std::pair<Key, Value>;

  // The value under `key`, or nullptr.
  Value* find(const Key& key) {
    auto it = position(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  bool contains(const Key& key) const {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.first == key; });
  }

  // Sets the value under `key` (replacing one already there).
  Value& put(Key key, Value value) {
    if (Value* existing = find(key)) return *existing = std::move(value);
    return entries_.emplace_back(std::move(key), std::move(value)).second;
  }

  // Removes `key` and returns its value (nothing when it was not there).
  std::optional<Value> take(const Key& key) {
    auto it = position(key);
    if (it == entries_.end()) return std::nullopt;
    std::optional<Value> value(std::move(it->second));
    entries_.erase(it);
    return value;
  }
  bool erase(const Key& key) {
    auto it = position(key);
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
  }

  auto begin() { return entries_.begin(); }
  auto end() { return entries_.end(); }
  bool empty() const noexcept { return entries_.empty(); }
  void clear() noexcept { entries_.clear(); }

 private:
  typename std::vector<Entry>::iterator position(const Key& key) {
    return std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.first == key; });
  }

  std::vector<Entry> entries_;
};

}  // namespace cmweb

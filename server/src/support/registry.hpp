// Every open connection of one kind, so shutdown and the liveness sweep can
// reach them. Intrusive: a connection carries its own links, so being listed
// costs no allocation (an idle connection's bytes count: see bench/RESULTS.md).
#pragma once

#include <boost/intrusive/list.hpp>
#include <cstddef>

namespace comments::server {

using RegistryHook = boost::intrusive::list_member_hook<>;

template <class T, RegistryHook T::*Hook>
class Registry {
 public:
  void add(T& item) { list_.push_back(item); }
  // Safe to call for an item already removed.
  void remove(T& item) {
    if (!(item.*Hook).is_linked()) return;
    list_.erase(list_.iterator_to(item));
  }
  bool empty() const noexcept { return list_.empty(); }
  std::size_t size() const noexcept { return list_.size(); }

  // Calls `fn` on each; `fn` may remove the item it is given.
  template <class Fn>
  void for_each(Fn&& fn) {
    for (auto it = list_.begin(); it != list_.end();) fn(*it++);
  }

 private:
  boost::intrusive::list<T, boost::intrusive::member_hook<T, RegistryHook, Hook>,
                         boost::intrusive::constant_time_size<true>>
      list_;
};

}  // namespace comments::server

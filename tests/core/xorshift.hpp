// A small deterministic random generator (xorshift64), so the filter tests and
// the filter benchmark generate the same kind of input with no clock or seed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace comments::testing {

struct Xorshift {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace comments::testing

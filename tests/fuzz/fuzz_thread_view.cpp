// The thread view (comments::ThreadView): a sequence of reset / apply /
// append_older operations decoded from the input, with the invariants checked
// after every step: both lists newest first without duplicate ids, only
// published comments (pinned ones in the pinned list), sizes bounded by the
// capacity and limits::max_pinned, and a total that is never negative, never
// below what is held, and never overflows (UBSan aborts on signed overflow).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <vector>

#include "comments/limits.hpp"
#include "comments/thread_view.hpp"

namespace {

struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
  bool empty() const { return at >= size; }
  std::uint8_t byte() { return at < size ? data[at++] : 0; }
};

std::int64_t decode_count(Input& in) {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const std::uint8_t b = in.byte();
  switch (b % 8) {
    case 0: return max;
    case 1: return max - (b >> 3);
    case 2: return min;
    case 3: return -static_cast<std::int64_t>(b >> 3);
    default: return b >> 3;
  }
}

comments::Comment decode_comment(Input& in) {
  comments::Comment c;
  const std::uint8_t id = in.byte();
  const std::uint8_t bits = in.byte();
  c.id = (bits & 0x40) ? std::numeric_limits<std::int64_t>::max() - id : id;
  c.status = static_cast<comments::Status>(bits & 3);
  c.pinned = bits & 4;
  c.flags = (bits >> 3) & 1;
  c.thread = "t";
  c.author = "a";
  c.body = (bits & 0x80) ? "edited" : "b";
  return c;
}

std::vector<comments::Comment> decode_list(Input& in) {
  std::vector<comments::Comment> list(in.byte() % 16);
  for (auto& c : list) c = decode_comment(in);
  return list;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

void check_list(const std::vector<comments::Comment>& list, std::size_t bound, bool pinned) {
  if (list.size() > bound) fail("list over its bound");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].status != comments::Status::published) fail("unpublished comment held");
    if (pinned && !list[i].pinned) fail("unpinned comment in the pinned list");
    if (i > 0 && !(list[i - 1].id > list[i].id)) fail("not newest first / duplicate id");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in{data, size};
  comments::ThreadView view(1 + in.byte() % 12);
  while (!in.empty()) {
    switch (in.byte() % 4) {
      case 0: {
        auto newest = decode_list(in);
        auto pinned = decode_list(in);
        view.reset(std::move(newest), std::move(pinned), decode_count(in));
        break;
      }
      case 1:
      case 2: {
        const comments::Comment c = decode_comment(in);
        std::optional<std::int64_t> total;
        if (in.byte() & 1) total = decode_count(in);
        view.apply(c, total);
        break;
      }
      case 3: view.append_older(decode_list(in)); break;
    }
    check_list(view.newest(), view.capacity(), false);
    check_list(view.pinned(), comments::limits::max_pinned, true);
    if (view.total() < 0) fail("negative total");
    if (view.total() < static_cast<std::int64_t>(view.newest().size())) fail("total below held");
    for (const auto& c : view.newest()) {
      if (view.find(c.id) == nullptr) fail("find misses a held comment");
    }
    (void)view.needs_refill();
  }
  return 0;
}

#include "flat_json.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "comments/text.hpp"

namespace comments::flat_json {

namespace {

using nlohmann::json;

class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  std::optional<json> object() {
    skip_space();
    if (!take('{')) return std::nullopt;
    json out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    skip_space();
    if (take('}')) return finish(std::move(out));
    for (;;) {
      skip_space();
      std::string name;
      if (!string(name)) return std::nullopt;
      skip_space();
      if (!take(':')) return std::nullopt;
      skip_space();
      json value;
      if (!scalar(value)) return std::nullopt;
      // nlohmann keeps the last of a repeated name; rare enough to leave to it.
      if (!members.emplace(std::move(name), std::move(value)).second) return std::nullopt;
      skip_space();
      if (take('}')) return finish(std::move(out));
      if (!take(',')) return std::nullopt;
    }
  }

 private:
  std::optional<json> finish(json out) {
    skip_space();
    if (p_ != end_) return std::nullopt;
    return out;
  }

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool take(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // A string without escapes or control characters, as valid UTF-8.
  bool string(std::string& out) {
    if (!take('"')) return false;
    const char* begin = p_;
    bool ascii = true;
    for (; p_ != end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c == '\\' || c < 0x20) return false;
      if (c >= 0x80) ascii = false;
    }
    if (p_ == end_) return false;
    const std::string_view bytes(begin, static_cast<std::size_t>(p_ - begin));
    ++p_;  // the closing quote
    if (!ascii && !text::is_valid_utf8(bytes)) return false;
    out.assign(bytes);
    return true;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*) that fits: non-negative as number_unsigned, negative as
  // number_integer, as nlohmann stores them. Fractions and exponents give up.
  bool integer(json& out) {
    const bool negative = take('-');
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0' && p_ + 1 != end_ && p_[1] >= '0' && p_[1] <= '9') return false;
    std::uint64_t magnitude = 0;
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
      const auto digit = static_cast<std::uint64_t>(*p_ - '0');
      if (magnitude > (max - digit) / 10) return false;
      magnitude = magnitude * 10 + digit;
    }
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (!negative) {
      out = json(static_cast<json::number_unsigned_t>(magnitude));
      return true;
    }
    // The most negative int64 is 2^63; anything below it nlohmann reads as a double.
    constexpr auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
    if (magnitude > limit) return false;
    // -0 is integer 0 in nlohmann, as here.
    out = json(magnitude == limit ? std::numeric_limits<std::int64_t>::min()
                                  : -static_cast<std::int64_t>(magnitude));
    return true;
  }

  bool scalar(json& out) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = json(std::move(s));
        return true;
      }
      case 't':
        if (!literal("true")) return false;
        out = json(true);
        return true;
      case 'f':
        if (!literal("false")) return false;
        out = json(false);
        return true;
      case 'n':
        if (!literal("null")) return false;
        out = json(nullptr);
        return true;
      default:
        return integer(out);
    }
  }

  const char* p_;
  const char* end_;
};

}  // namespace

std::optional<nlohmann::json> parse_flat_object(std::string_view frame) {
  return Scanner(frame).object();
}

}  // namespace comments::flat_json

// localStorage access that never throws: storage can be disabled, full or
// forbidden (sandboxed iframes, privacy modes), and a comment widget must keep
// working without it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cmweb::storage {

std::optional<std::string> get(std::string_view key);
// False when the browser refused to store it.
bool set(std::string_view key, std::string_view value);
void remove(std::string_view key);

}  // namespace cmweb::storage

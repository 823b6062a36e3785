#include "support/moderators.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace comments::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string to_hex(std::string_view raw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
  return out;
}

Error invalid_line(std::size_t line, std::string why) {
  return Error{ErrorId::moderators_file_invalid, "line " + std::to_string(line) + ": " + std::move(why)};
}

}  // namespace

bool valid_moderator_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string token_digest(std::string_view token) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

Result<std::vector<ModeratorEntry>> parse_moderators(std::string_view text) {
  std::vector<ModeratorEntry> entries;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos) return invalid_line(number, "expected NAME and a SHA-256 in hex");
    const std::string_view name = line.substr(0, space);
    std::string_view hex = line.substr(space + 1);
    while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t')) hex.remove_prefix(1);
    if (!valid_moderator_name(name)) {
      return invalid_line(number, "the name '" + std::string(name) +
                                      "' is not 1 to 64 letters, digits, '.', '_' or '-'");
    }
    const auto digest = hex.size() == 64 ? from_hex(hex) : std::nullopt;
    if (!digest) return invalid_line(number, "the token hash of " + std::string(name) + " is not 64 hex digits");
    for (const auto& e : entries) {
      if (e.name == name) return invalid_line(number, "the name " + std::string(name) + " appears twice");
    }
    entries.push_back(ModeratorEntry{std::string(name), *digest});
  }
  return entries;
}

std::string format_moderators(const std::vector<ModeratorEntry>& entries) {
  std::string text =
      "# comment-server moderators: NAME SHA-256(token). Edit with `comment-server moderator`.\n";
  for (const auto& e : entries) text += e.name + ' ' + to_hex(e.digest) + '\n';
  return text;
}

Result<std::vector<ModeratorEntry>> read_moderators_file(const std::string& path, bool missing_is_empty) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && missing_is_empty) return std::vector<ModeratorEntry>{};
    return Error{ErrorId::moderators_file_unreadable,
                 "cannot read the moderators file " + path + ": " + std::strerror(errno)};
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return Error{ErrorId::moderators_file_unreadable,
                   "cannot read the moderators file " + path + ": " + std::strerror(saved)};
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  auto entries = parse_moderators(text);
  if (!entries) return Error{entries.error().id, "the moderators file " + path + ", " + entries.error().message};
  return entries;
}

Result<void> write_moderators_file(const std::string& path, const std::vector<ModeratorEntry>& entries) {
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  const auto failed = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return Error{ErrorId::moderators_file_unreadable, what + " " + path + ": " + reason};
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return failed("cannot write the moderators file");
  const std::string text = format_moderators(entries);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return failed("cannot write the moderators file");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return failed("cannot sync the moderators file");
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) return failed("cannot replace the moderators file");
  return {};
}

Result<ModeratorsFileLock> ModeratorsFileLock::acquire(const std::string& path) {
  const std::string lock_path = path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{ErrorId::moderators_file_unreadable,
                 "cannot lock the moderators file " + path + " (" + lock_path + "): " + std::strerror(errno)};
  }
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int saved = errno;
    ::close(fd);
    return Error{ErrorId::moderators_file_unreadable,
                 "cannot lock the moderators file " + path + ": " + std::strerror(saved)};
  }
  return ModeratorsFileLock(fd);
}

ModeratorsFileLock::~ModeratorsFileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::optional<std::string> ModeratorTokens::match(std::string_view presented) const {
  const std::string candidate = token_digest(presented);
  const ModeratorEntry* found = nullptr;
  for (const auto& e : entries_) {
    // Every entry is compared, so the time does not tell which one matched.
    const bool equal = e.digest.size() == candidate.size() &&
                       CRYPTO_memcmp(e.digest.data(), candidate.data(), candidate.size()) == 0;
    if (equal && found == nullptr) found = &e;
  }
  if (found == nullptr) return std::nullopt;
  return found->name;
}

bool ModeratorTokens::holds(const ModeratorEntry& entry) const {
  // Every entry: the file may also name someone "moderator", the shortcut's name.
  return std::any_of(entries_.begin(), entries_.end(), [&](const ModeratorEntry& e) { return e == entry; });
}

const ModeratorEntry* ModeratorTokens::find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace comments::server

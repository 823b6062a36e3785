// Named moderators (docs/moderation.md "Named moderators"): the tokens file,
// one `NAME SHA256-HEX` line per moderator, and the check of a presented
// token against it. The file holds only digests: a leaked file signs no one in.
//
// A fast hash (SHA-256, no salt, no key stretching) is enough here because the
// tokens are not passwords: each is 32 bytes from OpenSSL's CSPRNG
// (random_bytes), 256 bits that no dictionary or brute force can reach, so a
// slow password hash would only slow down sign-in. Salting buys nothing
// either: equal digests would need equal random tokens.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "comments/result.hpp"

namespace comments::server {

// The name the single-token shortcut (COMMENTS_MOD_TOKEN, --mod-token-file)
// signs in as.
inline constexpr std::string_view shortcut_moderator_name = "moderator";

// 1 to 64 ASCII letters, digits, '.', '_' or '-' (names go into the audit
// log and the server log as they are).
bool valid_moderator_name(std::string_view name);

struct ModeratorEntry {
  std::string name;
  std::string digest;  // SHA-256 of the token: 32 raw bytes
  friend bool operator==(const ModeratorEntry&, const ModeratorEntry&) = default;
};

// SHA-256 of a token, 32 raw bytes.
std::string token_digest(std::string_view token);

// The text of a tokens file: `NAME HEX` lines (64 hex digits); blank lines and
// lines starting with '#' are skipped. A bad line, or a name twice, fails with
// moderators_file_invalid naming the line.
Result<std::vector<ModeratorEntry>> parse_moderators(std::string_view text);
// The file's text for `entries` (a comment line first).
std::string format_moderators(const std::vector<ModeratorEntry>& entries);

// Reads and parses a tokens file (moderators_file_unreadable when it cannot
// be read; a missing file too, unless `missing_is_empty`).
Result<std::vector<ModeratorEntry>> read_moderators_file(const std::string& path,
                                                         bool missing_is_empty = false);
// Replaces the file whole (a temporary file, fsync, rename; mode 0600), so a
// server re-reading it never sees half of it.
Result<void> write_moderators_file(const std::string& path, const std::vector<ModeratorEntry>& entries);

// An exclusive lock on the tokens file for one read-modify-write by the
// `moderator` command (flock on FILE.lock, held until destroyed), so two
// `moderator add` run at the same moment both land instead of the second
// writing over the first. The server only reads the file and takes no lock:
// each write replaces the file whole.
class ModeratorsFileLock {
 public:
  static Result<ModeratorsFileLock> acquire(const std::string& path);
  ModeratorsFileLock(ModeratorsFileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ModeratorsFileLock& operator=(ModeratorsFileLock&&) = delete;
  ~ModeratorsFileLock();

 private:
  explicit ModeratorsFileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The moderators a server accepts: the file's, and/or the shortcut token.
class ModeratorTokens {
 public:
  ModeratorTokens() = default;
  explicit ModeratorTokens(std::vector<ModeratorEntry> entries) : entries_(std::move(entries)) {}

  bool configured() const noexcept { return !entries_.empty(); }
  // The name whose token `presented` is, or nullopt. Constant time in the
  // token: every entry is compared (CRYPTO_memcmp), whatever matched.
  std::optional<std::string> match(std::string_view presented) const;
  // True while `name` is still there with the same token digest.
  bool holds(const ModeratorEntry& entry) const;
  const ModeratorEntry* find(std::string_view name) const;
  const std::vector<ModeratorEntry>& entries() const noexcept { return entries_; }

 private:
  std::vector<ModeratorEntry> entries_;
};

}  // namespace comments::server

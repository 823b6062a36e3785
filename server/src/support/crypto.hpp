// The few cryptographic pieces of the server, all from OpenSSL: the keyed
// hash that stands in for client addresses, the constant-time moderator
// token check, and random moderator session ids.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace comments::server {

// HMAC-SHA256(key, address) as 64 lower-case hex digits. Addresses are stored
// and logged only in this form; without the key (a per-store secret) the
// hash cannot be reversed by trying all IPv4 addresses.
std::string address_hash(std::string_view key, std::string_view address);

// Compares a presented token with the configured one in constant time: both
// are reduced to SHA-256 digests (equal length whatever the input) and
// compared with CRYPTO_memcmp. No configured token -> always false.
class TokenCheck {
 public:
  explicit TokenCheck(std::optional<std::string> token);
  bool configured() const noexcept { return digest_.has_value(); }
  bool matches(std::string_view presented) const;

 private:
  std::optional<std::string> digest_;  // SHA-256 of the token, never the token
};

// An author's secret (given in a post's ack, docs/protocol.md): stored only
// as author_key(secret), plain SHA-256 (raw 32 bytes; the secret is 128
// random bits, so nothing is gained by a key), compared in constant time.
std::string author_key(std::string_view secret);
// Whether `secret` hashes to `key`; false for an empty key (a comment without one).
bool author_key_matches(std::string_view key, std::string_view secret);

// `count` random bytes from OpenSSL's CSPRNG (throws std::runtime_error when
// it has no entropy, which a running Linux system always has).
std::string random_bytes(std::size_t count);
// random_bytes(bytes) as hex (2 * bytes digits).
std::string random_hex(std::size_t bytes);

}  // namespace comments::server

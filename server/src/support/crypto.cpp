#include "support/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace comments::server {
namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0x0F];
  }
  return out;
}

std::string sha256(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace

std::string address_hash(std::string_view key, std::string_view address) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(address.data()), address.size(), mac.data(),
           &mac_len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return to_hex(mac.data(), mac_len);
}

TokenCheck::TokenCheck(std::optional<std::string> token) {
  if (token && !token->empty()) digest_ = sha256(*token);
}

bool TokenCheck::matches(std::string_view presented) const {
  if (!digest_) return false;
  const std::string candidate = sha256(presented);
  return CRYPTO_memcmp(candidate.data(), digest_->data(), digest_->size()) == 0;
}

std::string author_key(std::string_view secret) { return sha256(secret); }

bool author_key_matches(std::string_view key, std::string_view secret) {
  if (key.size() != SHA256_DIGEST_LENGTH) return false;
  const std::string candidate = sha256(secret);
  return CRYPTO_memcmp(candidate.data(), key.data(), key.size()) == 0;
}

std::string random_bytes(std::size_t count) {
  std::string buffer(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buffer.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return buffer;
}

std::string random_hex(std::size_t bytes) {
  const std::string raw = random_bytes(bytes);
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace comments::server

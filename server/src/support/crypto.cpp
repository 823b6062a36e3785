#include "support/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
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

// SHA-256 through an algorithm fetched once and a context kept per thread:
// OpenSSL 3's one-shot SHA256() looks the algorithm up and builds a context
// on every call (~6,000 instructions for the 32 bytes of an author's secret,
// once per post; callgrind, bench ingest).
std::string sha256(std::string_view text) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                               &EVP_MD_CTX_free);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  unsigned int length = 0;
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1 || length != digest.size()) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// CSPRNG bytes drawn 4 KiB at a time: one RAND_bytes call costs ~7,000
// instructions whatever its size (locking, the DRBG's bookkeeping), and a
// post's author secret needs 16 bytes. Per thread, so no lock; the bytes are
// RAND_bytes's own output, handed out once each.
void fill_random(unsigned char* out, std::size_t count) {
  struct Pool {
    std::array<unsigned char, 4096> bytes;
    std::size_t used = 4096;
  };
  thread_local Pool pool;
  while (count > 0) {
    if (pool.used == pool.bytes.size()) {
      if (RAND_bytes(pool.bytes.data(), static_cast<int>(pool.bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
      }
      pool.used = 0;
    }
    const std::size_t n = std::min(count, pool.bytes.size() - pool.used);
    std::memcpy(out, pool.bytes.data() + pool.used, n);
    OPENSSL_cleanse(pool.bytes.data() + pool.used, n);  // handed out: not kept in memory
    pool.used += n;
    out += n;
    count -= n;
  }
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
  fill_random(reinterpret_cast<unsigned char*>(buffer.data()), count);
  return buffer;
}

std::string random_hex(std::size_t bytes) {
  const std::string raw = random_bytes(bytes);
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace comments::server

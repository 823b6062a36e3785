#include "store/open_store.hpp"

#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"

namespace comments::server {

bool is_postgres_uri(std::string_view db) noexcept {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string redact_db(std::string_view db) {
  if (!is_postgres_uri(db)) return std::string(db);
  std::string out(db);
  // userinfo: scheme://user:password@host…  (the authority ends at the first / ? or #)
  const std::size_t start = out.find("://") + 3;
  const std::size_t authority_end = out.find_first_of("/?#", start);
  const std::size_t at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
  if (at != std::string::npos && at >= start) {
    const std::size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // A password=… query parameter.
  for (std::size_t pos = out.find('?'); pos != std::string::npos && pos < out.size();) {
    const std::size_t name = pos + 1;
    const std::size_t next = out.find('&', name);
    const std::size_t end = next == std::string::npos ? out.size() : next;
    if (out.compare(name, 9, "password=") == 0 && name + 9 <= end) {
      out.replace(name + 9, end - name - 9, "***");
      pos = out.find('&', name);
    } else {
      pos = next;
    }
  }
  return out;
}

std::unique_ptr<Store> open_store(const std::string& db, const StoreOptions& options) {
  if (is_postgres_uri(db)) return open_pg_store(db);
  return open_sqlite_store(db, options.sqlite_cache_mib);
}

}  // namespace comments::server

#include "store/open_store.hpp"

#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"
#include "support/log.hpp"

namespace comments::server {

bool is_postgres_uri(std::string_view db) noexcept {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string redact_db(std::string_view db) {
  if (!is_postgres_uri(db)) return std::string(db);
  std::string out = redact_url_password(db);
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

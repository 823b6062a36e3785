// Chooses the engine from the --db value: a libpq URI (postgresql://… or
// postgres://…) selects PostgreSQL, anything else is a SQLite file path.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace comments::server {

bool is_postgres_uri(std::string_view db) noexcept;

// The --db value fit for a log line: the password of a URI (user:PASSWORD@…
// or a password=… parameter) replaced by "***". A path is returned as is.
std::string redact_db(std::string_view db);

// How the engine is tuned; only what an operator may need to change.
struct StoreOptions {
  int sqlite_cache_mib = 32;  // SQLite's page cache cap (PostgreSQL has its own shared_buffers)
};

// open_pg_store(db) or open_sqlite_store(db, options.sqlite_cache_mib).
std::unique_ptr<Store> open_store(const std::string& db, const StoreOptions& options = {});

}  // namespace comments::server

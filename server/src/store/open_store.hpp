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

// open_pg_store(db) or open_sqlite_store(db).
std::unique_ptr<Store> open_store(const std::string& db);

}  // namespace comments::server

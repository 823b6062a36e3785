// The PostgreSQL engine behind the Store interface (libpq). docs/storage.md,
// "PostgreSQL", has the schema, the indexes, the migration lock and what id
// order means when several instances share one database.
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace comments::server {

// The schema version this build creates and migrates to (table comments_schema).
inline constexpr int pg_schema_version = 5;

// Connects with a libpq connection URI (postgresql://… or postgres://…; the
// password may be in the URI, in PGPASSWORD or in ~/.pgpass) and migrates the
// schema to pg_schema_version under an advisory lock, so instances started at
// the same moment on an empty database do not race. Throws StoreError with
// the server's message (the URI in it has its password redacted).
std::unique_ptr<Store> open_pg_store(const std::string& uri);

}  // namespace comments::server

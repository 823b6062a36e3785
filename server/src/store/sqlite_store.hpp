// The embedded SQLite engine behind the Store interface (docs/storage.md has
// the schema, the indexes and why the durability settings are what they are).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace comments::server {

// The schema version this build creates and migrates to (PRAGMA user_version).
inline constexpr int sqlite_schema_version = 6;

// Opens the database file at `path` (created when missing) in WAL mode with
// synchronous=FULL and migrates its schema to sqlite_schema_version. Throws
// StoreError naming the path and the cause when the file cannot be opened,
// is not a database, or was written by a newer schema version. The page
// cache holds at most cache_mib MiB (the default 32 is measured in
// docs/storage.md; a small machine may want less).
std::unique_ptr<Store> open_sqlite_store(const std::string& path, int cache_mib = 32);

// Bytes SQLite has allocated in this process now (sqlite3_memory_used: mostly
// the page cache, bounded by cache_size). Thread-safe; for the metrics.
std::int64_t sqlite_memory_used();

}  // namespace comments::server

// PostgreSQL for the tests that need it (store_tests_pg, integration_tests_pg,
// cluster_tests): where the throw-away cluster is, a raw libpq connection for
// checks, and PgSchema, a fresh empty schema that a store or a server sees as
// its database. Header-only; the program links libpq.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace pg_test {

// The cluster is named by COMMENTS_TEST_PG_URI (a libpq URI of a database
// whose user may CREATE SCHEMA and CREATE DATABASE), or by
// COMMENTS_TEST_PG_DIR, the folder where tests/services/postgres.sh wrote
// `uri` (the ctest fixture "postgres"). Missing either is a failure, not a skip.
inline std::string pg_admin_uri() {
  if (const char* uri = std::getenv("COMMENTS_TEST_PG_URI"); uri && *uri) return uri;
  if (const char* dir = std::getenv("COMMENTS_TEST_PG_DIR"); dir && *dir) {
    std::ifstream file(std::filesystem::path(dir) / "uri");
    std::string uri;
    if (file && std::getline(file, uri) && !uri.empty()) return uri;
    throw std::runtime_error(std::string("no PostgreSQL URI in ") + dir +
                             "/uri: did the postgres fixture (tests/services/postgres.sh start) run?");
  }
  throw std::runtime_error("PostgreSQL tests need COMMENTS_TEST_PG_URI or COMMENTS_TEST_PG_DIR (run them through ctest)");
}

// A raw libpq connection, for checks the Store interface and the protocol do not offer.
class PgRaw {
 public:
  explicit PgRaw(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw std::runtime_error("cannot connect to PostgreSQL: " + message);
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // DROP … CASCADE lists what went
  }
  ~PgRaw() { PQfinish(conn_); }
  PgRaw(const PgRaw&) = delete;
  PgRaw& operator=(const PgRaw&) = delete;

  // Runs `sql` (no parameters: test SQL only); throws with the message.
  void exec(const std::string& sql) { PQclear(result(sql)); }
  // First column of the first row as text (empty when no row).
  std::string text(const std::string& sql) {
    PGresult* r = result(sql);
    std::string value = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return value;
  }
  // Every row's first column.
  std::vector<std::string> column(const std::string& sql) {
    PGresult* r = result(sql);
    std::vector<std::string> values;
    for (int i = 0; i < PQntuples(r); ++i) values.emplace_back(PQgetvalue(r, i, 0));
    PQclear(r);
    return values;
  }
  PGconn* get() const { return conn_; }

 private:
  PGresult* result(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + message);
    }
    if (status == PGRES_COMMAND_OK) {
      PQclear(r);
      return PQmakeEmptyPGresult(conn_, PGRES_TUPLES_OK);
    }
    return r;
  }
  PGconn* conn_;
};

// A fresh, empty schema of its own on the test cluster, dropped afterwards. Its
// uri() selects it with options=-csearch_path=…, so a store or a server given
// that URI sees it as its whole database (a CREATE DATABASE per test costs a
// second). The name is `prefix` + pid + a counter: tests running beside each
// other on the same cluster never meet.
class PgSchema {
 public:
  explicit PgSchema(const std::string& prefix = "comments_test_") : admin_uri_(pg_admin_uri()) {
    static std::atomic<int> counter{0};
    name_ = prefix + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    PgRaw admin(admin_uri_);
    admin.exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    admin.exec("CREATE SCHEMA " + name_);
  }
  ~PgSchema() {
    try {
      PgRaw(admin_uri_).exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    } catch (...) {
    }
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  // The schema's name, also every session's application_name (a test can
  // find its own sessions among those of tests running beside it).
  const std::string& name() const { return name_; }
  const std::string& admin_uri() const { return admin_uri_; }
  // The --db value.
  std::string uri() const {
    return admin_uri_ + (admin_uri_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           name_ + "&application_name=" + name_;
  }
  // Test SQL on a fresh connection to the schema.
  void exec(const std::string& sql) const { PgRaw(uri()).exec(sql); }
  std::string text(const std::string& sql) const { return PgRaw(uri()).text(sql); }

 private:
  std::string admin_uri_;
  std::string name_;
};

}  // namespace pg_test

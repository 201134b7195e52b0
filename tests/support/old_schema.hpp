#pragma once
// A database as an older supplybot left it, for migration tests.

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "storage/migrations.hpp"

namespace supplybot::testing {

// Applies the migrations up to `version`, no more, and records them as a real upgrade would.
inline void migrate_to(SQLite::Database& db, int version) {
  storage::schema_version(db);
  for (const auto& m : storage::migrations()) {
    if (m.version > version) break;
    db.exec(std::string(m.sql));
    db.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(m.version) + ")");
  }
}

}  // namespace supplybot::testing

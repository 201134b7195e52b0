#pragma once
// Numbered, forward-only schema migrations. The database records the highest applied number in
// schema_version; migrate() applies the rest, each in its own transaction.

#include <string_view>
#include <vector>

namespace SQLite {
class Database;
}

namespace supplybot::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& migrations();

int schema_version(SQLite::Database& db);

// Applies every migration newer than the database's version. Returns how many ran.
// A database newer than this binary is refused (throws): running old code on it could corrupt it.
int migrate(SQLite::Database& db);

}  // namespace supplybot::storage

// `supplybot export` as an operator runs it, on a database made by SqliteStore (migrations) and
// filled with plain SQL; and storage::query_export_rows on the same data.

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "storage/export_query.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;

namespace {

constexpr std::int64_t k_t = 1712280600;  // 2024-04-05 09:30 in Shanghai

// Three households' orders: one assigned with two items (written out of position order), one
// without items, one bought with an item missing, one cancelled.
constexpr const char* k_fixture = R"sql(
INSERT INTO households (id, address, building, created_at) VALUES (1, '3-2-502', '3', 0), (2, '5-1101', '5', 0);
INSERT INTO members (platform, user_id, display_name, role, username, created_at, updated_at)
  VALUES ('telegram', '502', '', 'volunteer', 'zhang', 0, 0);
INSERT INTO volunteers (id, platform, user_id, display_name, created_at, updated_at)
  VALUES (1, 'telegram', '501', '李志愿', 0, 0), (2, 'telegram', '502', '', 0, 0);
INSERT INTO rounds (id, platform, chat_id, opened_by, opened_at, closes_at)
  VALUES (1, 'telegram', '-100', 'telegram:9', 0, 1), (2, 'telegram', '-200', 'telegram:9', 0, 1);
INSERT INTO orders (id, household_id, status, platform, chat_id, source_message_id, sender_id, notes, urgent,
                    created_at, updated_at, volunteer_id, round_id, assigned_at, purchased_at)
  VALUES (1, 1, 'assigned', 'telegram', '-100', '11', '7', '放门口, 谢谢', 1, 1712280600, 0, 1, 1, 1712281200, NULL),
         (2, 2, 'pending', 'telegram', '-200', '12', '8', '', 0, 1712280660, 0, NULL, 2, NULL, NULL),
         (3, 1, 'purchased', 'telegram', '-100', '13', '7', '', 0, 1712280720, 0, 2, 1, 1712281200, 1712284800),
         (4, 2, 'cancelled', 'telegram', '-100', '14', '8', '', 0, 1712280780, 0, NULL, 1, NULL, NULL);
INSERT INTO order_items (order_id, position, name, qty, unit, category, note, missing) VALUES
  (1, 1, '白菜', 2, '斤', '蔬菜', '', 0),
  (1, 0, '鸡蛋', 1, '盒', '蛋奶', '要"土鸡蛋"', 0),
  (3, 0, '白菜', 10, '斤', '蔬菜', '', 0),
  (3, 1, '牛奶', 2, '瓶', '蛋奶', '', 1),
  (4, 0, '白菜', 5, '斤', '蔬菜', '', 0);
)sql";

struct Fixture {
  TempDir dir;
  std::filesystem::path db = dir.path() / "supplybot.db";
  // Open for the whole test, as a running server would be.
  std::unique_ptr<storage::SqliteStore> store =
      std::make_unique<storage::SqliteStore>(storage::SqliteOptions{.path = db, .synchronous = "NORMAL"});
  Fixture() {
    SQLite::Database w(db.string(), SQLite::OPEN_READWRITE);
    w.exec(k_fixture);
  }
};

struct Run {
  int status;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

Run run(const TempDir& dir, const std::filesystem::path& db, const std::string& args, const std::string& env = "") {
  auto out = dir.path() / "stdout";
  auto err = dir.path() / "stderr";
  std::string cmd = "env -u SUPPLYBOT_CONFIG SUPPLYBOT_STORAGE_PATH='" + db.string() + "' " + env + " " +
                    SUPPLYBOT_BINARY + " export " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  int rc = std::system(cmd.c_str());
  return Run{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

std::vector<std::string> crlf_lines(const std::string& csv) {
  std::vector<std::string> lines;
  std::size_t at = 3;  // after the BOM
  while (at < csv.size()) {
    auto end = csv.find("\r\n", at);
    if (end == std::string::npos) break;
    lines.push_back(csv.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

}  // namespace

TEST_CASE("export query: orders joined with household, items in position order, volunteer, round") {
  Fixture f;
  SQLite::Database db(f.db.string(), SQLite::OPEN_READONLY);
  CHECK(storage::read_schema_version(db) >= storage::k_export_schema_version);
  auto rows = storage::query_export_rows(db, std::nullopt);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].order_no.value == 1);
  CHECK(rows[0].item_name == "鸡蛋");  // position 0 first
  CHECK(rows[0].item_note == "要\"土鸡蛋\"");
  CHECK(rows[1].item_name == "白菜");
  CHECK(rows[1].volunteer == "李志愿");
  CHECK(rows[1].round_id == 1);
  CHECK(rows[1].urgent);
  CHECK(rows[1].building == "3");
  CHECK(rows[1].assigned_at == k_t + 600);
  CHECK(rows[1].purchased_at == 0);
  CHECK(rows[2].order_no.value == 2);
  CHECK(rows[2].item_name.empty());  // no items: one row
  CHECK(rows[2].volunteer.empty());
  CHECK(rows[3].volunteer == "@zhang");  // no display name anywhere: the @username
  CHECK(rows[4].missing);
  CHECK(rows[5].status == handlers::OrderStatus::cancelled);

  SUBCASE("one round") {
    auto r1 = storage::query_export_rows(db, 1);
    CHECK(r1.size() == 5);
    auto r2 = storage::query_export_rows(db, 2);
    REQUIRE(r2.size() == 1);
    CHECK(r2[0].address == "5-1101");
    CHECK(storage::round_exists(db, 2));
    CHECK_FALSE(storage::round_exists(db, 3));
  }
}

TEST_CASE("export cli: orders as CSV to a file, beside an open store") {
  Fixture f;
  auto file = f.dir.path() / "orders.csv";
  auto r = run(f.dir, f.db, "orders --output '" + file.string() + "'");
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());
  CHECK(r.err.find("wrote 4 orders (6 rows)") != std::string::npos);
  auto csv = slurp(file);
  REQUIRE(csv.rfind("\xEF\xBB\xBF订单号 Order,", 0) == 0);
  auto lines = crlf_lines(csv);
  REQUIRE(lines.size() == 7);
  CHECK(lines[1] ==
        "1,3-2-502,3,已分配 assigned,是 yes,李志愿,1,鸡蛋,1,盒,蛋奶,\"要\"\"土鸡蛋\"\"\",,\"放门口, 谢谢\","
        "2024-04-05 09:30,2024-04-05 09:40,,,");
  CHECK(lines[3] == "2,5-1101,5,待分配 pending,,,2,,,,,,,,2024-04-05 09:31,,,,");
  CHECK(lines[5].find(",牛奶,2,瓶,蛋奶,,是 yes,") != std::string::npos);

  SUBCASE("times follow bot.utc_offset") {
    auto west = run(f.dir, f.db, "orders --round 2", "SUPPLYBOT_BOT_UTC_OFFSET=-05:00");
    REQUIRE(west.status == 0);
    auto wl = crlf_lines(west.out);
    REQUIRE(wl.size() == 2);
    CHECK(wl[1].find(",2024-04-04 20:31,") != std::string::npos);
  }
}

TEST_CASE("export cli: shopping list as CSV and JSON") {
  Fixture f;
  auto csv = run(f.dir, f.db, "shopping-list");
  REQUIRE(csv.status == 0);
  auto lines = crlf_lines(csv.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[1] == "蔬菜,白菜,12,斤,2,0");  // the cancelled order's 5 斤 left out
  CHECK(lines[2] == "蛋奶,牛奶,0,瓶,1,2");
  CHECK(lines[3] == "蛋奶,鸡蛋,1,盒,1,0");

  auto js = run(f.dir, f.db, "shopping-list --round 1 --format json");
  REQUIRE(js.status == 0);
  auto j = json::parse(js.out);
  REQUIRE(j.size() == 3);
  CHECK(j[0]["name"] == "白菜");
  CHECK(j[0]["qty"] == 12);
  CHECK(j[1]["missing_qty"] == 2);

  auto orders = run(f.dir, f.db, "orders --format json --round 1");
  REQUIRE(orders.status == 0);
  auto o = json::parse(orders.out);
  REQUIRE(o.size() == 3);
  CHECK(o[0]["items"].size() == 2);
  CHECK(o[0]["assigned_at"] == "2024-04-05T09:40:00+08:00");
  CHECK(o[1]["volunteer"] == "@zhang");
}

TEST_CASE("export cli: clear errors") {
  TempDir dir;
  SUBCASE("no database: exit 2, nothing created") {
    auto db = dir.path() / "none.db";
    auto r = run(dir, db, "orders");
    CHECK(r.status == 2);
    CHECK(r.err.find("there is no database at") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db));
  }
  SUBCASE("a database before migration 6: run supplybot migrate, exit 2, nothing changed") {
    auto db = dir.path() / "old.db";
    {
      SQLite::Database w(db.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      w.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
      for (const auto& m : storage::migrations()) {
        if (m.version >= storage::k_export_schema_version) break;
        w.exec(std::string(m.sql));
        w.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(m.version) + ")");
      }
    }
    auto r = run(dir, db, "orders");
    CHECK(r.status == 2);
    CHECK(r.err.find("schema version 5") != std::string::npos);
    CHECK(r.err.find("supplybot migrate") != std::string::npos);
    SQLite::Database check(db.string(), SQLite::OPEN_READONLY);
    CHECK(storage::read_schema_version(check) == 5);
  }
  SUBCASE("an empty file is not migrated behind the operator's back") {
    auto db = dir.path() / "empty.db";
    std::ofstream(db).close();
    auto r = run(dir, db, "shopping-list");
    CHECK(r.status == 2);
    CHECK(r.err.find("schema version 0") != std::string::npos);
    CHECK(std::filesystem::file_size(db) == 0);
  }
  SUBCASE("an unknown round") {
    auto db = dir.path() / "db.sqlite";
    { storage::SqliteStore store({.path = db}); }
    auto r = run(dir, db, "orders --round 42");
    CHECK(r.status == 2);
    CHECK(r.err.find("no round 42") != std::string::npos);
  }
  SUBCASE("an empty database exports the header only") {
    auto db = dir.path() / "db.sqlite";
    { storage::SqliteStore store({.path = db}); }
    auto r = run(dir, db, "orders");
    CHECK(r.status == 0);
    CHECK(crlf_lines(r.out).size() == 1);
    auto j = run(dir, db, "orders --format json");
    CHECK(json::parse(j.out) == json::array());
  }
  SUBCASE("an output file that cannot be written") {
    auto db = dir.path() / "db.sqlite";
    { storage::SqliteStore store({.path = db}); }
    auto r = run(dir, db, "orders --output '" + (dir.path() / "no" / "such" / "dir.csv").string() + "'");
    CHECK(r.status == 2);
    CHECK(r.err.find("cannot write") != std::string::npos);
  }
  SUBCASE("root does not read the service user's database (SQLite would leave root-owned -shm/-wal)") {
    if (::geteuid() != 0) return;
    auto db = dir.path() / "db.sqlite";
    { storage::SqliteStore store({.path = db}); }
    std::filesystem::remove(dir.path() / "db.sqlite-wal");
    std::filesystem::remove(dir.path() / "db.sqlite-shm");
    REQUIRE(::chown(db.c_str(), 65534, 65534) == 0);
    auto r = run(dir, db, "orders");
    CHECK(r.status == 2);
    CHECK(r.err.find("run the export as that user") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "db.sqlite-shm"));
  }
  SUBCASE("bad arguments are refused by the parser") {
    auto db = dir.path() / "db.sqlite";
    CHECK(run(dir, db, "everything").status != 0);
    CHECK(run(dir, db, "orders --format xlsx").status != 0);
  }
}

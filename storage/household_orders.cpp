#include "storage/household_orders.hpp"

namespace supplybot::storage::household_orders_sql {

// Status in the key: "open orders of a household" reads no delivered ones. The triggers name
// main.orders, and their table is found in temp first (its name exists nowhere else).
const char* const create = R"sql(
CREATE TEMP TABLE IF NOT EXISTS household_orders (
  household_id INTEGER NOT NULL,
  status       TEXT    NOT NULL,
  order_id     INTEGER NOT NULL,
  PRIMARY KEY (household_id, status, order_id)
) WITHOUT ROWID;
CREATE TEMP TRIGGER IF NOT EXISTS household_orders_add AFTER INSERT ON main.orders
BEGIN
  INSERT INTO household_orders (household_id, status, order_id) VALUES (new.household_id, new.status, new.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS household_orders_change AFTER UPDATE OF household_id, status ON main.orders
WHEN old.household_id IS NOT new.household_id OR old.status IS NOT new.status
BEGIN
  UPDATE household_orders SET household_id = new.household_id, status = new.status
  WHERE household_id = old.household_id AND status = old.status AND order_id = old.id;
END;
CREATE TEMP TRIGGER IF NOT EXISTS household_orders_drop AFTER DELETE ON main.orders
BEGIN
  DELETE FROM household_orders WHERE household_id = old.household_id AND status = old.status AND order_id = old.id;
END;
)sql";

const char* const rebuild = R"sql(
DELETE FROM temp.household_orders;
INSERT INTO temp.household_orders (household_id, status, order_id)
  SELECT household_id, status, id FROM main.orders ORDER BY household_id, status, id;
)sql";

}  // namespace supplybot::storage::household_orders_sql

/* The SQLite target's checks of names and SQL text from a file
 * (importer/sqlite/sqlite_guard.c). No database needed. */
#include "check.h"
#include "sqlite_guard.h"

static char why[256];

int main(void)
{
    CHECK(sqlite_guard_table_name("users", why, sizeof why) == 0);
    CHECK(sqlite_guard_table_name("sales.orders", why, sizeof why) == 0);
    CHECK(sqlite_guard_table_name("sqlite_sequence", why, sizeof why) < 0);
    CHECK(sqlite_guard_table_name("SQLITE_stat1", why, sizeof why) < 0);
    CHECK(sqlite_guard_table_name("sqlite_schema", why, sizeof why) < 0);

    CHECK(sqlite_guard_view("CREATE VIEW v AS SELECT 1", "v", why, sizeof why) == 0);
    CHECK(sqlite_guard_view("CREATE VIEW [my view] AS SELECT 1", "My View", why, sizeof why) == 0);
    CHECK(sqlite_guard_view("CREATE VIEW main.v AS SELECT 1", "v", why, sizeof why) == 0);
    CHECK(sqlite_guard_view("CREATE TEMP VIEW v AS SELECT 1", "v", why, sizeof why) < 0);
    CHECK(sqlite_guard_view("CREATE VIEW IF NOT EXISTS v AS SELECT 1", "v", why, sizeof why) < 0);
    CHECK(sqlite_guard_view("CREATE TABLE v AS SELECT 1", "v", why, sizeof why) < 0);
    CHECK(sqlite_guard_view("CREATE VIEW w AS SELECT 1", "v", why, sizeof why) < 0);
    CHECK(sqlite_guard_view("CREATE VIEW v AS SELECT 1; DELETE FROM app", "v", why, sizeof why) <
          0);

    const char *trg = "CREATE TRIGGER t_ins AFTER INSERT ON posts BEGIN UPDATE "
                      "counts SET n = n + "
                      "1; INSERT INTO log VALUES (new.id); END";
    CHECK(sqlite_guard_trigger(trg, "t_ins", "posts", why, sizeof why) == 0);
    CHECK(sqlite_guard_trigger(trg, "t_ins", "app_accounts", why, sizeof why) < 0);
    CHECK(sqlite_guard_trigger("CREATE TRIGGER x AFTER INSERT ON \"Posts\" BEGIN SELECT 1; END",
                               "x", "posts", why, sizeof why) == 0);
    CHECK(sqlite_guard_trigger("CREATE TEMP TRIGGER x AFTER INSERT ON posts BEGIN SELECT 1; END",
                               "x", "posts", why, sizeof why) < 0);

    CHECK(sqlite_guard_expression("price > 0 AND name <> ''", why, sizeof why) == 0);
    CHECK(sqlite_guard_expression("1) , CHECK (1", why, sizeof why) < 0);
    return check_report();
}

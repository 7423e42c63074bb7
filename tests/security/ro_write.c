/*
 * ro_write DB: opens DB exactly as the web side does (db_open(DB_READONLY),
 * lib/db.c) and tries to change it every way SQL allows.  Prints one line
 * a statement, "refused STMT: why" or "ALLOWED STMT", then "N refused of
 * N" on the last line.  Built and run by tests/security/readonly.t.
 */
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "db.h"

static const char *const writes[] = {
	"INSERT INTO ticks (symbol_id, ts, price, size, nkey) "
	    "VALUES (1, 1, 1, 1, 1)",
	"UPDATE ticks SET price = 0",
	"DELETE FROM ticks",
	"DROP TABLE ticks",
	"CREATE TABLE evil (x)",
	"CREATE TEMP TRIGGER t AFTER INSERT ON ticks BEGIN SELECT 1; END",
	"ALTER TABLE ticks ADD COLUMN evil",
	"UPDATE meta SET value = 99 WHERE key = 'pruned_through_id'",
	"INSERT INTO symbols (symbol) VALUES ('EVIL')",
	"REPLACE INTO meta (key, value) VALUES ('evil', 1)",
	"PRAGMA user_version = 99",
	"PRAGMA journal_mode = DELETE",
	"VACUUM",
	"REINDEX",
	"ANALYZE",
	/* Turning query_only off is allowed; the READONLY open still holds. */
	"PRAGMA query_only = 0; DELETE FROM ticks",
	"PRAGMA query_only = 0; PRAGMA user_version = 99",
	"PRAGMA writable_schema = 1; DELETE FROM sqlite_schema",
	"SELECT load_extension('/nonexistent')",
	/* New files next to it (the .t checks none appears). */
	"ATTACH DATABASE 'ro_write_evil.db' AS evil; "
	    "CREATE TABLE evil.x (y)",
	"VACUUM INTO 'ro_write_copy.db'",
};
#define NWRITES	(sizeof(writes) / sizeof(writes[0]))

int
main(int argc, char *argv[])
{
	sqlite3		*db;
	char		 err[DB_ERRSZ], *msg;
	size_t		 i, refused = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: ro_write DB\n");
		return 2;
	}
	if (db_open(argv[1], DB_READONLY, &db, err) != DB_OK) {
		fprintf(stderr, "ro_write: %s\n", err);
		return 1;
	}
	for (i = 0; i < NWRITES; i++) {
		msg = NULL;
		if (sqlite3_exec(db, writes[i], NULL, NULL, &msg) != SQLITE_OK) {
			printf("refused %s: %s\n", writes[i],
			    msg ? msg : "?");
			refused++;
		} else
			printf("ALLOWED %s\n", writes[i]);
		sqlite3_free(msg);
		sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	}
	printf("%zu refused of %zu\n", refused, (size_t)NWRITES);
	sqlite3_close(db);
	return refused == NWRITES ? 0 : 1;
}

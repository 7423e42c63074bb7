/*
 * A scratch tick store for the waiting-machinery tests: the test holds
 * the writer connection and commits as the ingest tool would.
 */
#ifndef TICKFEED_TEST_WAIT_DB_H
#define TICKFEED_TEST_WAIT_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "db.h"

static sqlite3 *wdb;

static void
exec(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(wdb, sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("# sql failed: %s: %s\n", sql, msg);
		exit(1);
	}
}

/*
 * Commits n ticks of symbol id sym (1 AAPL, 2 MSFT, 3 BRK.B) in one
 * transaction: tick i has ts 1795858200000 + i and price 189.23 + i/100.
 */
static void
commit_ticks(int sym, int n)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "WITH RECURSIVE c(i) AS (SELECT 1 UNION "
	    "ALL SELECT i + 1 FROM c WHERE i < %d) INSERT INTO ticks "
	    "(symbol_id, ts, price, size, nkey) SELECT %d, 1795858200000 + i, "
	    "18923000000 + i * 1000000, 100, (SELECT count(*) FROM ticks) + i "
	    "FROM c", n, sym);
	exec(sql);
}

/* Creates dir/ticks.db with three symbols and three AAPL ticks (1..3). */
static void
store_create(const char *path, int decimals)
{
	char err[DB_ERRSZ], sql[160];

	if (db_open(path, DB_READWRITE, &wdb, err) != DB_OK) {
		printf("# %s\n", err);
		exit(1);
	}
	snprintf(sql, sizeof(sql), "INSERT INTO symbols (id, symbol, decimals) "
	    "VALUES (1, 'AAPL', %d), (2, 'MSFT', %d), (3, 'BRK.B', 1)",
	    decimals, decimals);
	exec(sql);
	commit_ticks(1, 3);
}

#endif

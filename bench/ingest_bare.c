/*
 * The peer of the ingest benchmark: the same rows as bench/ingest.sh's CSV
 * (50 symbols, ts rising 3 ms a tick, cents, a negative nkey) inserted
 * into the same schema (db_open() creates it from sql/schema.sql) with
 * one prepared statement, 10,000 rows per transaction, and nothing else:
 * no parsing, no duplicate counting, no symbols rows or candles kept.
 * With START, rows START..START+COUNT are appended to an existing store
 * (the benchmark's fill).  usage: ingest_bare DB COUNT [START]
 */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"

#define BARE_SYMBOLS	50
#define BARE_BATCH	10000

static int
bare_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	fprintf(stderr, "ingest_bare: %s: %s\n", sql, sqlite3_errmsg(db));
	return -1;
}

static int
bare_symbols(sqlite3 *db)
{
	char	sql[128];
	int	i;

	for (i = 1; i <= BARE_SYMBOLS; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO symbols (id, symbol)"
		    " VALUES (%d, 'S%02d') ON CONFLICT DO NOTHING", i, i);
		if (bare_exec(db, sql) == -1)
			return -1;
	}
	return 0;
}

static int
bare_insert(sqlite3 *db, sqlite3_stmt *st, long start, long n)
{
	long long	price[BARE_SYMBOLS + 1];
	unsigned	r = 12345u + (unsigned)start;
	long		i;
	int		s;

	for (s = 1; s <= BARE_SYMBOLS; s++)
		price[s] = 10000000000LL;
	for (i = start; i < start + n; i++) {
		if ((i - start) % BARE_BATCH == 0 && bare_exec(db, "BEGIN") == -1)
			return -1;
		r = r * 1103515245u + 12345u;
		s = (int)(i % BARE_SYMBOLS) + 1;
		price[s] += ((long long)(r >> 16) % 21 - 10) * 1000000;
		sqlite3_bind_int64(st, 1, s);
		sqlite3_bind_int64(st, 2, 1764322200000LL + i * 3);
		sqlite3_bind_int64(st, 3, price[s]);
		sqlite3_bind_int64(st, 4, 100 * (1 + (r >> 8) % 10));
		sqlite3_bind_int64(st, 5, -1 - (long long)((r * 2654435761u) ^
		    (unsigned)i));
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "ingest_bare: %s\n", sqlite3_errmsg(db));
			return -1;
		}
		sqlite3_reset(st);
		if ((i - start + 1) % BARE_BATCH == 0 || i + 1 == start + n)
			if (bare_exec(db, "COMMIT") == -1)
				return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	sqlite3		*db;
	sqlite3_stmt	*st = NULL;
	char		 err[DB_ERRSZ];
	int		 rc = 1;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: ingest_bare DB COUNT [START]\n");
		return 2;
	}
	if (db_open(argv[1], DB_READWRITE, &db, err) != DB_OK) {
		fprintf(stderr, "ingest_bare: %s\n", err);
		return 1;
	}
	if (bare_symbols(db) == 0 && sqlite3_prepare_v2(db, "INSERT INTO ticks"
	    " (symbol_id, ts, price, size, nkey) VALUES (?, ?, ?, ?, ?)", -1,
	    &st, NULL) == SQLITE_OK && bare_insert(db, st,
	    argc == 4 ? atol(argv[3]) : 0, atol(argv[2])) == 0)
		rc = 0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/*
 * ingest/sqlfn.c: the SQL functions the migration and set-tz recompute
 * candles with.  tf_notional_hi/lo: exact sums past 64 bits, split at
 * 10^18 with C's truncation (negative sums too), NULL for a NULL row or
 * no row, an error past 128 bits, one aggregate context per group (run
 * under ASan+UBSan by `make sanitize`: SQLite's contexts are only 8-byte
 * aligned, which an __int128 member once tripped); tf_bucket: a day's
 * start in the registered zone, an unknown interval refused.
 */
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "sqlfn.h"
#include "tap.h"
#include "tzcal.h"

static sqlite3 *db;

/* The one row of sql as "v1|v2|..." (NULL as "NULL"), or the error. */
static const char *
row(const char *sql)
{
	static char	 out[256];
	sqlite3_stmt	*st;
	int		 i, n = 0, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(out, sizeof(out), "prepare: %s", sqlite3_errmsg(db));
		return out;
	}
	out[0] = '\0';
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < sqlite3_column_count(st); i++)
			n += snprintf(out + n, sizeof(out) - (size_t)n, "%s%s",
			    i ? "|" : "", sqlite3_column_type(st, i) ==
			    SQLITE_NULL ? "NULL" :
			    (const char *)sqlite3_column_text(st, i));
	else if (rc != SQLITE_DONE)
		snprintf(out, sizeof(out), "error: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return out;
}

static void
exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		printf("# %s: %s\n", sql, err);
	sqlite3_free(err);
}

#define SUM	"SELECT tf_notional_hi(a, b, c, d), " \
		"tf_notional_lo(a, b, c, d) FROM n"

static void
test_notional(void)
{
	exec("CREATE TABLE n (g, a, b, c, d)");
	tap_is_str(row(SUM), "NULL|NULL", "no row: NULL");
	exec("INSERT INTO n VALUES (1, 3000000000, 4000000000, 7, 11),"
	    " (1, 3000000000, 4000000000, -5, 2)");
	tap_is_str(row(SUM), "24|67",
	    "2.4e19 + 67, past 64 bits: 24 * 10^18 + 67");
	exec("DELETE FROM n; INSERT INTO n VALUES"
	    " (1, -3000000000, 4000000000, 0, 0), (1, -1, 1, 0, 0)");
	tap_is_str(row(SUM), "-12|-1",
	    "a negative sum splits with C's truncation (-12 * 10^18 - 1)");
	exec("INSERT INTO n VALUES (1, 5, NULL, 0, 0)");
	tap_is_str(row(SUM), "NULL|NULL", "a NULL argument in one row: NULL");
	exec("DELETE FROM n; INSERT INTO n VALUES"
	    " (1, 9223372036854775807, 9223372036854775807, 0, 0),"
	    " (1, 9223372036854775807, 9223372036854775807, 0, 0),"
	    " (1, 9223372036854775807, 9223372036854775807, 0, 0)");
	tap_is_str(row(SUM), "error: tf_notional: beyond 128 bits",
	    "three (2^63 - 1)^2: past 128 bits, an error, no wrapped sum");
	exec("DELETE FROM n; INSERT INTO n VALUES"
	    " (1, 1000000000, 1000000000, 1, 1), (2, 2, 3, 4, 5),"
	    " (3, 3000000000, 3000000000, 0, 0), (2, 1, 1, 1, 1),"
	    " (1, 1000000000, 1000000000, 0, 0)");
	tap_is_str(row("SELECT group_concat(v, ' ') FROM (SELECT g || ':' || "
	    "tf_notional_hi(a, b, c, d) || ',' || tf_notional_lo(a, b, c, d) "
	    "AS v FROM n GROUP BY g ORDER BY g)"), "1:2,1 2:0,28 3:9,0",
	    "one sum per group, each in its own context");
}

static void
test_bucket(void)
{
	tap_is_str(row("SELECT tf_bucket(1440, 1704300000000)"),
	    "1704258000000", "1d in New York: 2024-01-03T16:40Z is in the "
	    "day from 05:00Z");
	tap_is_str(row("SELECT tf_bucket(60, 1704300000000)"),
	    "1704297600000", "1h: the hour's start");
	tap_is_str(row("SELECT tf_bucket(7, 1704300000000)"),
	    "error: tf_bucket: no such interval", "7 minutes: no such level");
}

int
main(void)
{
	struct tzcal cal;

	tzcal_setup();
	if (!tap_ok(tzcal_init(&cal, "America/New_York") == 0 &&
	    sqlite3_open(":memory:", &db) == SQLITE_OK &&
	    sqlfn_register(db, &cal) == 0, "functions registered"))
		return tap_done();
	test_notional();
	test_bucket();
	sqlite3_close(db);
	return tap_done();
}

/*
 * ingest/writer.c + candles.c on a real database: duplicates, late ticks
 * amending their candle at every level (open/close by (ts, id)), symbols'
 * newest tick and largest id; the exact notional (beyond int64, carried
 * across batches by the upsert, either sign); days in the store's zone,
 * read again by every batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "tap.h"
#include "writer.h"

#define M0	1764322200000LL		/* a minute start */

static void
add(struct writer *w, struct ingest_stats *st, const char *sym, long long ts,
    long long cents, long long size)
{
	struct tick t;

	tick_reset(&t);
	snprintf(t.symbol, sizeof(t.symbol), "%s", sym);
	t.ts = ts;
	t.price = cents * 1000000;
	t.decimals = 2;
	t.size = size;
	t.nkey = tick_hash_nkey(t.price, t.size);
	if (writer_add(w, &t, st) != 0)
		tap_ok(0, "writer_add %s %lld", sym, ts);
}

/* A tick with a price already scaled (8 decimals), committed alone. */
static void
add_raw(struct writer *w, struct ingest_stats *st, const char *sym,
    long long ts, long long price, long long size)
{
	struct tick t;

	tick_reset(&t);
	snprintf(t.symbol, sizeof(t.symbol), "%s", sym);
	t.ts = ts;
	t.price = price;
	t.decimals = 8;
	t.size = size;
	t.nkey = tick_hash_nkey(t.price, t.size);
	if (writer_add(w, &t, st) != 0 || writer_commit(w) != 0)
		tap_ok(0, "writer_add %s %lld", sym, ts);
}

/* One row of a query, its columns joined by '|'. */
static void
row(sqlite3 *db, const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt	*st;
	size_t		 n = 0;
	int		 i;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < sqlite3_column_count(st) && n < outsz; i++)
			n += (size_t)snprintf(out + n, outsz - n, "%s%s",
			    i ? "|" : "", (const char *)sqlite3_column_text(st, i));
	sqlite3_finalize(st);
}

static void
test_notional(struct writer *w, sqlite3 *db, struct ingest_stats *st)
{
	char got[512];

	row(db, "SELECT notional_hi, notional_lo FROM candles WHERE iv = 1"
	    " AND t = 1764322200000", got, sizeof(got));
	/* 1.00 x 10 + 2.00 x 20 + 3.00 x 1 + 1.50 x 2 + 5.00 x 3 = 71.00 */
	tap_is_str(got, "0|7100000000", "notional of the minute, two batches");
	row(db, "SELECT group_concat(DISTINCT notional_hi || '|' ||"
	    " notional_lo) FROM candles WHERE iv >= 60", got, sizeof(got));
	tap_is_str(got, "0|12095000000", "1h .. 1w: both minutes (+ 9.99 x 5)");
	/*
	 * The largest price with the largest size, three batches: the sum
	 * 2999999999999999997 * 10^12 needs 102 bits; each upsert carries
	 * lo's overflow into hi.
	 */
	add_raw(w, st, "BIG", M0, 999999999999999999LL, 1000000000000LL);
	row(db, "SELECT notional_hi, notional_lo FROM candles WHERE iv = 1"
	    " AND symbol_id = (SELECT id FROM symbols WHERE symbol = 'BIG')",
	    got, sizeof(got));
	tap_is_str(got, "999999999999|999999000000000000", "one tick: 10^30");
	add_raw(w, st, "BIG", M0 + 1, 999999999999999999LL, 1000000000000LL);
	add_raw(w, st, "BIG", M0 + 2, 999999999999999999LL, 1000000000000LL);
	row(db, "SELECT group_concat(DISTINCT notional_hi || '|' || notional_lo)"
	    " FROM candles WHERE symbol_id = (SELECT id FROM symbols WHERE"
	    " symbol = 'BIG')", got, sizeof(got));
	tap_is_str(got, "2999999999999|999997000000000000",
	    "three batches, every level: exact, lo carried into hi");
	add_raw(w, st, "NEG", M0, -999999999999999999LL, 1000000000000LL);
	add_raw(w, st, "NEG", M0 + 1, 1, 1);
	row(db, "SELECT group_concat(DISTINCT notional_hi || '|' || notional_lo)"
	    " FROM candles WHERE symbol_id = (SELECT id FROM symbols WHERE"
	    " symbol = 'NEG')", got, sizeof(got));
	tap_is_str(got, "-999999999999|-999998999999999999",
	    "negative: -(10^18 - 1) x 10^12 + 1, truncated parts");
}

/* Days and weeks of the store's zone, read again by every batch. */
static void
test_zone(struct writer *w, sqlite3 *db, struct ingest_stats *st)
{
	char got[512];

	sqlite3_exec(db, "UPDATE settings SET value = 'America/New_York'"
	    " WHERE key = 'tz'", NULL, NULL, NULL);
	/* 2024-03-10 04:59:59.999Z and 05:00Z: New York's 03-09 and 03-10 */
	add_raw(w, st, "NY", 1710046799999LL, 100000000, 1);
	add_raw(w, st, "NY", 1710046800000LL, 200000000, 1);
	row(db, "SELECT group_concat(t || ':' || volume) FROM (SELECT t, volume"
	    " FROM candles WHERE iv = 1440 AND symbol_id = (SELECT id FROM"
	    " symbols WHERE symbol = 'NY') ORDER BY t)", got, sizeof(got));
	tap_is_str(got, "1709960400000:1,1710046800000:1",
	    "1d at New York's midnight (05:00Z), the batch read the zone");
	row(db, "SELECT group_concat(t) FROM (SELECT t FROM candles WHERE"
	    " iv = 240 AND symbol_id = (SELECT id FROM symbols WHERE"
	    " symbol = 'NY') ORDER BY t)", got, sizeof(got));
	tap_is_str(got, "1710043200000", "4h stays UTC (04:00Z holds both)");
	row(db, "SELECT t FROM candles WHERE iv = 10080 AND symbol_id ="
	    " (SELECT id FROM symbols WHERE symbol = 'NY')", got, sizeof(got));
	tap_is_str(got, "1709528400000", "1w from Monday 03-04 05:00Z");
	sqlite3_exec(db, "UPDATE settings SET value = 'UTC' WHERE key = 'tz'",
	    NULL, NULL, NULL);
	add_raw(w, st, "UT", 1710046799999LL, 100000000, 1);
	row(db, "SELECT t FROM candles WHERE iv = 1440 AND symbol_id ="
	    " (SELECT id FROM symbols WHERE symbol = 'UT')", got, sizeof(got));
	tap_is_str(got, "1710028800000", "the zone changed: the next batch's "
	    "day is UTC's");
	sqlite3_exec(db, "UPDATE settings SET value = 'Nowhere/City' WHERE"
	    " key = 'tz'", NULL, NULL, NULL);
	{
		struct tick t;

		tick_reset(&t);
		strcpy(t.symbol, "UT");
		t.ts = 1710046799999LL + 1000;
		t.price = 1;
		t.size = 1;
		t.nkey = 7;
		tap_is_int(writer_add(w, &t, st) == 0 ? writer_commit(w) : -1,
		    -1, "a zone this system does not know: the batch fails");
	}
	row(db, "SELECT count(*) FROM ticks WHERE symbol_id = (SELECT id FROM"
	    " symbols WHERE symbol = 'UT')", got, sizeof(got));
	tap_is_str(got, "1", "... and is rolled back");
}

int
main(void)
{
	struct ingest_stats	 st = { 0, 0, 0, 0 };
	struct writer		*w;
	sqlite3			*db;
	char			 path[] = "/tmp/tickfeed-writer-XXXXXX", dbp[64];
	char			 err[DB_ERRSZ], got[512];

	if (mkdtemp(path) == NULL)
		return 1;
	snprintf(dbp, sizeof(dbp), "%s/t.db", path);
	if (db_open(dbp, DB_READWRITE, &db, err) != DB_OK ||
	    (w = writer_new(db, 3)) == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	/* batch 1 (commits at 3): ids 1..3 */
	add(w, &st, "AAPL", M0 + 10000, 100, 10);
	add(w, &st, "AAPL", M0 + 30000, 200, 20);
	add(w, &st, "AAPL", M0 + 10000, 100, 10);	/* duplicate */
	tap_is_int(writer_pending(w), 0, "a full batch commits");
	/* batch 2: late open, a close at the same ts, a middle high */
	add(w, &st, "AAPL", M0 + 5000, 300, 1);		/* id 3: new open */
	add(w, &st, "AAPL", M0 + 30000, 150, 2);	/* id 4: ts = close_ts */
	add(w, &st, "AAPL", M0 - 60000, 999, 5);	/* id 5: older minute */
	add(w, &st, "AAPL", M0 + 20000, 500, 3);	/* id 6 */
	tap_is_int(writer_commit(w), 0, "commit");
	tap_is_int(st.stored, 6, "stored");
	tap_is_int(st.duplicate, 1, "duplicate");
	row(db, "SELECT group_concat(id) FROM (SELECT id FROM ticks ORDER BY id)",
	    got, sizeof(got));
	tap_is_str(got, "1,2,3,4,5,6", "ids in commit order, none taken by "
	    "the duplicate");
	row(db, "SELECT open, high, low, close, volume, trades, open_ts - t,"
	    " close_ts - t, first_id, last_id FROM candles"
	    " WHERE iv = 1 AND t = 1764322200000", got, sizeof(got));
	tap_is_str(got, "300000000|500000000|100000000|150000000|36|5|"
	    "5000|30000|1|6", "late ticks amend the candle");
	row(db, "SELECT open, close, trades, first_id, last_id FROM candles"
	    " WHERE iv = 1 AND t = 1764322140000", got, sizeof(got));
	tap_is_str(got, "999000000|999000000|1|5|5", "the older minute");
	/* 09:29 and 09:30 UTC: apart at 5m, together from 1h up */
	row(db, "SELECT group_concat(iv || ':' || n) FROM (SELECT iv,"
	    " count(*) AS n FROM candles GROUP BY iv ORDER BY iv)",
	    got, sizeof(got));
	tap_is_str(got, "1:2,5:2,15:2,30:2,60:1,240:1,1440:1,10080:1",
	    "rows per level");
	row(db, "SELECT t, open, high, low, close, volume, trades,"
	    " open_ts - 1764322200000, close_ts - 1764322200000, first_id,"
	    " last_id FROM candles WHERE iv = 5 AND t = 1764322200000",
	    got, sizeof(got));
	tap_is_str(got, "1764322200000|300000000|500000000|100000000|150000000|"
	    "36|5|5000|30000|1|6", "5m = its one minute");
	row(db, "SELECT group_concat(DISTINCT open || '|' || high || '|' || low"
	    " || '|' || close || '|' || volume || '|' || trades || '|' ||"
	    " (open_ts - 1764322200000) || '|' || (close_ts - 1764322200000)"
	    " || '|' || first_id || '|' || last_id) FROM candles WHERE iv >= 60",
	    got, sizeof(got));
	tap_is_str(got, "999000000|999000000|100000000|150000000|41|6|"
	    "-60000|30000|1|6", "1h 4h 1d 1w: the late older minute opens, "
	    "the tie at close_ts closes, across batches");
	row(db, "SELECT t FROM candles WHERE iv = 10080", got, sizeof(got));
	tap_is_str(got, "1763942400000", "1w starts on Monday 00:00 UTC");
	row(db, "SELECT t FROM candles WHERE iv = 240", got, sizeof(got));
	tap_is_str(got, "1764316800000", "4h starts at 08:00 UTC");
	row(db, "SELECT symbol, decimals, tick_count, last_id, last_ts - 1764322200000,"
	    " last_price, last_size, seq_id FROM symbols", got, sizeof(got));
	tap_is_str(got, "AAPL|2|6|4|30000|150000000|2|6",
	    "newest by ts, ties to the newer id; late ticks leave it; "
	    "seq_id the largest id");
	test_notional(w, db, &st);
	test_zone(w, db, &st);
	writer_free(w);
	sqlite3_close(db);
	unlink(dbp);
	snprintf(err, sizeof(err), "%s-wal", dbp);
	unlink(err);
	snprintf(err, sizeof(err), "%s-shm", dbp);
	unlink(err);
	rmdir(path);
	return tap_done();
}

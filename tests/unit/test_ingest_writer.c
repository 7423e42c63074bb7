/*
 * ingest/writer.c + candles.c on a real database: duplicates, late ticks
 * amending their candle at every level (open/close by (ts, id)), symbols'
 * newest tick and largest id.
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

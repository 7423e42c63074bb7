/*
 * tickfeed-ingest set-tz ZONE: the store's trading zone (settings 'tz',
 * lib/tzcal.h) and, in the same transaction, its 1d and 1w candles
 * rebuilt for it: 1d from the 1m rows (every zone's days are made of
 * whole UTC minutes), 1w from the new 1d rows, with the aggregation the
 * writer keeps (open of the first row by time, close of the last, max
 * high, min low, sums, min/max ids, the exact notional).  So the store
 * equals one that had the zone from its first tick.  BEGIN IMMEDIATE
 * waits for a running writer's batch; the writer reads the zone at the
 * start of each batch, so a --follow import goes on in the new zone.
 * Cost: one pass over the 1m rows (docs/store.md).
 */
#include <stdio.h>

#include "db.h"
#include "ingest.h"
#include "log.h"
#include "sqlfn.h"

/* ?1 the level to build (minutes), ?2 the level it is made of. */
static const char settz_rebuild_sql[] =
    "INSERT INTO candles (symbol_id, iv, t, open, high, low, close,"
    " volume, trades, open_ts, close_ts, first_id, last_id, notional_hi,"
    " notional_lo)"
    " SELECT g.symbol_id, ?1, g.b, o.open, g.hi, g.lo, c.close, g.vol,"
    " g.n, o.open_ts, c.close_ts, g.f, g.l, g.nh, g.nl"
    " FROM (SELECT m.symbol_id AS symbol_id, tf_bucket(?1, m.t) AS b,"
    "   min(m.t) AS t0, max(m.t) AS t1, max(m.high) AS hi,"
    "   min(m.low) AS lo, sum(m.volume) AS vol, sum(m.trades) AS n,"
    "   min(m.first_id) AS f, max(m.last_id) AS l,"
    "   tf_notional_hi(m.notional_hi, 1000000000000000000, m.notional_lo,"
    "     1) AS nh,"
    "   tf_notional_lo(m.notional_hi, 1000000000000000000, m.notional_lo,"
    "     1) AS nl"
    "   FROM candles AS m WHERE m.iv = ?2 GROUP BY m.symbol_id, b) AS g"
    " JOIN candles AS o ON o.symbol_id = g.symbol_id AND o.iv = ?2"
    "   AND o.t = g.t0"
    " JOIN candles AS c ON c.symbol_id = g.symbol_id AND c.iv = ?2"
    "   AND c.t = g.t1"
    " ORDER BY g.symbol_id, g.b";

/* Builds level iv from level src in the open transaction; 0 or -1. */
static int
settz_level(sqlite3 *db, int iv, int src, int *rows)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, settz_rebuild_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if ((rc = sqlite3_bind_int(st, 1, iv)) == SQLITE_OK &&
	    (rc = sqlite3_bind_int(st, 2, src)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	*rows = sqlite3_changes(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
settz_apply(sqlite3 *db, const char *zone, int *days, int *weeks)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_exec(db, "DELETE FROM candles WHERE iv IN (1440, 10080)",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    settz_level(db, 1440, 1, days) == -1 ||
	    settz_level(db, 10080, 1440, weeks) == -1 ||
	    sqlite3_prepare_v2(db, "UPDATE settings SET value = ?1 WHERE key"
	    " = 'tz'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_bind_text(st, 1, zone, -1, SQLITE_STATIC)) ==
	    SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
cmd_set_tz(const struct ingest_config *cfg, const char *zone)
{
	struct tzcal	 cal;
	sqlite3		*db = NULL;
	char		 was[TZ_NAME_MAX + 1];
	int		 days = 0, weeks = 0, ex = INGEST_EXIT_DB;

	if (tzcal_init(&cal, zone) == -1) {
		log_warnx("set-tz: '%.64s' is not a zone of this system's tz "
		    "database (e.g. UTC, America/New_York)", zone);
		return INGEST_EXIT_USAGE;
	}
	if ((db = ingest_db_open(cfg)) == NULL)	/* an edge: refused */
		return INGEST_EXIT_DB;
	if (sqlfn_register(db, &cal) == -1 ||
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK || db_zone(db, was) == -1 ||
	    settz_apply(db, zone, &days, &weeks) == -1 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("%s: set-tz: %s", cfg->db_path, sqlite3_errmsg(db));
		goto out;
	}
	if (!cfg->quiet)
		printf("%s: trading zone %s (was %s): %d daily and %d weekly "
		    "candles rebuilt\n", cfg->db_path, zone, was, days, weeks);
	ex = INGEST_EXIT_OK;
out:
	sqlite3_close(db);	/* rolls back what was not committed */
	return ex;
}

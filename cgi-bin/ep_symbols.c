/*
 * GET /api/v1/symbols
 *
 * {"cursor":N,"tz":Z,"symbols":[{"symbol":S,"price":P,"prev_close":P,
 *   "change":P,"change_pct":F,"day":{"t":MS,"open":P,"high":P,"low":P,
 *   "close":P,"volume":V,"trades":N,"vwap":P},"ticks":N,"last_ts":MS,
 *   "last_id":ID}]}
 *
 * "Today" is the day of the store's zone Z holding the current time.
 * prev_close is the close of the symbol's last 1d candle before today's,
 * or, for a symbol first traded today, the open of its first candle
 * today; null (with change and change_pct) when it has no candle.
 * Both are read from the 1d level (iv 1440), whose close is its last
 * minute's and whose open its first minute's: one row each.
 * change = price - prev_close, exact; change_pct = 100 * change /
 * |prev_close| rounded half away from zero to 2 decimals, so that its sign
 * is change's (null when prev_close is 0).  day is today's 1d candle
 * (null when the symbol has no tick today): one more row.  The answer is
 * cached until the next commit or the zone's next midnight, whichever
 * comes first.
 */
#include "ep.h"

#define PCT_MAX		900000000000LL	/* hundredths; bigger is null */

static const char sql_prev_close[] =
    "SELECT coalesce("
    "(SELECT close FROM candles WHERE symbol_id = ?1 AND iv = 1440"
    " AND t < ?2 ORDER BY t DESC LIMIT 1),"
    "(SELECT open FROM candles WHERE symbol_id = ?1 AND iv = 1440"
    " AND t >= ?2 ORDER BY t LIMIT 1))";

/* 1 and *out set, 0 when the symbol has no candle, -1 on error. */
static int
symbols_prev_close(struct worker *w, long long id, int64_t day0,
    int64_t *out)
{
	sqlite3_stmt *st;

	st = worker_stmt(w, STMT_PREV_CLOSE, sql_prev_close);
	if (st == NULL || sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, day0) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		return worker_fail(w, "prev_close");
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return 0;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 1;
}

static const char sql_day[] =
    "SELECT t, open, high, low, close, volume, trades, notional_hi,"
    " notional_lo FROM candles WHERE symbol_id = ?1 AND iv = 1440"
    " AND t = ?2";

/* "day": today's 1d candle, or null.  0 or -1 on error. */
static int
symbols_day(struct worker *w, long long id, int64_t day0, int dec,
    struct buf *jw)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = worker_stmt(w, STMT_DAY, sql_day);
	if (st == NULL || sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, day0) != SQLITE_OK)
		return worker_fail(w, "day");
	jw_key(jw, "day");
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		jw_obj_open(jw);
		jw_kv_int(jw, "t", sqlite3_column_int64(st, 0));
		ep_candle_fields(jw, st, 1, dec);
		jw_obj_close(jw);
	} else if (rc == SQLITE_DONE)
		jw_null(jw);
	else
		return worker_fail(w, "day");
	sqlite3_reset(st);
	return 0;
}

/*
 * 100 * change / |prev| in hundredths, half away from zero; -1 if unfit.
 * Over the magnitude of prev, so that the sign is the change's even when
 * prev is negative (-1.25 to 0.75 is +160 %, a rise), as traders quote
 * the change of a spread or of a negative future.
 */
static int
symbols_pct(int64_t change, int64_t prev, int64_t *out)
{
	__int128	num = (__int128)change * 10000, den = prev, q, r;

	if (prev == 0)
		return -1;
	if (den < 0)
		den = -den;
	q = num / den;
	r = num % den;
	if (2 * (r < 0 ? -r : r) >= den)
		q += num < 0 ? -1 : 1;
	if (q > PCT_MAX || q < -PCT_MAX)
		return -1;
	*out = (int64_t)q;
	return 0;
}

static void
symbols_change(struct buf *jw, int have, int64_t price, int64_t prev, int dec)
{
	int64_t pct;

	jw_key(jw, "prev_close");
	have ? jw_price(jw, prev, dec) : jw_null(jw);
	jw_key(jw, "change");
	have ? jw_price(jw, price - prev, dec) : jw_null(jw);
	jw_key(jw, "change_pct");
	if (have && symbols_pct(price - prev, prev, &pct) == 0)
		jw_cents(jw, pct);
	else
		jw_null(jw);
}

/* One symbol row (id, symbol, decimals, tick_count, last_*). 0 or -1. */
static int
symbols_row(struct worker *w, sqlite3_stmt *st, int64_t day0, struct buf *jw)
{
	int64_t	 price = sqlite3_column_int64(st, 6), prev = 0;
	int	 dec = sqlite3_column_int(st, 2), have = 0;

	if (sqlite3_column_int64(st, 4) > 0 && (have = symbols_prev_close(w,
	    sqlite3_column_int64(st, 0), day0, &prev)) == -1)
		return -1;
	jw_obj_open(jw);
	jw_kv_strz(jw, "symbol", (const char *)sqlite3_column_text(st, 1));
	jw_key(jw, "price");
	sqlite3_column_int64(st, 4) > 0 ? jw_price(jw, price, dec) :
	    jw_null(jw);
	symbols_change(jw, have, price, prev, dec);
	if (symbols_day(w, sqlite3_column_int64(st, 0), day0, dec, jw) == -1)
		return -1;
	jw_kv_int(jw, "ticks", sqlite3_column_int64(st, 3));
	jw_kv_int(jw, "last_ts", sqlite3_column_int64(st, 5));
	jw_kv_int(jw, "last_id", sqlite3_column_int64(st, 4));
	jw_obj_close(jw);
	return 0;
}

static int
symbols_list(struct worker *w, int64_t day0, struct buf *jw)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = worker_stmt(w, STMT_SYMBOLS_LIST, "SELECT id, symbol, "
	    "decimals, tick_count, last_id, last_ts, last_price FROM symbols "
	    "ORDER BY symbol");
	if (st == NULL)
		return worker_fail(w, "symbols");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (symbols_row(w, st, day0, jw) == -1)
			return -1;
	if (rc != SQLITE_DONE)
		return worker_fail(w, "symbols");
	return 0;
}

enum handler_result
ep_symbols(struct req *req, struct worker *w)
{
	struct buf	 jw;
	long long	 cursor;
	int64_t		 now = app_now_ms(), day0, day1;

	buf_init(&jw);
	if (worker_begin(w, &cursor) == -1)
		goto dbfail;
	day0 = tzcal_day(&w->cal, now, &day1);
	jw_obj_open(&jw);
	jw_kv_int(&jw, "cursor", cursor);
	jw_kv_strz(&jw, "tz", w->cal.zone);
	jw_key(&jw, "symbols");
	jw_arr_open(&jw);
	if (symbols_list(w, day0, &jw) == -1 || worker_end(w) == -1)
		goto dbfail;
	jw_arr_close(&jw);
	jw_obj_close(&jw);
	ep_send(req, w, &jw, day1);
	return HANDLER_DONE;
dbfail:
	buf_free(&jw);
	reply_db_unavailable(req, w);
	return HANDLER_DONE;
}

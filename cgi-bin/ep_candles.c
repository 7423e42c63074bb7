/*
 * GET /api/v1/candles?symbol=S[&interval=1m|5m|15m|1h|1d][&from=T][&to=T]
 *                    [&limit=N]
 *
 * {"cursor":N,"symbol":S,"interval":I,"candles":[{"t":MS,"open":P,
 *   "high":P,"low":P,"close":P,"volume":V,"trades":N,"live":BOOL}]}
 *
 * OHLCV rows, oldest first, t the interval's start (UTC; 1d starts at
 * 00:00 UTC).  1m rows come from candles_1m; longer intervals are
 * aggregated from them in SQL: open of the first minute, close of the last,
 * max high, min low, sums of volume and trades.  The candles returned are
 * those whose interval overlaps [from, to); with from, the first `limit`
 * of them; without from, the latest `limit` (default 500, 1..10000).
 * `live` marks the candle whose interval contains the current time.
 */
#include "ep.h"
#include "timeutil.h"

#define CANDLES_LIMIT_DEFAULT	500
#define MINUTE_MS		60000LL

/* ?1 symbol id, ?2 lowest t, ?3 t bound, ?4 interval ms, ?5 limit. */
#define CANDLES_SQL(dir)						\
    "SELECT g.b, o.open, g.hi, g.lo, c.close, g.vol, g.n FROM"		\
    " (SELECT t - t % ?4 AS b, min(t) AS t0, max(t) AS t1,"		\
    "  max(high) AS hi, min(low) AS lo, sum(volume) AS vol,"		\
    "  sum(trades) AS n FROM candles_1m"				\
    "  WHERE symbol_id = ?1 AND t >= ?2 AND t < ?3"			\
    "  GROUP BY b ORDER BY b " dir " LIMIT ?5) AS g"			\
    " JOIN candles_1m AS o ON o.symbol_id = ?1 AND o.t = g.t0"		\
    " JOIN candles_1m AS c ON c.symbol_id = ?1 AND c.t = g.t1"		\
    " ORDER BY g.b"

/*
 * Without from: the t at or after which the latest `limit` buckets lie.
 * They hold at most limit * (interval / 1m) one-minute rows, so the row
 * that many rows back from the newest bounds the scan.
 */
static const char sql_floor[] =
    "SELECT coalesce((SELECT t FROM candles_1m WHERE symbol_id = ?1"
    " AND t < ?2 ORDER BY t DESC LIMIT 1 OFFSET ?3), 0)";

struct candles_q {
	long long	 symbol_id;
	int		 decimals;
	int64_t		 iv, lo, hi, limit;
	int		 latest;	/* no from: the latest `limit` */
};

static int
candles_floor(struct worker *w, struct candles_q *q)
{
	sqlite3_stmt *st;

	st = worker_stmt(w, STMT_CANDLES_FLOOR, sql_floor);
	if (st == NULL || sqlite3_bind_int64(st, 1, q->symbol_id) ||
	    sqlite3_bind_int64(st, 2, q->hi) ||
	    sqlite3_bind_int64(st, 3, q->limit * (q->iv / MINUTE_MS) - 1) ||
	    sqlite3_step(st) != SQLITE_ROW)
		return worker_fail(w, "candles");
	q->lo = sqlite3_column_int64(st, 0);
	q->lo -= q->lo % q->iv;
	sqlite3_reset(st);
	return 0;
}

static void
candles_row(struct buf *jw, sqlite3_stmt *st, const struct candles_q *q,
    int64_t now)
{
	int64_t t = sqlite3_column_int64(st, 0);

	jw_obj_open(jw);
	jw_kv_int(jw, "t", t);
	jw_kv_price(jw, "open", sqlite3_column_int64(st, 1), q->decimals);
	jw_kv_price(jw, "high", sqlite3_column_int64(st, 2), q->decimals);
	jw_kv_price(jw, "low", sqlite3_column_int64(st, 3), q->decimals);
	jw_kv_price(jw, "close", sqlite3_column_int64(st, 4), q->decimals);
	jw_kv_int(jw, "volume", sqlite3_column_int64(st, 5));
	jw_kv_int(jw, "trades", sqlite3_column_int64(st, 6));
	jw_key(jw, "live");
	jw_bool(jw, t <= now && now < t + q->iv);
	jw_obj_close(jw);
}

static int
candles_list(struct worker *w, const struct candles_q *q, int64_t now,
    struct buf *jw)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = q->latest ?
	    worker_stmt(w, STMT_CANDLES_LATEST, CANDLES_SQL("DESC")) :
	    worker_stmt(w, STMT_CANDLES_FROM, CANDLES_SQL("ASC"));
	if (st == NULL || sqlite3_bind_int64(st, 1, q->symbol_id) ||
	    sqlite3_bind_int64(st, 2, q->lo) ||
	    sqlite3_bind_int64(st, 3, q->hi) ||
	    sqlite3_bind_int64(st, 4, q->iv) ||
	    sqlite3_bind_int64(st, 5, q->limit))
		return worker_fail(w, "candles");
	jw_key(jw, "candles");
	jw_arr_open(jw);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		candles_row(jw, st, q, now);
	if (rc != SQLITE_DONE)
		return worker_fail(w, "candles");
	jw_arr_close(jw);
	return 0;
}

/* Fills q from the query; HTTP_OK or an error already answered. */
static enum http_status
candles_query(struct req *req, struct candles_q *q)
{
	const struct params *p = &req->params;

	q->iv = interval_ms[p->interval];	/* IV_1M (0) when absent */
	q->limit = p->present & PBIT(P_LIMIT) ? p->limit :
	    CANDLES_LIMIT_DEFAULT;
	q->latest = !(p->present & PBIT(P_FROM));
	q->lo = q->latest ? 0 : p->from - p->from % q->iv;
	q->hi = p->present & PBIT(P_TO) ? p->to : TS_MAX + 1;
	if (q->hi % q->iv != 0)
		q->hi += q->iv - q->hi % q->iv;
	if ((p->present & PBIT(P_FROM)) && (p->present & PBIT(P_TO)) &&
	    p->from >= p->to) {
		reply_error(req, HTTP_BAD_REQUEST, "bad_value",
		    "from must be before to");
		return HTTP_BAD_REQUEST;
	}
	return HTTP_OK;
}

enum handler_result
ep_candles(struct req *req, struct worker *w)
{
	struct candles_q	 q;
	struct buf		 jw;
	long long		 cursor;
	int64_t			 now = app_now_ms();
	int			 rc;

	if (candles_query(req, &q) != HTTP_OK)
		return HANDLER_DONE;
	buf_init(&jw);
	if (worker_begin(w, &cursor) == -1 || (rc = ep_symbol_lookup(w,
	    req->params.symbol, &q.symbol_id, &q.decimals)) == -1)
		goto dbfail;
	if (rc == 0) {
		worker_end(w);
		reply_error(req, HTTP_NOT_FOUND, "unknown_symbol",
		    "unknown symbol '%s'", req->params.symbol);
		return HANDLER_DONE;
	}
	if (q.latest && candles_floor(w, &q) == -1)
		goto dbfail;
	jw_obj_open(&jw);
	jw_kv_int(&jw, "cursor", cursor);
	jw_kv_strz(&jw, "symbol", req->params.symbol);
	jw_kv_strz(&jw, "interval", interval_names[req->params.interval]);
	if (candles_list(w, &q, now, &jw) == -1 || worker_end(w) == -1)
		goto dbfail;
	jw_obj_close(&jw);
	/* live flags change at minute boundaries: cache until the next. */
	ep_send(req, w, &jw, now - now % MINUTE_MS + MINUTE_MS);
	return HANDLER_DONE;
dbfail:
	buf_free(&jw);
	reply_db_unavailable(req, w);
	return HANDLER_DONE;
}

/*
 * GET /api/v1/candles?symbol=S[&interval=1m|5m|15m|30m|1h|4h|1d|1w]
 *                    [&from=T][&to=T][&limit=N]
 *
 * {"cursor":N,"symbol":S,"interval":I,"tz":Z,"candles":[{"t":MS,
 *   "open":P,"high":P,"low":P,"close":P,"volume":V,"trades":N,"vwap":P,
 *   "live":BOOL}],"next":MS,"more":BOOL}
 *
 * OHLCV rows, oldest first, t the interval's start: UTC-aligned for the
 * intraday intervals, local midnight (Monday's for 1w) of the store's
 * zone Z for 1d and 1w.  Every interval is a level of the candles table
 * that ingest keeps in the transaction of the ticks (iv = its minutes),
 * equal to the aggregation of the 1m rows: open of the first minute,
 * close of the last, max high, min low, sums of volume, trades and the
 * exact notional, whose quotient by the volume is vwap.  So an answer
 * reads exactly the rows it returns, and one more to say `more`.  The
 * candles returned are those whose interval overlaps [from, to); with
 * from, the first `limit` of them, and next is the from of the next page
 * (the end of the last one listed); without from, the latest `limit`
 * (default 500, 1..10000), and next is the to of the page before (the
 * first one's t).  more says whether that page has candles; next is null
 * when none is listed.  `live` marks the candle whose interval contains
 * the current time.
 */
#include "ep.h"
#include "timeutil.h"

#define CANDLES_LIMIT_DEFAULT	500
#define MINUTE_MS		60000LL

/*
 * ?1 symbol id, ?2 iv (minutes), ?3 lowest t, ?4 t bound, ?5 limit.  A
 * bucket overlaps [from, to) when t >= the start of from's bucket and
 * t < to.
 */
#define CANDLES_COLS							\
    "t, open, high, low, close, volume, trades, notional_hi, notional_lo"
#define CANDLES_WHERE							\
    " FROM candles WHERE symbol_id = ?1 AND iv = ?2 AND t >= ?3 AND t < ?4"
static const char sql_candles_from[] =
    "SELECT " CANDLES_COLS CANDLES_WHERE " ORDER BY t LIMIT ?5";
static const char sql_candles_latest[] =
    "SELECT * FROM (SELECT " CANDLES_COLS CANDLES_WHERE
    " ORDER BY t DESC LIMIT ?5) ORDER BY t";
static const char sql_candles_more[] =
    "SELECT EXISTS (SELECT 1" CANDLES_WHERE ")";

struct candles_q {
	long long		 symbol_id;
	int			 decimals;
	enum interval		 iv;
	int64_t			 lo, hi, limit;
	int			 latest;	/* no from: the latest `limit` */
	int64_t			 live;		/* the bucket of now */
	int64_t			 first, last;	/* t of the candles listed */
	int64_t			 n;
};

static void
candles_row(struct buf *jw, sqlite3_stmt *st, struct candles_q *q)
{
	int64_t t = sqlite3_column_int64(st, 0);

	if (q->n++ == 0)
		q->first = t;
	q->last = t;
	jw_obj_open(jw);
	jw_kv_int(jw, "t", t);
	ep_candle_fields(jw, st, 1, q->decimals);
	jw_key(jw, "live");
	jw_bool(jw, t == q->live);
	jw_obj_close(jw);
}

static int
candles_list(struct worker *w, struct candles_q *q, struct buf *jw)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = q->latest ?
	    worker_stmt(w, STMT_CANDLES_LATEST, sql_candles_latest) :
	    worker_stmt(w, STMT_CANDLES_FROM, sql_candles_from);
	if (st == NULL || sqlite3_bind_int64(st, 1, q->symbol_id) ||
	    sqlite3_bind_int64(st, 2, intervals[q->iv].minutes) ||
	    sqlite3_bind_int64(st, 3, q->lo) ||
	    sqlite3_bind_int64(st, 4, q->hi) ||
	    sqlite3_bind_int64(st, 5, q->limit))
		return worker_fail(w, "candles");
	jw_key(jw, "candles");
	jw_arr_open(jw);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		candles_row(jw, st, q);
	if (rc != SQLITE_DONE)
		return worker_fail(w, "candles");
	jw_arr_close(jw);
	return 0;
}

/*
 * "next" and "more": the page after (from) or before (latest) this one,
 * and whether it has a candle, by one probe of the key.  0 or -1.
 */
static int
candles_next(struct worker *w, const struct candles_q *q, struct buf *jw)
{
	sqlite3_stmt	*st;
	int64_t		 next, lo, hi;
	int		 more = 0;

	jw_key(jw, "next");
	if (q->n == 0) {
		jw_null(jw);
		goto out;
	}
	if (q->latest) {
		next = q->first;
		lo = INT64_MIN;
		hi = q->first;
	} else {
		(void)interval_bucket(&w->cal, q->iv, q->last, &next);
		lo = next;
		hi = q->hi;
	}
	jw_int(jw, next);
	st = worker_stmt(w, STMT_CANDLES_MORE, sql_candles_more);
	if (st == NULL || sqlite3_bind_int64(st, 1, q->symbol_id) ||
	    sqlite3_bind_int64(st, 2, intervals[q->iv].minutes) ||
	    sqlite3_bind_int64(st, 3, lo) ||
	    sqlite3_bind_int64(st, 4, hi) ||
	    sqlite3_step(st) != SQLITE_ROW)
		return worker_fail(w, "candles");
	more = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
out:
	jw_key(jw, "more");
	jw_bool(jw, more);
	return 0;
}

/* Fills q from the query; HTTP_OK or an error already answered. */
static enum http_status
candles_query(struct req *req, struct candles_q *q)
{
	const struct params *p = &req->params;

	q->iv = p->interval;	/* IV_1M (0) when absent */
	q->limit = p->present & PBIT(P_LIMIT) ? p->limit :
	    CANDLES_LIMIT_DEFAULT;
	q->latest = !(p->present & PBIT(P_FROM));
	q->hi = p->present & PBIT(P_TO) ? p->to : TS_MAX + 1;
	q->n = 0;
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
	/* A 1w bucket may start before 1970: the latest from INT64_MIN. */
	q.lo = q.latest ? INT64_MIN :
	    interval_bucket(&w->cal, q.iv, req->params.from, NULL);
	q.live = interval_bucket(&w->cal, q.iv, now, NULL);
	jw_obj_open(&jw);
	jw_kv_int(&jw, "cursor", cursor);
	jw_kv_strz(&jw, "symbol", req->params.symbol);
	jw_kv_strz(&jw, "interval", intervals[q.iv].name);
	jw_kv_strz(&jw, "tz", w->cal.zone);
	if (candles_list(w, &q, &jw) == -1 || candles_next(w, &q, &jw) == -1 ||
	    worker_end(w) == -1)
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

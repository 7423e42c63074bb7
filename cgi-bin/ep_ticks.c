/*
 * GET /api/v1/ticks?symbol=S[&since=ID][&before=ID][&from=T][&to=T]
 *                  [&order=asc|desc][&limit=N]
 *
 * {"cursor":N,"symbol":S,"ticks":[{"id":ID,"ts":MS,"price":P,"size":Z}],
 *  "next":ID,"more":BOOL}
 *
 * The symbol's ticks with since < id < before (defaults 0 and none) and
 * from <= ts < to (defaults: all time), by id (the commit order: a late
 * tick comes where it arrived), oldest first or with order=desc newest
 * first, at most limit (default 100, 1..10000).  next is the id of the
 * last tick listed; more says whether another page follows: ask again
 * with since=next (asc) or before=next (desc).  None listed: next is
 * since (asc), or before, else cursor + 1 (desc: the same range again).
 * since beyond the cursor is 400; since older than pruned history (meta
 * pruned_through_id) is 410, never a silent gap.  before must be above
 * since; it is checked against neither.
 *
 * With from or to, the scan in id order is bounded first: the ticks in
 * [from, to) lie in candle buckets whose first_id/last_id say the
 * smallest and largest id they hold, and interval_cover() names at most
 * seven runs of 1m/1h/1d/1w buckets that make up the range, so the bounds
 * cost a few hundred candle rows a year at most and the scan starts at
 * the first id that can match, late ticks included (a late tick raises
 * its buckets' last_id).  XXX A range whose ticks are few but whose ids
 * are far apart (a late tick that arrived much later) still walks the
 * ids between them.
 */
#include "edge.h"
#include "ep.h"
#include "timeutil.h"

#define TICKS_LIMIT_DEFAULT	100

/*
 * +ts: the (symbol_id, id) index, never the ts one plus a sort; forwards
 * or backwards, so that the scan stops after the page.
 */
#define TICKS_SELECT							\
    "SELECT id, ts, price, size FROM ticks"				\
    " WHERE symbol_id = ?1 AND id > ?2 AND id <= ?6"			\
    " AND +ts >= ?3 AND +ts < ?4"
static const char sql_ticks[] = TICKS_SELECT " ORDER BY id LIMIT ?5";
static const char sql_ticks_desc[] = TICKS_SELECT
    " ORDER BY id DESC LIMIT ?5";

static const char sql_ticks_range[] =
    "SELECT min(first_id), max(last_id) FROM candles"
    " WHERE symbol_id = ?1 AND iv = ?2 AND t >= ?3 AND t < ?4";

struct ticks_q {
	long long	 symbol_id;
	int		 decimals;
	int		 desc;
	int64_t		 since, before, from, to, limit;
	int64_t		 lo, hi;	/* the ids scanned: (lo, hi] */
	int64_t		 none;		/* next when none is listed */
};

/*
 * Narrows (q->lo, q->hi] to the ids (since, before) holds and [from, to)
 * can hold; 0 or -1.
 */
static int
ticks_bounds(struct worker *w, struct ticks_q *q)
{
	struct interval_span	 sp[INTERVAL_COVER_MAX];
	sqlite3_stmt		*st;
	int64_t			 first = INT64_MAX, last = 0;
	size_t			 i, n;

	q->lo = q->since;
	q->hi = q->before - 1;
	if (q->from == TS_MIN && q->to == TS_MAX + 1)
		return 0;
	n = interval_cover(&w->cal, q->from, q->to, sp);
	for (i = 0; i < n; i++) {
		st = worker_stmt(w, STMT_TICKS_RANGE, sql_ticks_range);
		if (st == NULL || sqlite3_bind_int64(st, 1, q->symbol_id) ||
		    sqlite3_bind_int64(st, 2, intervals[sp[i].iv].minutes) ||
		    sqlite3_bind_int64(st, 3, sp[i].lo) ||
		    sqlite3_bind_int64(st, 4, sp[i].hi) ||
		    sqlite3_step(st) != SQLITE_ROW)
			return worker_fail(w, "ticks range");
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			if (sqlite3_column_int64(st, 0) < first)
				first = sqlite3_column_int64(st, 0);
			if (sqlite3_column_int64(st, 1) > last)
				last = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
	}
	if (first - 1 > q->lo)
		q->lo = first - 1;	/* none: lo > hi = 0, an empty scan */
	if (last < q->hi)
		q->hi = last;
	return 0;
}

/* Lists the ticks; 0, or -1 after worker_fail(). */
static int
ticks_list(struct worker *w, const struct ticks_q *q, struct buf *jw)
{
	sqlite3_stmt	*st;
	struct tick	 t = { .decimals = q->decimals };
	int64_t		 n = 0, next = q->none;
	int		 rc = SQLITE_DONE;

	st = q->desc ? worker_stmt(w, STMT_TICKS_DESC, sql_ticks_desc) :
	    worker_stmt(w, STMT_TICKS, sql_ticks);
	if (st == NULL || sqlite3_bind_int64(st, 1, q->symbol_id) ||
	    sqlite3_bind_int64(st, 2, q->lo) ||
	    sqlite3_bind_int64(st, 3, q->from) ||
	    sqlite3_bind_int64(st, 4, q->to) ||
	    sqlite3_bind_int64(st, 5, q->limit + 1) ||
	    sqlite3_bind_int64(st, 6, q->hi))
		return worker_fail(w, "ticks");
	jw_key(jw, "ticks");
	jw_arr_open(jw);
	while (n < q->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		t.id = next = sqlite3_column_int64(st, 0);
		t.ts = sqlite3_column_int64(st, 1);
		t.price = sqlite3_column_int64(st, 2);
		t.size = sqlite3_column_int64(st, 3);
		jw_tick(jw, &t);
		n++;
	}
	if (n == q->limit)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return worker_fail(w, "ticks");
	jw_arr_close(jw);
	jw_kv_int(jw, "next", next);
	jw_key(jw, "more");
	jw_bool(jw, rc == SQLITE_ROW);
	sqlite3_reset(st);
	return 0;
}

/*
 * The checks that need the store: the symbol, the cursor range.  Returns
 * HTTP_OK, an error already answered (any other status), or -1 after a
 * database failure.
 */
static int
ticks_check(struct req *req, struct worker *w, struct ticks_q *q,
    long long cursor)
{
	long long	pruned;
	int		rc, edge = 0;

	if ((rc = ep_symbol_lookup(w, req->params.symbol, &q->symbol_id,
	    &q->decimals)) == -1)
		return -1;
	if (rc == 0) {
		reply_error(req, HTTP_NOT_FOUND, "unknown_symbol",
		    "unknown symbol '%s'", req->params.symbol);
		return HTTP_NOT_FOUND;
	}
	if (q->since > cursor && (edge = edge_here(w)) == -1)
		return -1;
	if (q->since > cursor && !edge) {
		reply_error(req, HTTP_BAD_REQUEST, "bad_cursor", "since is "
		    "beyond the newest tick id %lld", cursor);
		return HTTP_BAD_REQUEST;
	}
	if (db_meta_get(w->db, "pruned_through_id", 0, &pruned) == -1)
		return worker_fail(w, "meta");
	if ((req->params.present & PBIT(P_SINCE)) && q->since < pruned) {
		reply_error(req, HTTP_GONE, "cursor_pruned", "ticks up to id "
		    "%lld were pruned; since must be >= %lld", pruned, pruned);
		return HTTP_GONE;
	}
	return HTTP_OK;
}

enum handler_result
ep_ticks(struct req *req, struct worker *w)
{
	const struct params	*p = &req->params;
	struct ticks_q		 q;
	struct buf		 jw;
	long long		 cursor;
	int			 rc;

	q.desc = p->desc;
	q.since = p->present & PBIT(P_SINCE) ? p->since : 0;
	q.before = p->present & PBIT(P_BEFORE) ? p->before : INT64_MAX;
	q.from = p->present & PBIT(P_FROM) ? p->from : TS_MIN;
	q.to = p->present & PBIT(P_TO) ? p->to : TS_MAX + 1;
	q.limit = p->present & PBIT(P_LIMIT) ? p->limit : TICKS_LIMIT_DEFAULT;
	if (q.from >= q.to) {
		reply_error(req, HTTP_BAD_REQUEST, "bad_value",
		    "from must be before to");
		return HANDLER_DONE;
	}
	if (q.before <= q.since) {
		reply_error(req, HTTP_BAD_REQUEST, "bad_value",
		    "before must be above since");
		return HANDLER_DONE;
	}
	buf_init(&jw);
	if (worker_begin(w, &cursor) == -1 ||
	    (rc = ticks_check(req, w, &q, cursor)) == -1)
		goto dbfail;
	if (rc != HTTP_OK) {
		worker_end(w);
		return HANDLER_DONE;
	}
	q.none = !q.desc ? q.since : p->present & PBIT(P_BEFORE) ? q.before :
	    cursor + 1;
	jw_obj_open(&jw);
	/* An edge behind the client's cursor: nothing after it yet. */
	jw_kv_int(&jw, "cursor", q.since > cursor ? q.since : cursor);
	jw_kv_strz(&jw, "symbol", p->symbol);
	if (ticks_bounds(w, &q) == -1 || ticks_list(w, &q, &jw) == -1 ||
	    worker_end(w) == -1)
		goto dbfail;
	jw_obj_close(&jw);
	ep_send(req, w, &jw, 0);
	return HANDLER_DONE;
dbfail:
	buf_free(&jw);
	reply_db_unavailable(req, w);
	return HANDLER_DONE;
}

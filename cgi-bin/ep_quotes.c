/*
 * GET /api/v1/quotes[?symbols=A,B,...]
 *
 * {"cursor":N,"quotes":[{"symbol":S,"id":ID,"ts":MS,"price":P,"size":Z}]}
 * The latest tick (by time) of each symbol asked for, in the order asked;
 * without symbols=, every symbol that has a tick, by name.  An unknown
 * symbol: 404 unknown_symbol.
 */
#include "ep.h"

#define QUOTE_COLS "symbol, decimals, last_id, last_ts, last_price, last_size"

static void
quote_write(struct buf *jw, sqlite3_stmt *st)
{
	int decimals = sqlite3_column_int(st, 1);

	jw_obj_open(jw);
	jw_kv_strz(jw, "symbol", (const char *)sqlite3_column_text(st, 0));
	jw_kv_int(jw, "id", sqlite3_column_int64(st, 2));
	jw_kv_int(jw, "ts", sqlite3_column_int64(st, 3));
	jw_kv_price(jw, "price", sqlite3_column_int64(st, 4), decimals);
	jw_kv_int(jw, "size", sqlite3_column_int64(st, 5));
	jw_obj_close(jw);
}

/* Every symbol with a tick.  0 or -1 (worker failed). */
static int
quotes_all(struct worker *w, struct buf *jw)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = worker_stmt(w, STMT_SYMBOLS_ALL, "SELECT " QUOTE_COLS
	    " FROM symbols WHERE last_id > 0 ORDER BY symbol");
	if (st == NULL)
		return worker_fail(w, "quotes");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		quote_write(jw, st);
	if (rc != SQLITE_DONE)
		return worker_fail(w, "quotes");
	return 0;
}

/* The symbols asked for: 1 all found, 0 *missing is unknown, -1 error. */
static int
quotes_some(struct worker *w, const struct params *p, struct buf *jw,
    const char **missing)
{
	sqlite3_stmt	*st = NULL;
	size_t		 i;
	int		 rc;

	for (i = 0; i < p->symbols.n; i++) {
		st = worker_stmt(w, STMT_QUOTE, "SELECT " QUOTE_COLS
		    " FROM symbols WHERE symbol = ?1");
		if (st == NULL || sqlite3_bind_text(st, 1, p->symbols.name[i],
		    -1, SQLITE_STATIC) != SQLITE_OK)
			return worker_fail(w, "quote");
		if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
			*missing = p->symbols.name[i];
			return 0;
		}
		if (rc != SQLITE_ROW)
			return worker_fail(w, "quote");
		quote_write(jw, st);
	}
	sqlite3_reset(st);
	return 1;
}

enum handler_result
ep_quotes(struct req *req, struct worker *w)
{
	struct buf	 jw;
	long long	 cursor;
	const char	*missing = NULL;
	int		 rc;

	buf_init(&jw);
	if (worker_begin(w, &cursor) == -1)
		goto dbfail;
	jw_obj_open(&jw);
	jw_kv_int(&jw, "cursor", cursor);
	jw_key(&jw, "quotes");
	jw_arr_open(&jw);
	if (req->params.present & PBIT(P_SYMBOLS))
		rc = quotes_some(w, &req->params, &jw, &missing);
	else
		rc = quotes_all(w, &jw);
	if (rc == -1 || worker_end(w) == -1)
		goto dbfail;
	jw_arr_close(&jw);
	jw_obj_close(&jw);
	if (missing != NULL)
		reply_error(req, HTTP_NOT_FOUND, "unknown_symbol",
		    "unknown symbol '%s'", missing);
	else
		ep_send(req, w, &jw, 0);
	buf_free(&jw);
	return HANDLER_DONE;
dbfail:
	buf_free(&jw);
	reply_db_unavailable(req, w);
	return HANDLER_DONE;
}

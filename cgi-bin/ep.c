/* What the endpoints share (ep.h). */
#include "ep.h"
#include "routes.h"

/* Takes jw's bytes; answers 503 when building them ran out of memory. */
static char *
ep_body(struct req *req, struct buf *jw, size_t *len)
{
	char *body;

	if ((body = buf_take(jw, len)) == NULL)
		reply_error(req, HTTP_UNAVAILABLE, "out_of_memory",
		    "out of memory");
	return body;
}

void
ep_send(struct req *req, struct worker *w, struct buf *jw, int64_t expires_ms)
{
	struct answer	 a;
	char		*body;
	size_t		 len;

	if ((body = ep_body(req, jw, &len)) == NULL)
		return;
	if (answer_build(&a, "application/json", CACHE_REVALIDATE, body,
	    len) == -1) {
		reply_error(req, HTTP_UNAVAILABLE, "out_of_memory",
		    "out of memory");
		return;
	}
	reply_answer(req, &a);
	cache_put(&w->cache, req->route_id, req->query, &a, expires_ms);
}

void
ep_send_uncached(struct req *req, struct buf *jw)
{
	char	*body;
	size_t	 len;

	if ((body = ep_body(req, jw, &len)) != NULL)
		reply_json(req, CACHE_NONE, body, len);
}

int
ep_symbol_lookup(struct worker *w, const char *symbol, long long *id,
    int *decimals)
{
	sqlite3_stmt *st;

	st = worker_stmt(w, STMT_SYMBOL,
	    "SELECT id, decimals FROM symbols WHERE symbol = ?1");
	if (st == NULL ||
	    sqlite3_bind_text(st, 1, symbol, -1, SQLITE_STATIC) != SQLITE_OK)
		return worker_fail(w, "symbol");
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*id = sqlite3_column_int64(st, 0);
		*decimals = sqlite3_column_int(st, 1);
		sqlite3_reset(st);
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		return worker_fail(w, "symbol");
	}
}

/* The newest tick time over all symbols; 1 found, 0 none, -1 error. */
int
ep_newest_tick(struct worker *w, long long *ts)
{
	sqlite3_stmt *st;

	st = worker_stmt(w, STMT_HEALTH,
	    "SELECT max(last_ts) FROM symbols WHERE last_id > 0");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return worker_fail(w, "health");
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return 0;
	}
	*ts = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 1;
}

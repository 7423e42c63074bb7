/* What the endpoints share (ep.h). */
#include <string.h>

#include "ep.h"
#include "hash.h"
#include "price.h"

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
	struct cached	*c;
	char		*body;
	size_t		 len;

	if ((body = ep_body(req, jw, &len)) == NULL)
		return;
	if (answer_build(&a, "application/json", CACHE_REVALIDATE, body,
	    len) == -1)
		goto oom;
	if (!req->computing) {
		reply_answer(req, &a);
		answer_free(&a);
		return;
	}
	req->computing = 0;
	if ((c = cache_put(req->route_id, req->query, req->token, &a,
	    expires_ms)) == NULL)
		goto oom;
	reply_answer(req, &c->a);
	memo_put(&w->memo, req->route_id, req->query, w->data_version,
	    req->token, c);
	return;
oom:
	reply_error(req, HTTP_UNAVAILABLE, "out_of_memory", "out of memory");
}

/* One symbol's newest tick id into the token: 1 found, 0 not, -1 error. */
static int
ep_token_symbol(struct worker *w, const char *symbol, uint64_t *h)
{
	sqlite3_stmt	*st;
	long long	 v;
	int		 rc;

	st = worker_stmt(w, STMT_TOKEN_SYMBOL,
	    "SELECT seq_id FROM symbols WHERE symbol = ?1");
	if (st == NULL ||
	    sqlite3_bind_text(st, 1, symbol, -1, SQLITE_STATIC) != SQLITE_OK)
		return worker_fail(w, "token");
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return worker_fail(w, "token");
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*h = hash64(*h, &v, sizeof(v));
	return 1;
}

/* The token's parts by the route's deps; ep_token's return values. */
static int
ep_token_deps(struct req *req, struct worker *w, enum cache_deps deps,
    long long cursor, uint64_t *h)
{
	const struct symset	*set = &req->params.symbols;
	size_t			 i;
	int			 rc;

	switch (deps) {
	case DEPS_SYMBOL:
		rc = ep_token_symbol(w, req->params.symbol, h);
		return rc == 1 ? 0 : rc == 0 ? 1 : -1;
	case DEPS_SYMBOLS:
		for (i = 0; i < set->n; i++)
			if ((rc = ep_token_symbol(w, set->name[i], h)) != 1)
				return rc == 0 ? 1 : -1;
		if (set->n > 0)
			return 0;
		/* FALLTHROUGH */
	default:
		*h = hash64(*h, &cursor, sizeof(cursor));
		return 0;
	}
}

int
ep_token(struct req *req, struct worker *w, enum cache_deps deps,
    uint64_t *token)
{
	sqlite3_stmt	*st;
	uint64_t	 h = HASH64_INIT;
	long long	 cursor, pruned;
	int		 rc;

	if (worker_begin(w, &cursor) == -1)
		return -1;
	if ((rc = ep_token_deps(req, w, deps, cursor, &h)) == -1)
		return -1;
	st = worker_stmt(w, STMT_PRUNED, "SELECT value FROM meta"
	    " WHERE key = 'pruned_through_id'");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return worker_fail(w, "token");
	pruned = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (worker_end(w) == -1)
		return -1;
	h = hash64(h, &pruned, sizeof(pruned));
	/* Days and weeks are the zone's: set-tz changes every answer. */
	h = hash64(h, w->cal.zone, strlen(w->cal.zone));
	*token = h != 0 ? h : 1;
	return rc;
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

void
ep_candle_fields(struct buf *jw, sqlite3_stmt *st, int col, int decimals)
{
	int64_t vwap;

	jw_kv_price(jw, "open", sqlite3_column_int64(st, col), decimals);
	jw_kv_price(jw, "high", sqlite3_column_int64(st, col + 1), decimals);
	jw_kv_price(jw, "low", sqlite3_column_int64(st, col + 2), decimals);
	jw_kv_price(jw, "close", sqlite3_column_int64(st, col + 3), decimals);
	jw_kv_int(jw, "volume", sqlite3_column_int64(st, col + 4));
	jw_kv_int(jw, "trades", sqlite3_column_int64(st, col + 5));
	jw_key(jw, "vwap");
	if (sqlite3_column_type(st, col + 6) != SQLITE_NULL &&
	    sqlite3_column_type(st, col + 7) != SQLITE_NULL &&
	    price_vwap(sqlite3_column_int64(st, col + 6),
	    sqlite3_column_int64(st, col + 7),
	    sqlite3_column_int64(st, col + 4), decimals, &vwap) == 0)
		jw_price(jw, vwap, decimals);
	else
		jw_null(jw);
}

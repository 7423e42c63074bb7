#include <string.h>

#include "auth.h"
#include "ep.h"
#include "routes.h"

#define BODY_DRAIN_MAX	(64 * 1024)	/* bytes read of an unwanted body */

#define SYM	PBIT(P_SYMBOL)
#define SYMS	PBIT(P_SYMBOLS)
#define RANGE	(PBIT(P_FROM) | PBIT(P_TO) | PBIT(P_LIMIT))

const struct route routes[ROUTE__MAX] = {
	[R_SYMBOLS] = { R_SYMBOLS, "symbols", ep_symbols, 0, 0,
	    ROUTE_DB | ROUTE_CACHED, DEPS_ALL },
	[R_QUOTES] = { R_QUOTES, "quotes", ep_quotes, SYMS, 0,
	    ROUTE_DB | ROUTE_CACHED, DEPS_SYMBOLS },
	[R_TICKS] = { R_TICKS, "ticks", ep_ticks, SYM | PBIT(P_SINCE) | RANGE |
	    PBIT(P_BEFORE) | PBIT(P_ORDER), SYM, ROUTE_DB | ROUTE_CACHED,
	    DEPS_SYMBOL },
	[R_CANDLES] = { R_CANDLES, "candles", ep_candles,
	    SYM | PBIT(P_INTERVAL) | RANGE, SYM, ROUTE_DB | ROUTE_CACHED,
	    DEPS_SYMBOL },
	/* poll and stream open the store themselves, only when they must. */
	[R_POLL] = { R_POLL, "poll", ep_poll,
	    SYMS | PBIT(P_SINCE) | PBIT(P_TIMEOUT), 0, 0, DEPS_NONE },
	[R_STREAM] = { R_STREAM, "stream", ep_stream,
	    SYMS | PBIT(P_LAST_EVENT_ID), 0, 0, DEPS_NONE },
	/* Load balancers and monitors probe it without a key (auth.h). */
	[R_HEALTH] = { R_HEALTH, "health", ep_health, 0, 0,
	    ROUTE_DB | ROUTE_OPEN, DEPS_NONE },
	[R_METRICS] = { R_METRICS, "metrics", ep_metrics, 0, 0, 0,
	    DEPS_NONE },
};

const char *
route_name(int id)
{
	return id >= 0 && id < ROUTE__MAX ? routes[id].path : "none";
}

const struct route *
route_find(const struct req *req)
{
	const char	*path, *name, *end;
	size_t		 n;
	int		 i;

	path = req_getenv(req, "PATH_INFO");
	if (path == NULL || *path == '\0')
		path = req_getenv(req, "REQUEST_URI");
	if (path == NULL || (name = strstr(path, API_PREFIX)) == NULL)
		return NULL;
	name += strlen(API_PREFIX);
	if ((end = strchr(name, '?')) == NULL)
		end = name + strlen(name);
	n = (size_t)(end - name);
	for (i = 0; i < ROUTE__MAX; i++)
		if (strlen(routes[i].path) == n &&
		    memcmp(routes[i].path, name, n) == 0)
			return routes[i].fn != NULL ? &routes[i] : NULL;
	return NULL;
}

/* RFC 3875 4.1.2: a request body announced by CONTENT_LENGTH. */
static int
route_has_body(const struct req *req)
{
	const char *cl = req_getenv(req, "CONTENT_LENGTH");

	return cl != NULL && *cl != '\0' && strcmp(cl, "0") != 0;
}

/*
 * An answer this worker served before and still knows valid: while no
 * commit came (data_version), or, with token, for the same token.  1
 * served, 0 not.
 */
static int
route_memo(struct req *req, struct worker *w, uint64_t token)
{
	struct cached *c;

	if ((c = memo_get(&w->memo, req->route_id, req->query,
	    w->data_version, token, app_now_ms())) == NULL)
		return 0;
	reply_answer(req, &c->a);
	return 1;
}

/*
 * A commit came since: reads what the answer depends on (its token), and
 * serves the answer made for it, from this worker's memo or the shared
 * cache.  Returns 1 when answered (served, or a 503), 0 to run the
 * handler, which then computes the answer for everyone (req->computing).
 */
static int
route_shared(struct req *req, struct worker *w)
{
	struct cached	*c;
	uint64_t	 token;

	switch (ep_token(req, w, req->route->deps, &token)) {
	case -1:
		reply_db_unavailable(req, w);
		return 1;
	case 1:
		return 0;	/* not for the cache (an unknown symbol) */
	}
	if (route_memo(req, w, token))
		return 1;
	if ((c = cache_get(req->route_id, req->query, token,
	    app_now_ms())) == NULL) {
		req->token = token;
		req->computing = 1;
		return 0;
	}
	reply_answer(req, &c->a);
	memo_put(&w->memo, req->route_id, req->query, w->data_version, token,
	    c);
	return 1;
}

enum handler_result
route_dispatch(struct req *req, struct worker *w)
{
	const struct route	*r;
	struct param_error	 err;
	enum http_status	 st;
	enum handler_result	 res;
	int			 ready = 0;

	if ((r = route_find(req)) == NULL) {
		reply_error(req, HTTP_NOT_FOUND, "not_found", "no such "
		    "endpoint; see API.md");
		return HANDLER_DONE;
	}
	req->route = r;
	req->route_id = (int)r->id;
	if (req->method == METHOD_OTHER) {
		reply_error(req, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
		    "only GET, HEAD and OPTIONS");
		return HANDLER_DONE;
	}
	if (req->method == METHOD_OPTIONS) {
		reply_preflight(req);
		return HANDLER_DONE;
	}
	/* Before anything is served, cached answers included. */
	if (!(r->flags & ROUTE_OPEN) && !auth_check(req))
		return HANDLER_DONE;
	if (route_has_body(req)) {
		req_drain(req, BODY_DRAIN_MAX);
		reply_error(req, HTTP_PAYLOAD_TOO_LARGE, "payload_too_large",
		    "requests take no body");
		return HANDLER_DONE;
	}
	if (r->flags & ROUTE_DB)
		ready = worker_ready(w);
	/* An answer was made from a valid query: serve it first. */
	if (ready == 0 && (r->flags & ROUTE_CACHED) && route_memo(req, w, 0))
		return HANDLER_DONE;
	st = params_parse(req->query, r->allowed, r->required, &req->params,
	    &err);
	if (st != HTTP_OK) {
		reply_error(req, st, err.code, "%s", err.msg);
		return HANDLER_DONE;
	}
	if (ready == -1) {
		reply_db_unavailable(req, w);
		return HANDLER_DONE;
	}
	if ((r->flags & ROUTE_CACHED) && route_shared(req, w))
		return HANDLER_DONE;
	res = r->fn(req, w);
	/* Parked, the request is the dispatcher's: maybe finished already. */
	if (res == HANDLER_PARKED)
		return res;
	if (req->computing)	/* it answered something else: an error */
		cache_cancel(req->route_id, req->query);
	req->computing = 0;
	return res;
}

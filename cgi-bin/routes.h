/*
 * The closed table of endpoints (bgplgd's cmds[]): path under /api/v1/,
 * handler, the query keys it takes and needs, whether it reads the
 * database and whether its answers are cached until the next commit.
 */
#ifndef TICKFEED_ROUTES_H
#define TICKFEED_ROUTES_H

#include "cache.h"
#include "req.h"

#define API_PREFIX	"/api/v1/"

enum route_id {
	R_SYMBOLS,
	R_QUOTES,
	R_TICKS,
	R_CANDLES,
	R_POLL,
	R_STREAM,
	R_HEALTH,
	R_METRICS,
	ROUTE__MAX
};

#define ROUTE_DB	0x01	/* worker_ready() before the handler */
#define ROUTE_CACHED	0x02	/* answered from the shared cache (cache.h) */
#define ROUTE_OPEN	0x04	/* answers without a key when keys are on */


struct route {
	enum route_id	 id;
	const char	*path;
	handler_fn	 fn;		/* NULL: not built in, answers 404 */
	unsigned	 allowed;	/* PBIT()s */
	unsigned	 required;
	int		 flags;
	enum cache_deps	 deps;		/* ROUTE_CACHED: what answers need */
};

extern const struct route routes[ROUTE__MAX];

/* The path of route id ("symbols", ...), "none" out of range. */
const char		*route_name(int id);

/*
 * The route named by PATH_INFO, else by REQUEST_URI's path: whatever
 * follows the first "/api/v1/".  NULL when there is none.
 */
const struct route	*route_find(const struct req *);

/*
 * Answers one request on a worker: routes, checks the method, the key
 * (auth.h) and the query, serves a cached answer or runs the handler.
 * Returns what the handler returned (HANDLER_DONE for anything answered
 * here).
 */
enum handler_result	 route_dispatch(struct req *, struct worker *);

#endif

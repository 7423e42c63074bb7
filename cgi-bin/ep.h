/*
 * Endpoint handlers, one file each (ep_NAME.c), and what they share
 * (ep.c; the waiting endpoints also ep_wait.h).  A handler runs after
 * routing, method and query checks (and worker_ready() for ROUTE_DB
 * routes), with the parsed query in req->params.  It answers through
 * reply.h and returns HANDLER_DONE, or keeps the request (HANDLER_PARKED)
 * and arranges for req_finish() later.
 */
#ifndef TICKFEED_EP_H
#define TICKFEED_EP_H

#include "config.h"
#include "jsonw.h"
#include "reply.h"
#include "req.h"
#include "worker.h"

enum handler_result	ep_symbols(struct req *, struct worker *);
enum handler_result	ep_quotes(struct req *, struct worker *);
enum handler_result	ep_ticks(struct req *, struct worker *);
enum handler_result	ep_candles(struct req *, struct worker *);
enum handler_result	ep_health(struct req *, struct worker *);
enum handler_result	ep_metrics(struct req *, struct worker *);
/* The waiting endpoints (ep_wait.h). */
enum handler_result	ep_poll(struct req *, struct worker *);
enum handler_result	ep_stream(struct req *, struct worker *);

/*
 * Shared by the read endpoints: sends jw's bytes (taken) as a 200 JSON
 * answer with an ETag.  When the request computes the shared answer
 * (req->computing), the answer is kept for every worker (cache.h) for as
 * long as its token holds, and until expires_ms (0: no time limit).  503
 * if jw failed.
 */
void	ep_send(struct req *, struct worker *, struct buf *,
	    int64_t expires_ms);
/* The same for answers that are neither cached nor given an ETag. */
void	ep_send_uncached(struct req *, struct buf *);

/*
 * What a cached answer depends on (deps, the route's), read
 * in one transaction and hashed into *token (never 0): the newest tick
 * id of each symbol it is about (of the store for every symbol), and
 * pruned_through_id.  Returns 0; 1 when the answer must not be cached (a
 * symbol the store does not know: the handler answers 404); -1 on SQL
 * error (worker_fail() already called).
 */
int	ep_token(struct req *, struct worker *, enum cache_deps deps,
	    uint64_t *token);

/*
 * Looks up a symbol: its id and print decimals.  1 found, 0 unknown,
 * -1 SQL error (worker_fail() already called).
 */
int	ep_symbol_lookup(struct worker *, const char *symbol,
	    long long *id, int *decimals);

/*
 * Writes a candle's "open" .. "vwap" keys from st's columns col ..
 * col + 7: open, high, low, close, volume, trades, notional_hi,
 * notional_lo (vwap null when the notional is NULL or the volume 0).
 */
void	ep_candle_fields(struct buf *, sqlite3_stmt *st, int col,
	    int decimals);

/* The newest tick time over all symbols: 1 found, 0 none, -1 error. */
int	ep_newest_tick(struct worker *, long long *ts);

#endif

/*
 * What the waiting endpoints (ep_poll.c, ep_stream.c) share: reading the
 * request's symbols and cursor, the fast path that parks without a query,
 * the checks against the store, answering at once, taking a slot and
 * parking.  And the table that registers each waiting endpoint's
 * wait_ops with the dispatcher (wait.c's essay: "A new waiting
 * endpoint").
 */
#ifndef TICKFEED_EP_WAIT_H
#define TICKFEED_EP_WAIT_H

#include "ep.h"
#include "wait.h"

/* One request's view: its symbols (sorted), its cursor, what it knows. */
struct wait_query {
	struct symset	syms;
	long long	since;
	long long	head;	/* newest id of the read transaction */
};

/* Each waiting endpoint's ops, by kind; main() hands it to wait_init(). */
extern const struct wait_ops	*const ep_wait_kinds[WAIT_KIND__MAX];
extern const struct wait_ops	 ep_poll_ops, ep_stream_ops;

/* wait_config.on_finish: a parked request ended; finishes and frees it. */
void	ep_wait_finish(void *owner, enum wait_kind, int status);

/*
 * The fast path: a GET whose symbols the dispatcher knows and whose
 * cursor lies within what it has read (from pruned history to its head;
 * none given: its head) needs no query and no check, so q is filled
 * without touching the store and the request parks.  1 done (q->head is
 * q->since: nothing is known past it), 0 take the slow path.
 */
int	ep_wait_at_head(struct req *, struct wait_query *q, int given,
	    long long since);
/*
 * The slow path: in a read transaction, checks the symbols (404 for one
 * the store has never seen) and the cursor (since; the newest id when
 * !given): beyond the newest id 400 (on an edge accepted: the request
 * waits for the edge to catch up, edge.h), older than pruned history 410.
 * Returns 0 with the transaction open, or -1 with the error answered and
 * the transaction closed.
 */
int	ep_wait_open(struct req *, struct worker *, struct wait_query *q,
	    int given, long long since);
/*
 * Joins the ticks after q->since up to q->head (at most WAIT_BATCH_MAX)
 * into ticks; *cursor is the one to send next.  Returns how many, or -1.
 */
long	ep_wait_gather(struct worker *, const struct wait_query *q,
	    struct buf *ticks, long long *cursor);
/* {"cursor":N,"ticks":[...]}: the body of a poll, the data of an event. */
void	ep_wait_body(struct buf *, long long cursor, const char *ticks,
	    size_t len);
/* Takes a waiting slot: 0, or -1 with the 503 answered. */
int	ep_wait_reserve(struct req *);
/*
 * Parks req (a slot reserved) with ticket t; returns HANDLER_PARKED, or
 * HANDLER_DONE when the client has gone already.
 */
enum handler_result ep_wait_park(struct req *, const struct wait_ticket *t);

#endif

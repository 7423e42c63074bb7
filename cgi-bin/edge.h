/*
 * The app on an edge (docs/scale.md): a store that tickfeed-ingest
 * replicate (or snapshot) writes says so in its meta table
 * (lib/replica.h), and the app reads it there, in the request's read
 * transaction; nothing is configured but how much lag health allows
 * (TICKFEED_MAX_LAG_MS).  What changes on an edge:
 *
 *   - a cursor beyond the edge's newest id came from a node further
 *     ahead: poll and stream wait for the edge to catch up, and ticks
 *     answers at once with nothing after it (ep_wait.c, ep_ticks.c),
 *     instead of 400 bad_cursor;
 *   - health adds "replica":{...}, and answers 503 when replicate
 *     stopped on an error or the lag is past TICKFEED_MAX_LAG_MS;
 *   - metrics adds the tickfeed_replication_* gauges.
 */
#ifndef TICKFEED_EDGE_H
#define TICKFEED_EDGE_H

#include <stdint.h>

#include "buf.h"
#include "req.h"
#include "worker.h"

struct edge_view {
	int		 edge;		/* the rest is set only when 1 */
	int		 state;		/* enum replica_state */
	long long	 pos_ms, pos_seq;
	int64_t		 lag_ms;
};

/*
 * Reads the store's replication facts in w's open read transaction.
 * 0, or -1 after worker_fail().
 */
int	edge_read(struct worker *, struct edge_view *);
/* 1 the store is an edge, 0 not, -1 after worker_fail(). */
int	edge_here(struct worker *);
/*
 * health on an edge: 0 when it is healthy (rv is added to jw as
 * "replica"), else 1 with the 503 answered (replica_stopped,
 * replica_lagging).  The read transaction is over.
 */
int	edge_health(struct req *, const struct edge_view *,
	    struct buf *jw);
/* metrics: the replication gauges, read in w's open transaction. */
void	edge_metrics(struct buf *out, struct worker *);

#endif

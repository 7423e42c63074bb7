/*
 * What an edge's store says about its replication, shared by the writer
 * of those facts (tickfeed-ingest replicate and snapshot) and their
 * reader (the app's health and metrics).  They live in the meta table
 * (integers), written in the same transactions as what they describe:
 *
 *   replica_pos_ms, replica_pos_seq   the stream entry ID (MS-SEQ) of the
 *                                     last entry applied; their presence
 *                                     makes the store an edge
 *   replica_origin_ms                 the origin's clock when it published
 *                                     that entry (the entry's t field)
 *   replica_seen_ms                   the edge's clock when replicate last
 *                                     knew it had every entry of the stream
 *   replica_state                     enum replica_state: why replicate
 *                                     stopped, or 0 while it follows
 *
 * The lag is now minus the later of replica_origin_ms and
 * replica_seen_ms (docs/scale.md).
 */
#ifndef TICKFEED_REPLICA_H
#define TICKFEED_REPLICA_H

#include <stdint.h>

#define REPLICA_KEY_POS_MS	"replica_pos_ms"
#define REPLICA_KEY_POS_SEQ	"replica_pos_seq"
#define REPLICA_KEY_ORIGIN_MS	"replica_origin_ms"
#define REPLICA_KEY_SEEN_MS	"replica_seen_ms"
#define REPLICA_KEY_STATE	"replica_state"

/*
 * Where replicate stands.  The values are stored: append only, never
 * renumber.  Every state but FOLLOWING and STOPPED needs someone to act:
 * health answers 503 for them at once.
 */
enum replica_state {
	REPLICA_FOLLOWING = 0,	/* running (or killed without a word) */
	REPLICA_STOPPED,	/* ended by SIGTERM/SIGINT */
	REPLICA_REDIS,		/* Redis unreachable when it started */
	REPLICA_GAP,		/* the stream no longer holds the next entry */
	REPLICA_FOREIGN,	/* an entry from another store (epoch) */
	REPLICA_MALFORMED,	/* an entry that does not parse */
	REPLICA_DIVERGED,	/* the stream and this store disagree */
	REPLICA_DB,		/* the store could not be written */
	REPLICA_STATE__MAX
};

/* "following", "stopped", "redis_unreachable", "gap", ...; NULL if none. */
const char	*replica_state_name(int state);
/* One sentence: what happened and what to do. */
const char	*replica_state_help(int state);
/* Whether the state needs someone to act (health fails at once). */
int		 replica_state_fatal(int state);

/* now - max(origin_ms, seen_ms), never below 0. */
int64_t		 replica_lag_ms(int64_t now, int64_t origin_ms, int64_t seen_ms);

#endif

/* The replication facts an edge's store keeps: see replica.h. */
#include <stddef.h>

#include "replica.h"

static const struct {
	const char	*name;
	const char	*help;
	int		 fatal;
} replica_states[REPLICA_STATE__MAX] = {
	[REPLICA_FOLLOWING] = { "following", "replicate follows the "
	    "stream", 0 },
	[REPLICA_STOPPED] = { "stopped", "replicate was stopped; start it "
	    "again", 0 },
	[REPLICA_REDIS] = { "redis_unreachable", "replicate could not reach "
	    "Redis when it started; start it again once Redis answers", 1 },
	[REPLICA_GAP] = { "gap", "the stream no longer holds the entry after "
	    "this edge's position (trimmed, or published from later on): "
	    "seed the edge again with tickfeed-ingest snapshot", 1 },
	[REPLICA_FOREIGN] = { "foreign_epoch", "an entry came from another "
	    "store than this edge's (epoch differs): check the stream name "
	    "and the origin, or seed the edge again", 1 },
	[REPLICA_MALFORMED] = { "malformed_entry", "a stream entry did not "
	    "parse: nothing of it was written; fix or remove the entry", 1 },
	[REPLICA_DIVERGED] = { "diverged", "the stream and this edge "
	    "disagree about a tick or a symbol: seed the edge again", 1 },
	[REPLICA_DB] = { "db_error", "replicate could not write this store: "
	    "see its log", 1 },
};

const char *
replica_state_name(int state)
{
	if (state < 0 || state >= REPLICA_STATE__MAX)
		return NULL;
	return replica_states[state].name;
}

const char *
replica_state_help(int state)
{
	if (state < 0 || state >= REPLICA_STATE__MAX)
		return "replicate recorded a state this tickfeed does not know";
	return replica_states[state].help;
}

int
replica_state_fatal(int state)
{
	if (state < 0 || state >= REPLICA_STATE__MAX)
		return 1;
	return replica_states[state].fatal;
}

int64_t
replica_lag_ms(int64_t now, int64_t origin_ms, int64_t seen_ms)
{
	int64_t last = origin_ms > seen_ms ? origin_ms : seen_ms;

	return now > last ? now - last : 0;
}

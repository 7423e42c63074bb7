/* The app on an edge: see edge.h. */
#include <string.h>

#include "config.h"
#include "edge.h"
#include "jsonw.h"
#include "metrics.h"
#include "replica.h"
#include "reply.h"

/* Every replica_* key of meta, in key order (the keys of lib/replica.h). */
static const char edge_sql[] = "SELECT key, value FROM meta"
    " WHERE key >= 'replica_' AND key < 'replica`'";

int
edge_read(struct worker *w, struct edge_view *rv)
{
	sqlite3_stmt	*st;
	const char	*k;
	int64_t		 v, origin = 0, seen = 0;
	int		 rc;

	memset(rv, 0, sizeof(*rv));
	if (sqlite3_prepare_v2(w->db, edge_sql, -1, &st, NULL) != SQLITE_OK)
		return worker_fail(w, "replica");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(st, 0);
		v = sqlite3_column_int64(st, 1);
		if (strcmp(k, REPLICA_KEY_STATE) == 0) {
			rv->edge = 1;
			rv->state = (int)v;
		} else if (strcmp(k, REPLICA_KEY_POS_MS) == 0)
			rv->pos_ms = v;
		else if (strcmp(k, REPLICA_KEY_POS_SEQ) == 0)
			rv->pos_seq = v;
		else if (strcmp(k, REPLICA_KEY_ORIGIN_MS) == 0)
			origin = v;
		else if (strcmp(k, REPLICA_KEY_SEEN_MS) == 0)
			seen = v;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return worker_fail(w, "replica");
	rv->lag_ms = replica_lag_ms(app_now_ms(), origin, seen);
	return 0;
}

int
edge_here(struct worker *w)
{
	struct edge_view rv;

	return edge_read(w, &rv) == -1 ? -1 : rv.edge;
}

/* The state's name, or "unknown" for one this app does not know. */
static const char *
edge_name(int state)
{
	const char *s = replica_state_name(state);

	return s != NULL ? s : "unknown";
}

int
edge_health(struct req *req, const struct edge_view *rv,
    struct buf *jw)
{
	if (replica_state_fatal(rv->state)) {
		reply_error(req, HTTP_UNAVAILABLE, "replica_stopped",
		    "replicate stopped (%s) at stream entry %lld-%lld: %s",
		    edge_name(rv->state), rv->pos_ms, rv->pos_seq,
		    replica_state_help(rv->state));
		return 1;
	}
	if (cfg.max_lag_ms > 0 && rv->lag_ms > cfg.max_lag_ms) {
		reply_error(req, HTTP_UNAVAILABLE, "replica_lagging",
		    "replication lag %lld ms is past TICKFEED_MAX_LAG_MS "
		    "(%lld ms); this edge is at stream entry %lld-%lld, "
		    "replicate %s", (long long)rv->lag_ms,
		    (long long)cfg.max_lag_ms, rv->pos_ms, rv->pos_seq,
		    rv->state == REPLICA_STOPPED ? "stopped" : "following");
		return 1;
	}
	jw_key(jw, "replica");
	jw_obj_open(jw);
	jw_kv_strz(jw, "state", edge_name(rv->state));
	jw_key(jw, "position");
	buf_printf(jw, "\"%lld-%lld\"", rv->pos_ms, rv->pos_seq);
	jw_kv_int(jw, "lag_ms", rv->lag_ms);
	jw_kv_int(jw, "max_lag_ms", cfg.max_lag_ms);
	jw_obj_close(jw);
	return 0;
}

void
edge_metrics(struct buf *out, struct worker *w)
{
	struct edge_view	rv;
	int			s;

	if (edge_read(w, &rv) == -1)
		return;
	buf_addz(out, "# HELP tickfeed_replica Whether the store is an edge "
	    "that tickfeed-ingest replicate writes.\n"
	    "# TYPE tickfeed_replica gauge\n");
	metrics_line(out, "tickfeed_replica %d\n", rv.edge);
	if (!rv.edge)
		return;
	buf_addz(out, "# HELP tickfeed_replication_lag_seconds Now minus when "
	    "the edge last had every entry the origin had published.\n"
	    "# TYPE tickfeed_replication_lag_seconds gauge\n");
	metrics_line(out, "tickfeed_replication_lag_seconds %.3f\n",
	    (double)rv.lag_ms / 1e3);
	buf_addz(out, "# HELP tickfeed_replication_max_lag_seconds "
	    "TICKFEED_MAX_LAG_MS: health answers 503 past it (0: never).\n"
	    "# TYPE tickfeed_replication_max_lag_seconds gauge\n");
	metrics_line(out, "tickfeed_replication_max_lag_seconds %.3f\n",
	    (double)cfg.max_lag_ms / 1e3);
	buf_addz(out, "# HELP tickfeed_replication_position The cursor of the "
	    "last stream entry applied.\n"
	    "# TYPE tickfeed_replication_position gauge\n");
	metrics_line(out, "tickfeed_replication_position %lld\n", rv.pos_ms);
	buf_addz(out, "# HELP tickfeed_replication_state What replicate last "
	    "recorded (1: the current state).\n"
	    "# TYPE tickfeed_replication_state gauge\n");
	for (s = 0; s < REPLICA_STATE__MAX; s++)
		metrics_line(out, "tickfeed_replication_state{state=\"%s\"} "
		    "%d\n", edge_name(s), rv.state == s);
}

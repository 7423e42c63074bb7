/*
 * GET /api/v1/health
 *
 * {"status":"ok","cursor":N,"newest_tick_ts":MS,"newest_tick_age_ms":MS}
 * (both times null while the store is empty).  A database that cannot be
 * used answers 503 with the reason before this handler runs.  On an edge
 * (edge.h) the answer adds
 * "replica":{"state":S,"position":"MS-SEQ","lag_ms":L,"max_lag_ms":M},
 * and is 503 replica_stopped or replica_lagging when the edge should be
 * taken out of the balancer.
 */
#include "edge.h"
#include "ep.h"
#include "jsonw.h"

enum handler_result
ep_health(struct req *req, struct worker *w)
{
	struct edge_view rv;
	struct buf	 jw;
	long long	 cursor, ts = 0;
	int		 have;

	if (worker_begin(w, &cursor) == -1 ||
	    (have = ep_newest_tick(w, &ts)) == -1 || edge_read(w, &rv) == -1 ||
	    worker_end(w) == -1) {
		reply_db_unavailable(req, w);
		return HANDLER_DONE;
	}
	buf_init(&jw);
	jw_obj_open(&jw);
	jw_kv_strz(&jw, "status", "ok");
	jw_kv_int(&jw, "cursor", cursor);
	jw_key(&jw, "newest_tick_ts");
	have ? jw_int(&jw, ts) : jw_null(&jw);
	jw_key(&jw, "newest_tick_age_ms");
	have ? jw_int(&jw, app_now_ms() - ts) : jw_null(&jw);
	if (rv.edge && edge_health(req, &rv, &jw) == 1) {
		buf_free(&jw);
		return HANDLER_DONE;
	}
	jw_obj_close(&jw);
	ep_send_uncached(req, &jw);
	return HANDLER_DONE;
}

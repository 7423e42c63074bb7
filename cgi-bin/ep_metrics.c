/*
 * GET /api/v1/metrics: Prometheus text format (version 0.0.4).  Besides
 * the process counters (metrics.c): whether the database can be read, the
 * cursor and the age of the newest tick, read through this thread's handle.
 */
#include <stdio.h>

#include "ep.h"
#include "metrics.h"

static void
metrics_db(struct jw *out, struct worker *w)
{
	long long	 cursor, ts;
	char		 line[320];
	int		 up;

	up = worker_ready(w) == 0 && worker_begin(w, &cursor) == 0;
	snprintf(line, sizeof(line), "# HELP tickfeed_db_up Whether the tick "
	    "store can be read.\n# TYPE tickfeed_db_up gauge\n"
	    "tickfeed_db_up %d\n", up);
	jw_rawz(out, line);
	if (!up)
		return;
	snprintf(line, sizeof(line), "# TYPE tickfeed_cursor gauge\n"
	    "tickfeed_cursor %lld\n", cursor);
	jw_rawz(out, line);
	if (ep_newest_tick(w, &ts) == 1) {
		snprintf(line, sizeof(line), "# HELP tickfeed_newest_tick_age_"
		    "seconds Now minus the newest tick's time.\n# TYPE "
		    "tickfeed_newest_tick_age_seconds gauge\n"
		    "tickfeed_newest_tick_age_seconds %.3f\n",
		    (double)(app_now_ms() - ts) / 1e3);
		jw_rawz(out, line);
	}
	if (w->db != NULL)
		worker_end(w);
}

enum handler_result
ep_metrics(struct req *req, struct worker *w)
{
	struct jw	 jw;
	struct answer	 a;
	char		*body;
	size_t		 len;

	jw_init(&jw);
	metrics_write(&jw);
	metrics_db(&jw, w);
	if ((body = jw_take(&jw, &len)) == NULL ||
	    answer_build(&a, "text/plain; version=0.0.4; charset=utf-8",
	    CACHE_NONE, body, len) == -1) {
		reply_error(req, HTTP_UNAVAILABLE, "out_of_memory",
		    "out of memory");
		return HANDLER_DONE;
	}
	reply_answer(req, &a);
	answer_free(&a);
	return HANDLER_DONE;
}

/*
 * GET /api/v1/metrics: Prometheus text format (version 0.0.4).  Besides
 * the process counters (metrics.c): the waiting machinery's gauge and
 * counters (wait.h), whether the database can be read, the cursor and the
 * age of the newest tick, read through this worker's handle.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "config.h"
#include "cache.h"
#include "edge.h"
#include "ep.h"
#include "metrics.h"
#include "wait.h"

static void
metrics_wait(struct buf *out)
{
	struct wait_stats	s;
	size_t			i;

	wait_stats_get(&s);
	const struct {
		const char	*event;
		long		 n;
	} ev[] = {
		{ "parked", s.parked }, { "adopted", s.adopted },
		{ "delivered", s.delivered }, { "expired", s.expired },
		{ "departed", s.departed }, { "rejected", s.rejected },
		{ "dropped", s.dropped },
	};

	buf_addz(out, "# HELP tickfeed_waiting_clients Long-poll and stream "
	    "requests parked now.\n# TYPE tickfeed_waiting_clients gauge\n");
	metrics_line(out, "tickfeed_waiting_clients %ld\n", s.waiting);
	buf_addz(out, "# HELP tickfeed_waiting_clients_max The cap of waiting "
	    "requests (TICKFEED_MAX_WAITERS); past it, 503 too_many_waiters."
	    "\n# TYPE tickfeed_waiting_clients_max gauge\n");
	metrics_line(out, "tickfeed_waiting_clients_max %ld\n",
	    cfg.max_waiters);
	buf_addz(out, "# HELP tickfeed_wait_events_total What became of "
	    "long-poll and stream requests: parked, taken in by the "
	    "dispatcher, answered with ticks, expired, left first, refused "
	    "(cap or not ready), dropped (too slow to read).\n"
	    "# TYPE tickfeed_wait_events_total counter\n");
	for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		metrics_line(out, "tickfeed_wait_events_total{event=\"%s\"} "
		    "%ld\n", ev[i].event, ev[i].n);
}

/* The shared answers (cache.h): computed, reused, waited for. */
static void
metrics_cache(struct buf *out)
{
	unsigned long	hits, misses, waits;

	cache_stats(&hits, &misses, &waits);
	buf_addz(out, "# HELP tickfeed_cache_events_total Shared answers: "
	    "computed by a worker, reused from another worker's, waited for "
	    "while another worker computed them.\n"
	    "# TYPE tickfeed_cache_events_total counter\n");
	metrics_line(out, "tickfeed_cache_events_total{event=\"computed\"} "
	    "%lu\n", misses);
	metrics_line(out, "tickfeed_cache_events_total{event=\"reused\"} "
	    "%lu\n", hits);
	metrics_line(out, "tickfeed_cache_events_total{event=\"waited\"} "
	    "%lu\n", waits);
}

/*
 * The file system under the store (statvfs of its directory): bytes
 * free for the ingest tool, and in all.  Nothing when it cannot be read.
 */
static void
metrics_disk(struct buf *out)
{
	struct statvfs	 sv;
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(cfg.db_path, '/');

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == cfg.db_path ? 1 :
		    (int)(slash - cfg.db_path), cfg.db_path);
	if (statvfs(dir, &sv) == -1)
		return;
	buf_addz(out, "# HELP tickfeed_store_avail_bytes Bytes free for the "
	    "ingest tool on the store's file system.\n"
	    "# TYPE tickfeed_store_avail_bytes gauge\n");
	metrics_line(out, "tickfeed_store_avail_bytes %llu\n",
	    (unsigned long long)sv.f_bavail * sv.f_frsize);
	buf_addz(out, "# HELP tickfeed_store_size_bytes Size of the store's "
	    "file system.\n# TYPE tickfeed_store_size_bytes gauge\n");
	metrics_line(out, "tickfeed_store_size_bytes %llu\n",
	    (unsigned long long)sv.f_blocks * sv.f_frsize);
}

static void
metrics_db(struct buf *out, struct worker *w)
{
	long long	 cursor, ts;
	char		 line[320];
	int		 up;

	up = worker_ready(w) == 0 && worker_begin(w, &cursor) == 0;
	snprintf(line, sizeof(line), "# HELP tickfeed_db_up Whether the tick "
	    "store can be read.\n# TYPE tickfeed_db_up gauge\n"
	    "tickfeed_db_up %d\n", up);
	buf_addz(out, line);
	if (!up)
		return;
	snprintf(line, sizeof(line), "# TYPE tickfeed_cursor gauge\n"
	    "tickfeed_cursor %lld\n", cursor);
	buf_addz(out, line);
	if (ep_newest_tick(w, &ts) == 1) {
		snprintf(line, sizeof(line), "# HELP tickfeed_newest_tick_age_"
		    "seconds Now minus the newest tick's time.\n# TYPE "
		    "tickfeed_newest_tick_age_seconds gauge\n"
		    "tickfeed_newest_tick_age_seconds %.3f\n",
		    (double)(app_now_ms() - ts) / 1e3);
		buf_addz(out, line);
	}
	if (w->db != NULL)
		edge_metrics(out, w);
	if (w->db != NULL)
		worker_end(w);
}

enum handler_result
ep_metrics(struct req *req, struct worker *w)
{
	struct buf	 jw;
	struct answer	 a;
	char		*body;
	size_t		 len;

	buf_init(&jw);
	metrics_write(&jw);
	metrics_wait(&jw);
	metrics_cache(&jw);
	metrics_disk(&jw);
	metrics_db(&jw, w);
	if ((body = buf_take(&jw, &len)) == NULL ||
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

/*
 * GET /api/v1/poll?symbols=A,B&since=ID&timeout=S
 *
 * {"cursor":N,"ticks":[{"id":ID,"symbol":S,"ts":MS,"price":P,"size":Z}]}
 *
 * Long-poll.  The ticks of the symbols (all when symbols= is absent) with
 * id > since, oldest first, at most WAIT_BATCH_MAX (1000) in one answer.
 * cursor is what to send as since next: the last tick listed when the
 * answer is full, else the newest id the answer is consistent with.  When
 * there is nothing yet the request waits up to timeout seconds (default
 * 25, clamped to 55 so that it ends before the web server's 60 s read
 * timeout; 0 answers at once), then answers "ticks":[] with the same
 * cursor.  since defaults to the newest id ("what comes next").  since
 * beyond the newest id is 400, older than pruned history 410; more than
 * TICKFEED_MAX_WAITERS (10000) waiting is 503.  HEAD never waits.
 *
 * Waiting is the dispatcher's (wait.c): the handler parks the request and
 * returns.  In plain CGI, where nothing outlives the handler, it blocks in
 * wait_block() instead.  This file also holds what poll and stream share.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "ep.h"
#include "log.h"
#include "metrics.h"
#include "timeutil.h"
#include "wait.h"

extern const struct wait_ops ep_stream_ops;

void
ep_push_body(struct wait_buf *b, long long cursor, const char *ticks,
    size_t len)
{
	wait_buf_printf(b, "{\"cursor\":%lld,\"ticks\":[", cursor);
	wait_buf_add(b, ticks, len);
	wait_buf_add(b, "]}", 2);
}

/* The whole reply (head and body) as the dispatcher sends it. */
static void
poll_answer(struct wait_buf *out, long long cursor, const char *ticks,
    size_t len)
{
	struct wait_buf	body = { 0 };
	struct answer	a;

	ep_push_body(&body, cursor, ticks, len);
	if (body.oom || answer_build(&a, "application/json", CACHE_NONE,
	    body.p, body.len) == -1) {
		out->oom = 1;
		return;
	}
	wait_buf_add(out, a.bytes, a.len);
	answer_free(&a);
}

static void
poll_expire(struct wait_buf *out, long long cursor)
{
	poll_answer(out, cursor, "", 0);
}

static const struct wait_ops ep_poll_ops = {
	.persistent = 0,
	.deliver = poll_answer,
	.expire = poll_expire,
};

/* A parked request ended (dispatcher thread): account for it, free it. */
static void
ep_push_finish(void *owner, enum wait_kind kind, int status)
{
	struct req *req = owner;

	(void)kind;
	req->status = status == 200 ? HTTP_OK : HTTP_CLIENT_CLOSED;
	metrics_waiting_add(-1);
	req_finish(req);
}

int
ep_push_ready(void)
{
	static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
	static int64_t		 last;
	struct wait_config	 wc = { .dbpath = cfg.db_path,
				    .on_finish = ep_push_finish,
				    .on_idle = conn_idle };
	const char		*max = getenv("TICKFEED_MAX_WAITERS");
	char			 err[WAIT_ERRSZ];

	if (wait_running())
		return 1;
	/* A store missing at start: try again, at most once a second. */
	pthread_mutex_lock(&mu);
	if (!wait_running() && (last == 0 || time_mono_ms() - last >= 1000)) {
		last = time_mono_ms();
		wc.max_waiters = max != NULL ? atol(max) : 0;
		wc.ops[WAIT_POLL] = &ep_poll_ops;
		wc.ops[WAIT_STREAM] = &ep_stream_ops;
		if (wait_init(&wc, err) == -1)
			log_warnx("long-poll and stream unavailable: %s", err);
	}
	pthread_mutex_unlock(&mu);
	return wait_running();
}

int
ep_push_open(struct req *req, struct worker *w, struct push_q *q,
    int given, long long since)
{
	const struct params	*p = &req->params;
	long long		 pruned;

	watch_syms_from(&q->syms, p->symbols, (size_t)p->nsymbols);
	if (worker_ready(w) == -1) {
		reply_db_unavailable(req, w);
		return -1;
	}
	if (worker_begin(w, &q->head) == -1 ||
	    db_meta_get(w->db, "pruned_through_id", 0, &pruned) == -1) {
		worker_fail(w, "push");
		reply_db_unavailable(req, w);
		return -1;
	}
	q->since = given ? since : q->head;
	if (q->since > q->head) {
		worker_end(w);
		reply_error(req, HTTP_BAD_REQUEST, "bad_cursor", "cursor %lld "
		    "is beyond the newest tick id %lld", q->since, q->head);
		return -1;
	}
	if (q->since < pruned) {
		worker_end(w);
		reply_error(req, HTTP_GONE, "cursor_pruned", "ticks up to id "
		    "%lld were pruned; history starts after %lld: resume from "
		    "cursor %lld", pruned, pruned, pruned);
		return -1;
	}
	return 0;
}

int
ep_push_at_head(struct req *req, struct push_q *q, int given,
    long long since)
{
	const struct params	*p = &req->params;
	long long		 head;

	if (req->cgi || req->method != METHOD_GET || !ep_push_ready() ||
	    (head = wait_head()) < 0 ||
	    (given && (since > head || since < wait_pruned())))
		return 0;
	watch_syms_from(&q->syms, p->symbols, (size_t)p->nsymbols);
	q->since = q->head = given ? since : head;
	return 1;
}

long
ep_push_gather(struct worker *w, const struct push_q *q,
    struct wait_buf *ticks, long long *cursor)
{
	struct wait_collect	c = { ticks, 0, 0 };
	long			n;

	n = watch_read(w->db, q->since, q->head, &q->syms, WAIT_BATCH_MAX,
	    wait_collect_tick, &c);
	if (n < 0 || ticks->oom)
		return -1;
	*cursor = n == 0 ? q->since : n == WAIT_BATCH_MAX ? c.last : q->head;
	return n;
}

int
ep_push_reserve(struct req *req)
{
	if (!ep_push_ready()) {
		reply_error(req, HTTP_UNAVAILABLE, "unavailable", "waiting "
		    "requests cannot be served now; poll with timeout=0");
		return -1;
	}
	if (wait_reserve() == -1) {
		reply_error(req, HTTP_UNAVAILABLE, "too_many_waiters", "the "
		    "limit of waiting clients is reached; retry later");
		return -1;
	}
	return 0;
}

int
ep_push_park(struct req *req, const struct wait_ticket *t)
{
	req->status = HTTP_OK;
	metrics_waiting_add(1);
	if (wait_park(&req->fcgx, t) == -1) {
		metrics_waiting_add(-1);
		req->status = HTTP_CLIENT_CLOSED;
		return HANDLER_DONE;
	}
	return HANDLER_PARKED;	/* req may be freed already: hands off */
}

/* Answers with the ticks gathered (n of them, -1: the read failed). */
static enum handler_result
poll_send(struct req *req, struct worker *w, long n, long long cursor,
    struct wait_buf *ticks)
{
	struct wait_buf body = { 0 };

	if (n < 0) {
		worker_fail(w, "poll");
		reply_db_unavailable(req, w);
		goto out;
	}
	ep_push_body(&body, cursor, ticks->p, ticks->len);
	if (body.oom) {
		reply_error(req, HTTP_UNAVAILABLE, "out_of_memory",
		    "out of memory");
		goto out;
	}
	reply_json(req, CACHE_NONE, body.p, body.len);
	body.p = NULL;		/* taken */
out:
	wait_buf_free(ticks);
	wait_buf_free(&body);
	return HANDLER_DONE;
}

/* Plain CGI: block until ticks or the deadline, then answer. */
static enum handler_result
poll_block(struct req *req, struct worker *w, struct push_q *q,
    int64_t deadline)
{
	struct wait_buf	ticks = { 0 };
	long long	cursor;
	long		n;

	wait_block(w->db, cfg.db_path, &q->syms, q->since, deadline);
	if (ep_push_open(req, w, q, 1, q->since) == -1)
		return HANDLER_DONE;
	n = ep_push_gather(w, q, &ticks, &cursor);
	worker_end(w);
	return poll_send(req, w, n, cursor, &ticks);
}

enum handler_result
ep_poll(struct req *req, struct worker *w)
{
	const struct params	*p = &req->params;
	struct wait_ticket	 t = { .kind = WAIT_POLL, .owner = req };
	struct push_q		 q;
	struct wait_buf		 ticks = { 0 };
	long long		 cursor;
	long			 timeout, n;
	int			 given, fast, reserved = 0;

	timeout = wait_timeout_clamp(p->present & PBIT(P_TIMEOUT) ?
	    (long)p->timeout : -1, WAIT_TIMEOUT_DEFAULT, WAIT_TIMEOUT_CAP);
	given = (p->present & PBIT(P_SINCE)) != 0;
	fast = timeout != 0 && ep_push_at_head(req, &q, given, p->since);
	/*
	 * A cursor behind the head has ticks to fetch, not a wait: when no
	 * waiting slot is free it is answered here, never with a 503.
	 */
	if (fast && q.since < wait_head()) {
		if (wait_reserve() == 0)
			reserved = 1;
		else
			fast = 0;
	}
	if (!fast) {
		if (ep_push_open(req, w, &q, given, p->since) == -1)
			return HANDLER_DONE;
		n = ep_push_gather(w, &q, &ticks, &cursor);
		worker_end(w);
		if (n != 0 || timeout == 0 || req->method != METHOD_GET)
			return poll_send(req, w, n, cursor, &ticks);
		wait_buf_free(&ticks);
	}
	t.syms = q.syms;
	t.cursor = q.since;
	t.scanned = q.head;
	t.deadline = wait_deadline(time_mono_ms(), timeout * 1000);
	if (req->cgi)
		return poll_block(req, w, &q, t.deadline);
	if (!reserved && ep_push_reserve(req) == -1)
		return HANDLER_DONE;
	return (enum handler_result)ep_push_park(req, &t);
}

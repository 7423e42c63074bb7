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
 * cursor.  since defaults to the newest id ("what comes next").  A symbol
 * the store has never seen is 404, since beyond the newest id 400, older
 * than pruned history 410; more than TICKFEED_MAX_WAITERS (10000)
 * waiting is 503.  HEAD never waits.
 *
 * Waiting is the dispatcher's (wait.c): the handler parks the request and
 * returns.  In plain CGI, where nothing outlives the handler, it blocks in
 * wait_cgi_block() instead.
 */
#include "config.h"
#include "ep_wait.h"
#include "timeutil.h"
#include "wait_cgi.h"

/* The whole reply (head and body) as the dispatcher sends it. */
static void
poll_answer(struct buf *out, long long cursor, const char *ticks,
    size_t len)
{
	struct buf	body = BUF_INIT;
	struct answer	a;

	ep_wait_body(&body, cursor, ticks, len);
	if (body.oom || answer_build(&a, "application/json", CACHE_NONE,
	    body.p, body.len) == -1) {
		out->oom = 1;
		return;
	}
	buf_add(out, a.bytes, a.len);
	answer_free(&a);
}

static void
poll_expire(struct buf *out, long long cursor)
{
	poll_answer(out, cursor, "", 0);
}

const struct wait_ops ep_poll_ops = {
	.persistent = 0,
	.deliver = poll_answer,
	.expire = poll_expire,
};

/* Answers with the ticks gathered (n of them, -1: the read failed). */
static enum handler_result
poll_send(struct req *req, struct worker *w, long n, long long cursor,
    struct buf *ticks)
{
	struct buf body = BUF_INIT;

	if (n < 0) {
		worker_fail(w, "poll");
		reply_db_unavailable(req, w);
		goto out;
	}
	ep_wait_body(&body, cursor, ticks->p, ticks->len);
	if (body.oom) {
		reply_error(req, HTTP_UNAVAILABLE, "out_of_memory",
		    "out of memory");
		goto out;
	}
	reply_json(req, CACHE_NONE, body.p, body.len);
	buf_init(&body);	/* taken */
out:
	buf_free(ticks);
	buf_free(&body);
	return HANDLER_DONE;
}

/* Plain CGI: block until ticks or the deadline, then answer. */
static enum handler_result
poll_block(struct req *req, struct worker *w, struct wait_query *q,
    int64_t deadline)
{
	struct buf	ticks = BUF_INIT;
	long long	cursor;
	long		n;

	wait_cgi_block(w->db, cfg.db_path, &q->syms, q->since, deadline);
	if (ep_wait_open(req, w, q, 1, q->since) == -1)
		return HANDLER_DONE;
	n = ep_wait_gather(w, q, &ticks, &cursor);
	worker_end(w);
	return poll_send(req, w, n, cursor, &ticks);
}

enum handler_result
ep_poll(struct req *req, struct worker *w)
{
	const struct params	*p = &req->params;
	struct wait_ticket	 t = { .kind = WAIT_POLL, .owner = req };
	struct wait_query	 q;
	struct buf		 ticks = BUF_INIT;
	long long		 cursor;
	long			 timeout, n;
	int			 given, fast, reserved = 0;

	timeout = wait_timeout_clamp(p->present & PBIT(P_TIMEOUT) ?
	    (long)p->timeout : -1, WAIT_TIMEOUT_DEFAULT, WAIT_TIMEOUT_CAP);
	given = (p->present & PBIT(P_SINCE)) != 0;
	fast = timeout != 0 && ep_wait_at_head(req, &q, given, p->since);
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
		if (ep_wait_open(req, w, &q, given, p->since) == -1)
			return HANDLER_DONE;
		n = ep_wait_gather(w, &q, &ticks, &cursor);
		worker_end(w);
		if (n != 0 || timeout == 0 || req->method != METHOD_GET)
			return poll_send(req, w, n, cursor, &ticks);
		buf_free(&ticks);
	}
	t.syms = q.syms;
	t.cursor = q.since;
	t.scanned = q.head > q.since ? q.head : q.since;	/* edge: beyond */
	t.deadline = wait_deadline(time_mono_ms(), timeout * 1000);
	if (req->cgi)
		return poll_block(req, w, &q, t.deadline);
	if (!reserved && ep_wait_reserve(req) == -1)
		return HANDLER_DONE;
	return ep_wait_park(req, &t);
}

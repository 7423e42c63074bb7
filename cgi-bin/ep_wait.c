/* What the waiting endpoints share: see ep_wait.h. */
#include <string.h>

#include "edge.h"
#include "ep_wait.h"

const struct wait_ops *const ep_wait_kinds[WAIT_KIND__MAX] = {
	[WAIT_POLL] = &ep_poll_ops,
	[WAIT_STREAM] = &ep_stream_ops,
};

void
ep_wait_finish(void *owner, enum wait_kind kind, int status)
{
	struct req *req = owner;

	(void)kind;
	req->status = status == 200 ? HTTP_OK : HTTP_CLIENT_CLOSED;
	req_finish(req);
}

/* The request's symbols, sorted as the dispatcher groups them. */
static void
ep_wait_syms(const struct req *req, struct wait_query *q)
{
	q->syms = req->params.symbols;
	symset_sort(&q->syms);
}

/* Whether the dispatcher has seen every symbol of q. */
static int
ep_wait_known(const struct wait_query *q)
{
	size_t i;

	for (i = 0; i < q->syms.n; i++)
		if (!wait_known_symbol(q->syms.name[i]))
			return 0;
	return 1;
}

int
ep_wait_at_head(struct req *req, struct wait_query *q, int given,
    long long since)
{
	long long head;

	if (req->cgi || req->method != METHOD_GET ||
	    (head = wait_head()) < 0 ||
	    (given && (since > head || since < wait_pruned())))
		return 0;
	ep_wait_syms(req, q);
	if (!ep_wait_known(q))
		return 0;
	q->since = q->head = given ? since : head;
	return 1;
}

/*
 * Whether the store has every symbol asked for: 1 yes, 0 no (404
 * answered, the transaction ended), -1 SQL error (the worker failed).
 */
static int
ep_wait_check_syms(struct req *req, struct worker *w)
{
	const struct symset	*asked = &req->params.symbols;
	long long		 id;
	size_t			 i;
	int			 dec, rc = 1;

	for (i = 0; i < asked->n; i++) {
		if ((rc = ep_symbol_lookup(w, asked->name[i], &id, &dec)) != 1)
			break;
	}
	if (i == asked->n)
		return 1;
	if (rc == -1)
		return -1;
	worker_end(w);
	reply_error(req, HTTP_NOT_FOUND, "unknown_symbol", "unknown symbol "
	    "'%s'", asked->name[i]);
	return 0;
}

int
ep_wait_open(struct req *req, struct worker *w, struct wait_query *q,
    int given, long long since)
{
	long long	pruned;
	int		rc, edge = 0;

	ep_wait_syms(req, q);
	if (worker_ready(w) == -1) {
		reply_db_unavailable(req, w);
		return -1;
	}
	if (worker_begin(w, &q->head) == -1 ||
	    db_meta_get(w->db, "pruned_through_id", 0, &pruned) == -1)
		goto dbfail;
	if ((rc = ep_wait_check_syms(req, w)) != 1) {
		if (rc == -1)
			reply_db_unavailable(req, w);
		return -1;
	}
	q->since = given ? since : q->head;
	/* On an edge such a cursor comes from a node further ahead: wait. */
	if (q->since > q->head && (edge = edge_here(w)) == -1) {
		reply_db_unavailable(req, w);
		return -1;
	}
	if (q->since > q->head && !edge) {
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
dbfail:
	worker_fail(w, "wait");
	reply_db_unavailable(req, w);
	return -1;
}

long
ep_wait_gather(struct worker *w, const struct wait_query *q,
    struct buf *ticks, long long *cursor)
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

void
ep_wait_body(struct buf *b, long long cursor, const char *ticks,
    size_t len)
{
	buf_printf(b, "{\"cursor\":%lld,\"ticks\":[", cursor);
	buf_add(b, ticks, len);
	buf_add(b, "]}", 2);
}

int
ep_wait_reserve(struct req *req)
{
	if (!wait_ready()) {
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

enum handler_result
ep_wait_park(struct req *req, const struct wait_ticket *t)
{
	req->status = HTTP_OK;
	if (wait_park(&req->fcgx, t) == -1) {
		req->status = HTTP_CLIENT_CLOSED;
		return HANDLER_DONE;
	}
	return HANDLER_PARKED;	/* req may be freed already: hands off */
}

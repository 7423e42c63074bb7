/*
 * GET /api/v1/stream?symbols=A,B[&last_event_id=ID]
 *
 * Server-sent events (HTML Living Standard, "Server-sent events";
 * text/event-stream).  Every block is a real event with an id, so that
 * every client library (not only browsers) keeps the cursor to resume
 * from.  The stream opens with
 *
 *	retry: 2000
 *	id: CURSOR
 *	event: start
 *	data: {"cursor":CURSOR,"heartbeat_ms":MS}
 *
 * then sends one event per commit batch that holds ticks of the symbols
 * (all when symbols= is absent), at most WAIT_BATCH_MAX ticks an event:
 *
 *	id: CURSOR
 *	event: ticks
 *	data: {"cursor":CURSOR,"ticks":[...as poll...]}
 *
 * and every heartbeat_ms (TICKFEED_HEARTBEAT_MS, 15000 by default),
 * whatever else was sent (under plain CGI:
 * after heartbeat_ms without an event), a heartbeat:
 *
 *	id: CURSOR
 *	event: heartbeat
 *	data: {"cursor":CURSOR,"newest_tick_age_ms":AGE}
 *
 * (AGE: now minus the store's newest tick time, null while empty), so
 * that a client tells a quiet market from a dead connection: two beats
 * missed, it reconnects.  CURSOR is always the id to resume from: the
 * client sends it back as Last-Event-ID when it reconnects (after retry
 * ms), and nothing is lost or repeated.  The first connection resumes
 * from last_event_id= (a browser cannot set the header itself); the
 * header wins when both are given; neither means "from now".  The same
 * errors as poll (404 for a symbol the store has never seen, 400 beyond
 * the newest id, 410 older than pruned history, 503 when too many wait).
 * A stream ends after an hour (the client resumes); in plain CGI after
 * 55 s, since each stream is a process there.  X-Accel-Buffering: no
 * keeps nginx from buffering it.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ep_wait.h"
#include "timeutil.h"
#include "wait_cgi.h"

#define STREAM_HEAD_MAX	512

static void
stream_event(struct buf *out, long long cursor, const char *ticks,
    size_t len)
{
	buf_printf(out, "id: %lld\nevent: ticks\ndata: ", cursor);
	ep_wait_body(out, cursor, ticks, len);
	buf_add(out, "\n\n", 2);
}

static void
stream_end(struct buf *out, long long cursor)
{
	(void)out;
	(void)cursor;		/* the client resumes from its last id */
}

static void
stream_heartbeat(struct buf *out, long long cursor, int64_t newest_ts)
{
	buf_printf(out, "id: %lld\nevent: heartbeat\ndata: {\"cursor\":%lld,"
	    "\"newest_tick_age_ms\":", cursor, cursor);
	if (newest_ts < 0)
		buf_addz(out, "null");
	else
		buf_printf(out, "%lld", (long long)(app_now_ms() - newest_ts));
	buf_add(out, "}\n\n", 3);
}

const struct wait_ops ep_stream_ops = {
	.persistent = 1,
	.deliver = stream_event,
	.expire = stream_end,
	.heartbeat = stream_heartbeat,
};

/* The head and the opening block; 0, or -1 when the client is gone. */
static int
stream_open(struct req *req, long long cursor)
{
	char	buf[STREAM_HEAD_MAX];
	int	n;

	n = snprintf(buf, sizeof(buf), "Status: 200 OK\r\n"
	    "Content-Type: text/event-stream\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	    "X-Accel-Buffering: no\r\n"
	    "Access-Control-Allow-Origin: %s\r\n\r\n", cfg.cors_origin);
	if (n <= 0 || n >= (int)sizeof(buf))
		return -1;
	req->status = HTTP_OK;
	if (req->method == METHOD_HEAD)
		return req_write(req, buf, (size_t)n);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "retry: %d\nid: %lld\n"
	    "event: start\ndata: {\"cursor\":%lld,\"heartbeat_ms\":%d}\n\n",
	    WAIT_RETRY_MS, cursor, cursor, cfg.heartbeat_ms);
	if (n >= (int)sizeof(buf))
		return -1;
	return req_write(req, buf, (size_t)n);
}

/*
 * The cursor to resume from: the Last-Event-ID header, else
 * last_event_id=.  0 (*given set), or -1 with the 400 answered.
 */
static int
stream_cursor(struct req *req, int *given, long long *cursor)
{
	const char *h = req_getenv(req, "HTTP_LAST_EVENT_ID");

	*given = 1;
	if (h != NULL) {
		if (param_cursor(h, strlen(h), cursor) == 0)
			return 0;
		reply_error(req, HTTP_BAD_REQUEST, "bad_value", "Last-Event-ID "
		    "must be a tick id (digits)");
		return -1;
	}
	*cursor = req->params.last_event_id;
	*given = (req->params.present & PBIT(P_LAST_EVENT_ID)) != 0;
	return 0;
}

/* A heartbeat with the store's newest tick time, read here. */
static void
stream_cgi_beat(struct worker *w, struct buf *ev, long long cursor)
{
	long long ts;

	stream_heartbeat(ev, cursor, ep_newest_tick(w, &ts) == 1 ? ts : -1);
}

/*
 * Plain CGI: the stream runs in this process until its deadline; a
 * heartbeat follows heartbeat_ms without an event.
 */
static enum handler_result
stream_cgi(struct req *req, struct worker *w, struct wait_query *q)
{
	struct buf	ev = BUF_INIT, ticks = BUF_INIT;
	int64_t		end, now;
	long long	cursor;
	long		n;

	end = wait_deadline(time_mono_ms(), WAIT_TIMEOUT_CAP * 1000);
	if (stream_open(req, q->since) == -1 || req_flush(req) == -1)
		return HANDLER_DONE;
	while ((now = time_mono_ms()) < end) {
		buf_reset(&ticks);
		buf_reset(&ev);
		n = -1;
		if (worker_begin(w, &q->head) == 0) {
			n = ep_wait_gather(w, q, &ticks, &cursor);
			worker_end(w);
		}
		if (n > 0) {
			stream_event(&ev, cursor, ticks.p, ticks.len);
			q->since = cursor;
		} else if (n == 0 && wait_cgi_block(w->db, cfg.db_path,
		    &q->syms, q->since, now + cfg.heartbeat_ms < end ?
		    now + cfg.heartbeat_ms : end) == 0)
			stream_cgi_beat(w, &ev, q->since);
		if (n < 0 || ev.oom || req_write(req, ev.p, ev.len) == -1 ||
		    req_flush(req) == -1)
			break;
	}
	buf_free(&ev);
	buf_free(&ticks);
	return HANDLER_DONE;
}

enum handler_result
ep_stream(struct req *req, struct worker *w)
{
	struct wait_ticket	t = { .kind = WAIT_STREAM, .owner = req };
	struct wait_query	q;
	long long		cursor;
	int			given;

	if (stream_cursor(req, &given, &cursor) == -1)
		return HANDLER_DONE;
	if (!ep_wait_at_head(req, &q, given, cursor)) {
		if (ep_wait_open(req, w, &q, given, cursor) == -1)
			return HANDLER_DONE;
		worker_end(w);
	}
	if (req->method == METHOD_HEAD) {
		stream_open(req, q.since);
		return HANDLER_DONE;
	}
	if (req->cgi)
		return stream_cgi(req, w, &q);
	if (ep_wait_reserve(req) == -1)
		return HANDLER_DONE;
	if (stream_open(req, q.since) == -1) {
		wait_unreserve();
		return HANDLER_DONE;
	}
	t.syms = q.syms;
	t.cursor = t.scanned = q.since;
	t.deadline = wait_deadline(time_mono_ms(),
	    (int64_t)WAIT_STREAM_LIFE_S * 1000);
	return ep_wait_park(req, &t);
}

/*
 * The waiting machinery: long-poll and server-sent-event requests that
 * have nothing to send are parked here, off the accept threads, and
 * answered by one dispatcher thread when ticks arrive, when their deadline
 * passes, or dropped when their client leaves.  The design essay is at the
 * top of wait.c.
 */
#ifndef TICKFEED_WAIT_H
#define TICKFEED_WAIT_H

#include <stddef.h>
#include <stdint.h>
#include <fcgiapp.h>

#include "watch.h"

#define WAIT_MAX_DEFAULT	10000	/* parked requests; more get a 503 */
#define WAIT_TIMEOUT_DEFAULT	25	/* s, long-poll without timeout= */
#define WAIT_TIMEOUT_CAP	55	/* s; web servers' read timeout is 60 */
#define WAIT_HEARTBEAT_MS	15000	/* SSE comment every 15 s */
#define WAIT_STREAM_LIFE_S	3600	/* a stream ends (and resumes) hourly */
#define WAIT_RETRY_MS		2000	/* SSE retry: */
#define WAIT_BATCH_MAX		1000	/* ticks in one answer or event */
#define WAIT_PEND_MAX		(1 << 20) /* unsent bytes before a drop */
#define WAIT_TIMER_MS		2000	/* data_version check without inotify */
#define WAIT_ERRSZ		256

enum wait_kind {
	WAIT_POLL,		/* one answer, then the request ends */
	WAIT_STREAM,		/* an event per batch, stays parked */
	WAIT_KIND__MAX
};

/* A growable byte buffer; oom is set (and stays) when an append failed. */
struct wait_buf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

void	wait_buf_add(struct wait_buf *, const void *, size_t);
void	wait_buf_printf(struct wait_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	wait_buf_free(struct wait_buf *);

/*
 * FastCGI framing (wait_buf.c): wait_record appends one record header;
 * wait_frame appends payload as FCGI_STDOUT records of request rid and,
 * with final, the empty STDOUT record and FCGI_END_REQUEST.
 */
void	wait_record(struct wait_buf *, int type, unsigned rid, size_t len);
void	wait_frame(struct wait_buf *, unsigned rid, const char *, size_t,
	    int final);

/*
 * What a waiting endpoint implements (see "A new waiting endpoint" in
 * wait.c).  Each function appends the bytes of the FastCGI stdout stream
 * (headers included if none were sent before parking) to out.  ticks is
 * the comma-joined JSON of the ticks, len bytes, possibly 0.
 */
struct wait_ops {
	int	persistent;	/* stays parked after a delivery */
	void	(*deliver)(struct wait_buf *out, long long cursor,
		    const char *ticks, size_t len);
	void	(*expire)(struct wait_buf *out, long long cursor);
	void	(*heartbeat)(struct wait_buf *out);	/* NULL: none */
};

struct wait_config {
	const char		*dbpath;
	long			 max_waiters;	/* 0: WAIT_MAX_DEFAULT */
	int			 heartbeat_ms;	/* 0: WAIT_HEARTBEAT_MS */
	const struct wait_ops	*ops[WAIT_KIND__MAX];
	/*
	 * Called on the dispatcher thread as each parked request ends, its
	 * connection already closed: status is the HTTP status answered
	 * (499 when the client left first).  Releases owner.
	 */
	void			(*on_finish)(void *owner, enum wait_kind,
				    int status);
	/*
	 * Takes back the connection fd of a request answered whole that the
	 * web server keeps open (FCGI_KEEP_CONN), before on_finish; fd is in
	 * blocking mode again.  NULL: such connections are closed.
	 */
	void			(*on_idle)(int fd);
};

/* What a handler hands over with the request it parks. */
struct wait_ticket {
	enum wait_kind		kind;
	struct watch_syms	syms;
	long long		cursor;		/* the client has every tick <= it */
	long long		scanned;	/* no tick of syms in (cursor, scanned] */
	int64_t			deadline;	/* monotonic ms */
	void			*owner;		/* given back to on_finish */
};

struct wait_stats {
	long	waiting;	/* parked now (gauge) */
	long	parked;		/* totals since start: */
	long	adopted;	/* taken in by the dispatcher */
	long	delivered;
	long	expired;
	long	departed;
	long	rejected;
	long	dropped;	/* too slow to read what was sent */
};

/*
 * Starts the dispatcher thread (and its watcher on cfg->dbpath).  Returns
 * 0, or -1 with a message in err[WAIT_ERRSZ].
 */
int	wait_init(const struct wait_config *cfg, char *err);
/* Answers every parked request (expired) and stops the dispatcher. */
void	wait_fini(void);
int	wait_running(void);
/*
 * The newest tick id the dispatcher has read (-1 when it is not running).
 * A client already there has nothing to fetch: its request can park
 * without a query (the dispatcher serves whatever commits meanwhile).
 */
long long wait_head(void);
/*
 * pruned_through_id as the dispatcher last read it (after every commit
 * it was told of): a cursor below it must be answered 410.
 */
long long wait_pruned(void);

/*
 * Takes a waiting slot.  Returns 0, or -1 when max_waiters are parked
 * (answer 503).  Each successful reserve is followed by exactly one
 * wait_park() or wait_unreserve().
 */
int	wait_reserve(void);
void	wait_unreserve(void);

/*
 * Parks req: flushes what the handler wrote, takes its connection and
 * frees libfcgi's buffers (req->ipcFd becomes -1, so FCGX_Finish_r and
 * FCGX_Accept_r on req touch nothing of it).  Returns 0, or -1 when the
 * client is already gone (the slot is released; finish req as usual).
 */
int	wait_park(FCGX_Request *req, const struct wait_ticket *t);

/*
 * Deadlines: now + timeout_ms, saturating at INT64_MAX; and the requested
 * timeout in seconds (-1: none given) clamped to 0..cap, dflt when none.
 */
int64_t	wait_deadline(int64_t now, int64_t timeout_ms);
long	wait_timeout_clamp(long requested, long dflt, long cap);

void	wait_stats_get(struct wait_stats *);

/*
 * Joins ticks into one JSON list ("t1,t2,..") as a watch_tick_cb; stops
 * the read at WAIT_BATCH_MAX.  Start from { buf, 0, 0 }.
 */
struct wait_collect {
	struct wait_buf	*ticks;
	long		 count;
	long long	 last;		/* id of the last tick joined */
};
int	wait_collect_tick(const struct watch_tick *, void *collect);

/*
 * For plain CGI (no dispatcher, one request per process): blocks until a
 * tick of syms newer than cursor exists or the deadline passes, watching
 * dbpath with its own watcher.  Returns 1 (ticks exist), 0 (deadline),
 * -1 (error).
 */
int	wait_block(sqlite3 *db, const char *dbpath,
	    const struct watch_syms *syms, long long cursor, int64_t deadline);

/*
 * A cursor as clients send it (since=, last_event_id=, the Last-Event-ID
 * header): 1..19 digits, 0..INT64_MAX, nothing else.  0 or -1.
 */
int	wait_cursor_parse(const char *s, size_t len, long long *out);

/*
 * What the waiting endpoints (ep_poll.c, ep_stream.c) share.  A push_q
 * is one request's view: its symbols, its cursor and the newest id of the
 * read transaction ep_push_open() leaves open.
 */
struct req;
struct worker;

struct push_q {
	struct watch_syms	syms;
	long long		since;
	long long		head;
};

/* Starts the dispatcher if it is not running; 1 running, 0 not. */
int	ep_push_ready(void);
/*
 * Reads the request's symbols and, in a read transaction, checks the
 * cursor (since; the newest id when !given): beyond the newest id 400,
 * older than pruned history 410.  Returns 0 with the transaction open,
 * or -1 with the error answered and the transaction closed.
 */
int	ep_push_open(struct req *, struct worker *, struct push_q *,
	    int given, long long since);
/*
 * The fast path: a GET whose cursor lies within what the dispatcher has
 * read (from pruned history to its head; none given: its head) needs no
 * query and no check, so q is filled without touching the store and the
 * request parks; the dispatcher answers at once, from its ring, a cursor
 * behind its head, one answer for all requests with that cursor.  1 done
 * (q->head is q->since: nothing is known past it), 0 take the slow path
 * (ep_push_open).
 */
int	ep_push_at_head(struct req *, struct push_q *, int given,
	    long long since);
/*
 * Joins the ticks after q->since (at most WAIT_BATCH_MAX) into ticks;
 * *cursor is the one to send next.  Returns how many, or -1.
 */
long	ep_push_gather(struct worker *, const struct push_q *,
	    struct wait_buf *ticks, long long *cursor);
/* {"cursor":N,"ticks":[...]}: the body of a poll, the data of an event. */
void	ep_push_body(struct wait_buf *, long long cursor, const char *ticks,
	    size_t len);
/* Takes a waiting slot: 0, or -1 with the 503 answered. */
int	ep_push_reserve(struct req *);
/*
 * Parks req (a slot reserved) with ticket t; returns HANDLER_PARKED, or
 * HANDLER_DONE when the client has gone already.
 */
int	ep_push_park(struct req *, const struct wait_ticket *t);

#endif

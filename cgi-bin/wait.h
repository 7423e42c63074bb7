/*
 * The waiting machinery: long-poll and server-sent-event requests that
 * have nothing to send are parked here, off the workers, and answered by
 * one dispatcher thread when ticks arrive, when their deadline passes,
 * or dropped when their client leaves.  The design essay, and what a new
 * waiting endpoint implements, open wait.c.
 *
 * Audience: the waiting endpoints (ep_wait.h, ep_poll.c, ep_stream.c) and
 * main(), which starts the dispatcher.
 */
#ifndef TICKFEED_WAIT_H
#define TICKFEED_WAIT_H

#include <stddef.h>
#include <stdint.h>
#include <fcgiapp.h>

#include "buf.h"
#include "symset.h"
#include "watch.h"

#define WAIT_TIMEOUT_DEFAULT	25	/* s, long-poll without timeout= */
#define WAIT_TIMEOUT_CAP	55	/* s; web servers' read timeout is 60 */
#define WAIT_STREAM_LIFE_S	3600	/* a stream ends (and resumes) hourly */
#define WAIT_RETRY_MS		2000	/* SSE retry: */
#define WAIT_BATCH_MAX		1000	/* ticks in one answer or event */
#define WAIT_PEND_MAX		(1 << 20) /* unsent bytes before a drop */
#define WAIT_TIMER_MS		2000	/* look at the store without inotify */
#define WAIT_ERRSZ		256

/* The waiting endpoints; ep_wait.c holds their wait_ops, one row each. */
enum wait_kind {
	WAIT_POLL,		/* one answer, then the request ends */
	WAIT_STREAM,		/* an event per batch, stays parked */
	WAIT_KIND__MAX
};

/*
 * What a waiting endpoint implements (see "A new waiting endpoint" in
 * wait.c).  Each function appends to out the bytes of the request's
 * FastCGI stdout stream (headers included if none went before parking).
 * deliver() only ever gets ticks already formatted as JSON: ticks is
 * their comma-joined list, len bytes (0: none), and cursor the one to
 * send next.  heartbeat() (NULL: none) gets a cursor the client may
 * resume from (no tick of its symbols lies between its last and this
 * one) and the store's newest tick time (-1: none yet).
 */
struct wait_ops {
	int	persistent;	/* stays parked after a delivery */
	void	(*deliver)(struct buf *out, long long cursor,
		    const char *ticks, size_t len);
	void	(*expire)(struct buf *out, long long cursor);
	void	(*heartbeat)(struct buf *out, long long cursor,
		    int64_t newest_ts);
};

struct wait_config {
	const char		*dbpath;
	long			 max_waiters;	/* >= 1 */
	int			 heartbeat_ms;	/* > 0 */
	const struct wait_ops	*const *kinds;	/* [WAIT_KIND__MAX] */
	/*
	 * Called on the dispatcher thread as each parked request ends, its
	 * connection already closed or given back: status is the HTTP status
	 * answered (499 when the client left first).  Releases owner.
	 */
	void			(*on_finish)(void *owner, enum wait_kind,
				    int status);
	/*
	 * Takes back the connection fd of a request answered whole that the
	 * web server keeps open (FCGI_KEEP_CONN), before on_finish; fd is in
	 * blocking mode.  NULL: such connections are closed.
	 */
	void			(*on_idle)(int fd);
};

/* What a handler hands over with the request it parks. */
struct wait_ticket {
	enum wait_kind		kind;
	struct symset		syms;		/* sorted (symset_sort) */
	long long		cursor;		/* the client has every tick <= it */
	long long		scanned;	/* no tick of syms in (cursor, scanned] */
	int64_t			deadline;	/* monotonic ms */
	void			*owner;		/* given back to on_finish */
};

/* Counts since start, and the one gauge of waiting clients. */
struct wait_stats {
	long	waiting;	/* parked now, or about to be */
	long	parked;
	long	adopted;	/* taken in by the dispatcher */
	long	delivered;	/* answers and events with ticks */
	long	expired;	/* deadlines: empty answers, ended streams */
	long	departed;	/* clients that left first */
	long	rejected;	/* refused: the cap, or not ready */
	long	dropped;	/* too slow to read what was sent */
};

/*
 * Starts the dispatcher thread.  It watches cfg->dbpath, and until the
 * store can be opened it tries again every second (wait_ready() is 0
 * meanwhile).  Returns 0, or -1 with a message in err[WAIT_ERRSZ].
 */
int	wait_init(const struct wait_config *cfg, char *err);
/* Answers every parked request (expired) and stops the dispatcher. */
void	wait_fini(void);
/* Whether requests can be parked: the dispatcher runs and reads the store. */
int	wait_ready(void);
/*
 * The newest tick id the dispatcher has read (-1 when not ready).  A
 * client already there has nothing to fetch: its request can park
 * without a query (the dispatcher serves whatever commits meanwhile).
 */
long long wait_head(void);
/*
 * pruned_through_id as the dispatcher last read it (after every commit
 * it was told of): a cursor below it must be answered 410.
 */
long long wait_pruned(void);
/* Whether the dispatcher has seen symbol in the store (0 when not ready). */
int	wait_known_symbol(const char *symbol);

/*
 * Takes a waiting slot.  Returns 0, or -1 when cfg->max_waiters are
 * parked or the dispatcher is not ready (answer 503).  Each successful
 * reserve is followed by exactly one wait_park() or wait_unreserve().
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
 * the read at WAIT_BATCH_MAX.  The dispatcher and a handler answering at
 * once share it.  Start from { buf, 0, 0 }.
 */
struct wait_collect {
	struct buf	*ticks;
	long		 count;
	long long	 last;		/* id of the last tick joined */
};
int	wait_collect_tick(const struct watch_tick *, void *collect);

#endif

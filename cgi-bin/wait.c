/*
 * Waiting requests: long-poll and server-sent events without a thread
 * per client.
 *
 * The problem.  libfcgi is synchronous: an accept thread reads a request,
 * a handler writes the answer, FCGX_Finish_r ends it.  A long-poll client
 * that waits 25 s for the next tick would hold its thread for 25 s, and
 * ten thousand of them would need ten thousand threads.  So a request with
 * nothing to send is taken off its thread: it is *parked*.
 *
 * Life cycle.
 *
 *   accept thread                      dispatcher thread (one)
 *   -------------                      -----------------------
 *   handler: nothing newer than
 *   the cursor -> wait_reserve()
 *   (503 when full), write what must
 *   go first (SSE headers), then
 *   wait_park(): flush, take the fd,
 *   free libfcgi's buffers, queue  ->  adopt: join the group of its
 *   the ticket, go back to accept      (kind, symbols, cursor); watch the
 *                                      fd; serve at once if ticks came
 *                                      while it was being handed over
 *                                      ...
 *                                      commit -> read new ticks once ->
 *                                      per group: format once, write to
 *                                      every member (poll: and finish)
 *                                      deadline -> expire (poll: empty
 *                                      answer, same cursor)
 *                                      fd readable/hung up -> the client
 *                                      left: close, free
 *                                      heartbeat -> ": heartbeat" to streams
 *
 * What a parked request holds.  Its connection to the web server (the fd
 * and the FastCGI request id: from here on the dispatcher writes the
 * FastCGI records itself, see wait_frame(); a connection the web server
 * keeps goes back to the accept threads' epoll set, conn.h, once its
 * answer is written whole), its deadline, the bytes not
 * yet written when the web server reads slowly, and its owner (the app's
 * struct req with libfcgi's 17 KB of stream buffers already freed) given
 * back through on_finish.  The symbol set and cursor live in its group,
 * shared by every request that would receive the same bytes.  About
 * 1.5 KB per client all told, and no thread.
 *
 * What wakes it.  The watcher (watch.c) turns commits of the ingest
 * process into new ticks in a ring; a group whose cursor lies behind the
 * ring's head gets its answer built once from the ring (or from SQL when
 * its cursor fell off the ring) and written to all its members.  Its
 * epoll readiness: the web server closes the FastCGI connection when its
 * client goes away (nginx does so even with fastcgi_keep_conn on, since
 * it keeps a connection only after a whole answer; the request's stdin
 * was read to its end before parking, so readable can only mean gone),
 * which frees the slot at once.  Its deadline, checked at least every
 * second (timeouts are clamped below the web server's read timeout,
 * WAIT_TIMEOUT_CAP).  Shutdown answers everything (wait_fini).
 *
 * Exactly once, in order.  A group's `scanned` says that no tick of its
 * symbols lies in (cursor, scanned]; answers hold every matching tick in
 * (scanned, head] up to WAIT_BATCH_MAX, and the next cursor is head (or
 * the last tick sent when the batch was full).  Since ids are given in
 * commit order, every tick <= head is known when head is: nothing is
 * skipped, nothing sent twice, across any number of reconnects.
 *
 * A new waiting endpoint implements struct wait_ops (wait.h): deliver
 * (bytes for new ticks and the next cursor), expire (bytes when the
 * deadline passes), optionally heartbeat, and says whether it stays
 * parked after a delivery (persistent).  Its handler answers at once when
 * it can, else reserves, writes what must precede the wait, and parks a
 * ticket.  ep_poll.c and ep_stream.c are the two there are.
 *
 * Threads: parked requests, groups and the watcher belong to the
 * dispatcher alone; accept threads only touch the inbox (a mutex and an
 * eventfd) and the counters (atomics).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "timeutil.h"
#include "valid.h"
#include "wait.h"

/* FastCGI 1.0 (fastcgi-spec section 8): records we write ourselves. */

#define WAIT_BUCKETS		16384	/* group hash table */
#define WAIT_EVENTS		256
#define WAIT_SWEEP_MIN_MS	50	/* deadline checks at most this often */
#define WAIT_STATUS_GONE	499	/* nginx's "client closed request" */
#define WAIT_RECHECK_MAX_MS	1024
/*
 * The dispatcher never blocks on a socket, yet the connection stays in
 * blocking mode for libfcgi: a kept one goes back to it (conn.h) without
 * two fcntl calls each way.
 */
#define WAIT_SEND_FLAGS		(MSG_DONTWAIT | MSG_NOSIGNAL)

struct wait_group;

struct waiter {
	LIST_ENTRY(waiter)	 entry;		/* every waiter */
	LIST_ENTRY(waiter)	 gentry;	/* its group's members */
	struct waiter		*inext;		/* the inbox */
	struct waiter		*dnext;		/* answered, to finish (wait_serve) */
	struct wait_group	*group;		/* NULL once answered */
	struct wait_ticket	*ticket;	/* only while in the inbox */
	enum wait_kind		 kind;
	int			 fd;
	unsigned		 rid;		/* FastCGI request id */
	int			 closing;	/* finish when pend is written */
	int			 keep;		/* web server keeps the connection */
	int			 status;
	int64_t			 deadline;
	char			*pend;		/* bytes the socket did not take */
	size_t			 pend_len, pend_off;
	void			*owner;
};

struct wait_group {
	struct wait_group	*hnext;		/* hash chain */
	LIST_ENTRY(wait_group)	 entry;		/* every group */
	LIST_HEAD(, waiter)	 members;
	size_t			 nmembers;
	unsigned		 hash;
	enum wait_kind		 kind;
	long long		 cursor, scanned;
	struct watch_syms	 syms;
};

/* Everything the dispatcher owns; one per process. */
struct wait_disp {
	struct wait_config	 cfg;
	pthread_t		 thread;
	int			 running;
	int			 epfd, evfd;
	struct watch		*watch;
	pthread_mutex_t		 lock;		/* guards inbox and stop */
	struct waiter		*inbox;
	int			 stop;
	struct waiter		*done;		/* see wait_serve */
	int			 deferring;
	LIST_HEAD(, waiter)	 waiters;
	LIST_HEAD(, wait_group)	 groups;
	struct wait_group	*bucket[WAIT_BUCKETS];
	int64_t			 next_sweep, next_beat, next_timer;
	int64_t			 recheck_ms;	/* after an early event */
	struct wait_buf		 out, frame, ticks;
};

static struct wait_disp disp = { .lock = PTHREAD_MUTEX_INITIALIZER };
/* Tags for the non-waiter fds in the epoll set. */
static char wait_tag_inbox, wait_tag_watch;

static atomic_llong st_head = -1;	/* the watcher's head, for handlers */
static atomic_llong st_pruned;		/* pruned_through_id, as last read */
static atomic_long st_waiting, st_parked, st_adopted, st_delivered, st_expired,
    st_departed, st_rejected, st_dropped;

/* ---- deadlines and counters ------------------------------------------ */

int64_t
wait_deadline(int64_t now, int64_t timeout_ms)
{
	if (timeout_ms <= 0)
		return now;
	if (now > INT64_MAX - timeout_ms)
		return INT64_MAX;
	return now + timeout_ms;
}

long
wait_timeout_clamp(long requested, long dflt, long cap)
{
	if (requested < 0)
		requested = dflt;
	if (requested > cap)
		requested = cap;
	return requested < 0 ? 0 : requested;
}

void
wait_stats_get(struct wait_stats *s)
{
	s->waiting = atomic_load(&st_waiting);
	s->parked = atomic_load(&st_parked);
	s->adopted = atomic_load(&st_adopted);
	s->delivered = atomic_load(&st_delivered);
	s->expired = atomic_load(&st_expired);
	s->departed = atomic_load(&st_departed);
	s->rejected = atomic_load(&st_rejected);
	s->dropped = atomic_load(&st_dropped);
}

int
wait_reserve(void)
{
	long max = disp.cfg.max_waiters;

	if (!disp.running || atomic_fetch_add(&st_waiting, 1) >= max) {
		if (disp.running)
			atomic_fetch_sub(&st_waiting, 1);
		atomic_fetch_add(&st_rejected, 1);
		return -1;
	}
	return 0;
}

void
wait_unreserve(void)
{
	atomic_fetch_sub(&st_waiting, 1);
}

int
wait_running(void)
{
	return disp.running;
}

long long
wait_head(void)
{
	return disp.running ? atomic_load(&st_head) : -1;
}

long long
wait_pruned(void)
{
	return atomic_load(&st_pruned);
}

/* A prune commits like an import: read where history starts after each. */
static void
wait_read_pruned(void)
{
	long long pruned;

	if (db_meta_get(watch_db(disp.watch), "pruned_through_id", 0,
	    &pruned) == 0)
		atomic_store(&st_pruned, pruned);
}

/* ---- FastCGI records and writing ------------------------------------- */
static void	wait_finish(struct waiter *, int status);

/* Writes what the socket takes now; 0, or -1 when the peer is gone. */
static int
wait_flush(struct waiter *w)
{
	ssize_t n;

	while (w->pend_off < w->pend_len) {
		n = send(w->fd, w->pend + w->pend_off,
		    w->pend_len - w->pend_off, WAIT_SEND_FLAGS);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		w->pend_off += (size_t)n;
	}
	free(w->pend);
	w->pend = NULL;
	w->pend_len = w->pend_off = 0;
	return 0;
}

/* Watches w's fd for leaving, and for writability while bytes wait. */
static void
wait_epoll(struct waiter *w, int op)
{
	struct epoll_event ev = { .data.ptr = w,
	    .events = EPOLLIN | EPOLLRDHUP | (w->pend ? EPOLLOUT : 0) };

	if (epoll_ctl(disp.epfd, op, w->fd, &ev) == -1)
		log_warn("wait: epoll_ctl fd %d", w->fd);
}

/*
 * Sends payload to w (the end of its request with final).  What the
 * socket does not take now is kept and written when it can; a waiter
 * with more than WAIT_PEND_MAX bytes unread is dropped.  May finish (and
 * free) w: the caller must not touch w afterwards.
 */
static void
wait_send(struct waiter *w, const char *p, size_t len, int final,
    int status)
{
	struct wait_buf	*f = &disp.frame;
	int		 had = w->pend != NULL;
	size_t		 off = 0;
	ssize_t		 n;

	f->len = 0;
	wait_frame(f, w->rid, p, len, final);
	if (f->oom || w->pend_len - w->pend_off + f->len > WAIT_PEND_MAX) {
		atomic_fetch_add(&st_dropped, 1);
		wait_finish(w, WAIT_STATUS_GONE);
		return;
	}
	if (!had) {		/* the usual case: the socket takes it all */
		while ((n = send(w->fd, f->p + off, f->len - off,
		    WAIT_SEND_FLAGS)) > 0 &&
		    (off += (size_t)n) < f->len)
			;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			atomic_fetch_add(&st_departed, 1);
			wait_finish(w, WAIT_STATUS_GONE);
			return;
		}
	}
	if (off < f->len) {
		if ((w->pend = realloc(w->pend, w->pend_len + f->len - off))
		    == NULL) {
			wait_finish(w, WAIT_STATUS_GONE);
			return;
		}
		memcpy(w->pend + w->pend_len, f->p + off, f->len - off);
		w->pend_len += f->len - off;
	}
	if (final) {
		w->closing = 1;
		w->status = status;
	}
	if (wait_flush(w) == -1) {
		atomic_fetch_add(&st_departed, 1);
		wait_finish(w, WAIT_STATUS_GONE);
	} else if (w->pend == NULL && w->closing && disp.deferring) {
		w->dnext = disp.done;
		disp.done = w;
	} else if (w->pend == NULL && w->closing)
		wait_finish(w, w->status);
	else if (had != (w->pend != NULL))
		wait_epoll(w, EPOLL_CTL_MOD);
}

/* ---- groups ------------------------------------------------------------ */

static unsigned
wait_hash(enum wait_kind kind, long long cursor, const struct watch_syms *s)
{
	unsigned	h = 2166136261u;
	size_t		i;
	const char	*c;

	h = (h ^ (unsigned)kind) * 16777619u;
	h = (h ^ (unsigned)cursor) * 16777619u;
	h = (h ^ (unsigned)(cursor >> 32)) * 16777619u;
	for (i = 0; i < s->n; i++)
		for (c = s->name[i]; ; c++) {
			h = (h ^ (unsigned char)*c) * 16777619u;
			if (*c == '\0')
				break;
		}
	return h;
}

static struct wait_group *
wait_group_find(enum wait_kind kind, long long cursor,
    const struct watch_syms *s, unsigned h)
{
	struct wait_group *g;

	for (g = disp.bucket[h % WAIT_BUCKETS]; g != NULL; g = g->hnext)
		if (g->hash == h && g->kind == kind && g->cursor == cursor &&
		    watch_syms_cmp(&g->syms, s) == 0)
			return g;
	return NULL;
}

static void
wait_group_link(struct wait_group *g)
{
	struct wait_group **b = &disp.bucket[g->hash % WAIT_BUCKETS];

	g->hnext = *b;
	*b = g;
}

static void
wait_group_unlink(struct wait_group *g)
{
	struct wait_group **pp = &disp.bucket[g->hash % WAIT_BUCKETS];

	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
}

/* The group for (kind, cursor, syms), made when there is none; or NULL. */
static struct wait_group *
wait_group_get(enum wait_kind kind, long long cursor,
    const struct watch_syms *s)
{
	unsigned		 h = wait_hash(kind, cursor, s);
	struct wait_group	*g;

	if ((g = wait_group_find(kind, cursor, s, h)) != NULL)
		return g;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->hash = h;
	g->kind = kind;
	g->cursor = g->scanned = cursor;
	g->syms = *s;
	LIST_INIT(&g->members);
	wait_group_link(g);
	LIST_INSERT_HEAD(&disp.groups, g, entry);
	return g;
}

static void
wait_group_free(struct wait_group *g)
{
	wait_group_unlink(g);
	LIST_REMOVE(g, entry);
	free(g);
}

static void
wait_join(struct waiter *w, struct wait_group *g)
{
	w->group = g;
	LIST_INSERT_HEAD(&g->members, w, gentry);
	g->nmembers++;
}

/* Takes w out of its group, freeing the group when it empties. */
static void
wait_leave(struct waiter *w)
{
	struct wait_group *g = w->group;

	if (g == NULL)
		return;
	LIST_REMOVE(w, gentry);
	w->group = NULL;
	if (--g->nmembers == 0)
		wait_group_free(g);
}

/*
 * Moves every member of g to the group of cursor (both cursor and scanned
 * become it), merging with one that exists.  Returns the group they are
 * in now, or NULL when g was empty.
 */
static struct wait_group *
wait_group_move(struct wait_group *g, long long cursor)
{
	struct wait_group	*to;
	struct waiter		*w;

	if (LIST_EMPTY(&g->members))
		return NULL;
	to = wait_group_find(g->kind, cursor, &g->syms,
	    wait_hash(g->kind, cursor, &g->syms));
	if (to == NULL) {
		wait_group_unlink(g);
		g->cursor = g->scanned = cursor;
		g->hash = wait_hash(g->kind, cursor, &g->syms);
		wait_group_link(g);
		return g;
	}
	if (to != g) {
		/*
		 * Pinned: wait_leave frees a group with its last member, and
		 * the loop reads g->members once more after that one left.
		 */
		g->nmembers++;
		while ((w = LIST_FIRST(&g->members)) != NULL) {
			wait_leave(w);
			wait_join(w, to);
		}
		if (--g->nmembers == 0)
			wait_group_free(g);
	}
	if (to->scanned < cursor)
		to->scanned = cursor;
	return to;
}

/* ---- serving ------------------------------------------------------------ */

int
wait_collect_tick(const struct watch_tick *t, void *arg)
{
	struct wait_collect *c = arg;

	if (c->count > 0)
		wait_buf_add(c->ticks, ",", 1);
	wait_buf_add(c->ticks, t->json, t->len);
	c->last = t->id;
	return ++c->count == WAIT_BATCH_MAX;
}

/*
 * Joins the ticks of g's symbols in (g->scanned, head] into c, from the
 * ring, or from SQL when they fell off it.  0, or -1 on SQL error.
 */
static int
wait_gather(const struct wait_group *g, struct wait_collect *c)
{
	struct watch	*wt = disp.watch;
	size_t		 i, end = watch_end(wt);
	const struct watch_tick *t;

	if (g->scanned < watch_floor(wt))
		return watch_read(watch_db(wt), g->scanned, watch_head(wt),
		    &g->syms, WAIT_BATCH_MAX, wait_collect_tick, c) < 0 ? -1 : 0;
	for (i = watch_seek(wt, g->scanned); i < end; i++) {
		t = watch_at(wt, i);
		if (watch_syms_has(&g->syms, t->symbol) &&
		    wait_collect_tick(t, c))
			break;
	}
	return 0;
}

/*
 * Brings every member of g up to the watcher's head: one answer built per
 * batch, written to all.  Poll members finish; stream members stay, in
 * the group of their new cursor.
 */
static void
wait_serve(struct wait_group *g)
{
	const struct wait_ops	*ops;
	struct wait_collect	 c;
	struct waiter		*w, *next;
	long long		 head = watch_head(disp.watch), cursor;

	while (g != NULL && g->scanned < head) {
		ops = disp.cfg.ops[g->kind];
		disp.ticks.len = 0;
		c = (struct wait_collect){ &disp.ticks, 0, 0 };
		if (wait_gather(g, &c) == -1) {
			log_warnx("wait: reading ticks after %lld failed",
			    g->scanned);
			return;		/* the timer tries again */
		}
		if (c.count == 0) {
			g->scanned = head;
			return;
		}
		cursor = c.count == WAIT_BATCH_MAX ? c.last : head;
		disp.out.len = 0;
		ops->deliver(&disp.out, cursor, disp.ticks.p, disp.ticks.len);
		/*
		 * The answer goes to every member first, and only then are
		 * the answered ones finished (their connections handed back
		 * or closed, their requests freed): the last member's answer
		 * leaves that much sooner.
		 */
		g->nmembers++;		/* pinned: members may leave meanwhile */
		disp.deferring = 1;
		for (w = LIST_FIRST(&g->members); w != NULL; w = next) {
			next = LIST_NEXT(w, gentry);
			atomic_fetch_add(&st_delivered, 1);
			if (!ops->persistent)
				wait_leave(w);
			wait_send(w, disp.out.p, disp.out.len,
			    !ops->persistent, 200);
		}
		disp.deferring = 0;
		while ((w = disp.done) != NULL) {
			disp.done = w->dnext;
			wait_finish(w, w->status);
		}
		if (--g->nmembers == 0) {
			wait_group_free(g);
			return;
		}
		g = wait_group_move(g, cursor);
	}
}

static void
wait_serve_all(void)
{
	struct wait_group *g, *next;

	for (g = LIST_FIRST(&disp.groups); g != NULL; g = next) {
		next = LIST_NEXT(g, entry);
		wait_serve(g);
	}
}

/* ---- the dispatcher ------------------------------------------------------ */

/*
 * Gives a connection whose request was answered whole back to the app
 * (on_idle), when the web server keeps it: out of our epoll set first,
 * since its next request is not ours.
 */
static int
wait_unpark(struct waiter *w, int status)
{
	if (!w->keep || status == WAIT_STATUS_GONE ||
	    disp.cfg.on_idle == NULL ||
	    epoll_ctl(disp.epfd, EPOLL_CTL_DEL, w->fd, NULL) == -1)
		return -1;
	disp.cfg.on_idle(w->fd);
	return 0;
}

/*
 * Ends w: closes its connection (or gives it back) and gives its owner
 * back.  Frees w.
 */
static void
wait_finish(struct waiter *w, int status)
{
	wait_leave(w);
	LIST_REMOVE(w, entry);
	if (wait_unpark(w, status) == -1)
		close(w->fd);
	free(w->pend);
	free(w->ticket);
	atomic_fetch_sub(&st_waiting, 1);
	if (disp.cfg.on_finish != NULL)
		disp.cfg.on_finish(w->owner, w->kind, status);
	free(w);
}

/*
 * Takes the inbox's waiters into groups, then serves the groups that are
 * behind: waiters that came in one batch with the same cursor (re-polls
 * that missed a commit on their way) share one answer.
 */
static void
wait_adopt(void)
{
	struct waiter		*w, *next;
	struct wait_group	*g;
	uint64_t		 n;
	int			 behind = 0;

	if (read(disp.evfd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("wait: eventfd");
	pthread_mutex_lock(&disp.lock);
	w = disp.inbox;
	disp.inbox = NULL;
	pthread_mutex_unlock(&disp.lock);
	for (; w != NULL; w = next) {
		next = w->inext;
		LIST_INSERT_HEAD(&disp.waiters, w, entry);
		if ((g = wait_group_get(w->kind, w->ticket->cursor,
		    &w->ticket->syms)) == NULL) {
			wait_finish(w, WAIT_STATUS_GONE);
			continue;
		}
		if (g->scanned < w->ticket->scanned)
			g->scanned = w->ticket->scanned;
		free(w->ticket);
		w->ticket = NULL;
		wait_join(w, g);
		wait_epoll(w, EPOLL_CTL_ADD);
		if (w->deadline < disp.next_sweep)
			disp.next_sweep = w->deadline;
		atomic_fetch_add(&st_adopted, 1);
		behind |= g->scanned < watch_head(disp.watch);
	}
	if (behind)
		wait_serve_all();
}

/* Deadlines: poll answers its empty list, a stream ends (and resumes). */
static void
wait_sweep(int64_t now, int all)
{
	struct waiter	*w, *next;
	int64_t		 soonest = INT64_MAX;
	long long	 cursor;

	for (w = LIST_FIRST(&disp.waiters); w != NULL; w = next) {
		next = LIST_NEXT(w, entry);
		if (w->closing)
			continue;
		if (!all && w->deadline > now) {
			if (w->deadline < soonest)
				soonest = w->deadline;
			continue;
		}
		cursor = w->group ? w->group->cursor : 0;
		wait_leave(w);
		atomic_fetch_add(&st_expired, 1);
		disp.out.len = 0;
		disp.cfg.ops[w->kind]->expire(&disp.out, cursor);
		wait_send(w, disp.out.p, disp.out.len, 1, 200);
	}
	disp.next_sweep = soonest;
}

static void
wait_heartbeat(void)
{
	struct waiter	*w, *next;
	const struct wait_ops *ops;

	for (w = LIST_FIRST(&disp.waiters); w != NULL; w = next) {
		next = LIST_NEXT(w, entry);
		ops = disp.cfg.ops[w->kind];
		if (w->closing || ops->heartbeat == NULL)
			continue;
		disp.out.len = 0;
		ops->heartbeat(&disp.out);
		wait_send(w, disp.out.p, disp.out.len, 0, 200);
	}
}

/*
 * A parked connection's readiness.  Only w itself may be freed here: the
 * rest of the epoll batch still points at other waiters.
 */
static void
wait_event(struct epoll_event *ev)
{
	struct waiter *w = ev->data.ptr;

	if (ev->events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		atomic_fetch_add(&st_departed, 1);
		wait_finish(w, WAIT_STATUS_GONE);
		return;
	}
	if (wait_flush(w) == -1) {
		atomic_fetch_add(&st_departed, 1);
		wait_finish(w, WAIT_STATUS_GONE);
	} else if (w->pend == NULL && w->closing)
		wait_finish(w, w->status);
	else if (w->pend == NULL)
		wait_epoll(w, EPOLL_CTL_MOD);
}

static int
wait_timeout(int64_t now)
{
	int64_t next = disp.next_timer;

	if (disp.next_sweep < next)
		next = disp.next_sweep;
	if (disp.next_beat < next)
		next = disp.next_beat;
	if (next <= now)
		return 0;
	return next - now > 1000 ? 1000 : (int)(next - now);
}

/*
 * Reads new commits and serves them.  The last write of a commit to the
 * -wal (our inotify event) comes just before the commit is visible: an
 * event that finds nothing new is looked at again after 1, 2, 4 .. 1024
 * ms, then the slow timer takes over again.  Each new event starts that
 * series over: doubling on from where an earlier event's series had got
 * to (a lone -wal write, a checkpoint) once put a commit 128 ms late.
 */
static void
wait_refresh(int64_t now, int changed)
{
	long n = watch_refresh(disp.watch);

	wait_read_pruned();	/* the slow timer too: inotify may be absent */
	if (n > 0) {
		atomic_store(&st_head, watch_head(disp.watch));
		wait_serve_all();
	}
	if (n == 0 && changed)
		disp.recheck_ms = 1;
	else if (n == 0 && disp.recheck_ms > 0 &&
	    disp.recheck_ms < WAIT_RECHECK_MAX_MS)
		disp.recheck_ms *= 2;
	else
		disp.recheck_ms = 0;
	disp.next_timer = now + (disp.recheck_ms > 0 ? disp.recheck_ms :
	    WAIT_TIMER_MS);
}

/* One turn: wait for something, then handle it all. */
static void
wait_turn(void)
{
	struct epoll_event	 evs[WAIT_EVENTS];
	int			 i, n, changed = 0, inbox = 0;
	int64_t			 now = time_mono_ms();

	n = epoll_wait(disp.epfd, evs, WAIT_EVENTS, wait_timeout(now));
	for (i = 0; i < n; i++) {
		if (evs[i].data.ptr == &wait_tag_inbox)
			inbox = 1;
		else if (evs[i].data.ptr == &wait_tag_watch)
			changed |= watch_drain(disp.watch);
		else
			wait_event(&evs[i]);
	}
	if (inbox)
		wait_adopt();
	now = time_mono_ms();
	if (changed || now >= disp.next_timer)
		wait_refresh(now, changed);
	if (now >= disp.next_sweep) {
		wait_sweep(now, 0);
		if (disp.next_sweep < now + WAIT_SWEEP_MIN_MS)
			disp.next_sweep = now + WAIT_SWEEP_MIN_MS;
	}
	if (now >= disp.next_beat) {
		wait_heartbeat();
		disp.next_beat = now + disp.cfg.heartbeat_ms;
	}
}

static void *
wait_main(void *arg)
{
	int stop = 0;

	(void)arg;
	while (!stop) {
		wait_turn();
		pthread_mutex_lock(&disp.lock);
		stop = disp.stop;
		pthread_mutex_unlock(&disp.lock);
	}
	wait_adopt();
	wait_sweep(time_mono_ms(), 1);
	while (!LIST_EMPTY(&disp.waiters))	/* answered, bytes unsent */
		wait_finish(LIST_FIRST(&disp.waiters), WAIT_STATUS_GONE);
	return NULL;
}

static int
wait_add_fd(int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(disp.epfd, EPOLL_CTL_ADD, fd, &ev);
}

int
wait_init(const struct wait_config *cfg, char *err)
{
	char	werr[WATCH_ERRSZ];
	int64_t	now = time_mono_ms();

	disp.cfg = *cfg;
	if (disp.cfg.max_waiters <= 0)
		disp.cfg.max_waiters = WAIT_MAX_DEFAULT;
	if (disp.cfg.heartbeat_ms <= 0)
		disp.cfg.heartbeat_ms = WAIT_HEARTBEAT_MS;
	disp.epfd = disp.evfd = -1;
	if ((disp.watch = watch_open(cfg->dbpath, werr)) == NULL) {
		snprintf(err, WAIT_ERRSZ, "%s", werr);
		return -1;
	}
	if ((disp.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (disp.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    wait_add_fd(disp.evfd, &wait_tag_inbox) == -1 ||
	    (watch_fd(disp.watch) != -1 &&
	    wait_add_fd(watch_fd(disp.watch), &wait_tag_watch) == -1)) {
		snprintf(err, WAIT_ERRSZ, "wait: %s", strerror(errno));
		goto fail;
	}
	atomic_store(&st_head, watch_head(disp.watch));
	wait_read_pruned();
	disp.next_sweep = INT64_MAX;
	disp.next_beat = now + disp.cfg.heartbeat_ms;
	disp.next_timer = now + WAIT_TIMER_MS;
	disp.stop = 0;
	disp.running = 1;
	if ((errno = pthread_create(&disp.thread, NULL, wait_main, NULL))) {
		snprintf(err, WAIT_ERRSZ, "wait: thread: %s", strerror(errno));
		disp.running = 0;
		goto fail;
	}
	return 0;
fail:
	if (disp.evfd != -1)
		close(disp.evfd);
	if (disp.epfd != -1)
		close(disp.epfd);
	watch_close(disp.watch);
	disp.watch = NULL;
	return -1;
}

static void
wait_wake(void)
{
	uint64_t one = 1;

	if (write(disp.evfd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_warn("wait: eventfd");
}

void
wait_fini(void)
{
	if (!disp.running)
		return;
	pthread_mutex_lock(&disp.lock);
	disp.stop = 1;
	pthread_mutex_unlock(&disp.lock);
	wait_wake();
	pthread_join(disp.thread, NULL);
	disp.running = 0;
	atomic_store(&st_head, -1);
	close(disp.evfd);
	close(disp.epfd);
	watch_close(disp.watch);
	disp.watch = NULL;
	wait_buf_free(&disp.out);
	wait_buf_free(&disp.frame);
	wait_buf_free(&disp.ticks);
}

/* ---- parking (accept threads) -------------------------------------------- */

/*
 * Reads the request's stdin to its end, so that the connection is
 * readable again only when the web server closes it.
 */
static int
wait_drain_stdin(FCGX_Request *req)
{
	char	buf[512];
	int	n;

	while ((n = FCGX_GetStr(buf, sizeof(buf), req->in)) > 0)
		;
	return FCGX_GetError(req->in) != 0 || FCGX_GetError(req->out) != 0 ?
	    -1 : 0;
}

int
wait_park(FCGX_Request *req, const struct wait_ticket *t)
{
	struct waiter	*w;
	int		 first;

	if (FCGX_FFlush(req->out) == -1 || wait_drain_stdin(req) == -1)
		goto gone;
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->ticket = malloc(sizeof(*t))) == NULL) {
		free(w);
		goto gone;
	}
	*w->ticket = *t;
	w->kind = t->kind;
	w->deadline = t->deadline;
	w->owner = t->owner;
	w->fd = req->ipcFd;
	w->rid = (unsigned)req->requestId;
	w->keep = req->keepConnection != 0;
	/* The connection is ours now; libfcgi keeps nothing of it. */
	FCGX_Free(req, 0);
	req->ipcFd = -1;
	atomic_fetch_add(&st_parked, 1);
	/*
	 * The dispatcher reads the eventfd before it takes the whole inbox:
	 * only the first of a burst of parkings needs to wake it.
	 */
	pthread_mutex_lock(&disp.lock);
	first = disp.inbox == NULL;
	w->inext = disp.inbox;
	disp.inbox = w;
	pthread_mutex_unlock(&disp.lock);
	if (first)
		wait_wake();
	return 0;
gone:
	wait_unreserve();
	return -1;
}

/*
 * Waiting requests: long-poll and server-sent events without a thread
 * per client.
 *
 * The problem.  libfcgi is synchronous: a worker reads a request, a
 * handler writes the answer, FCGX_Finish_r ends it.  A long-poll client
 * that waits 25 s for the next tick would hold its worker for 25 s, and
 * ten thousand of them would need ten thousand threads.  So a request
 * with nothing to send is taken off its worker: it is *parked*, and
 * becomes a *waiter* owned by one dispatcher thread.
 *
 * Life cycle.
 *
 *   worker (any of cfg.threads)        dispatcher thread (one)
 *   ---------------------------        -----------------------
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
 *                                      heartbeat -> to every stream
 *                                      (its resume cursor, the age of
 *                                      the newest tick)
 *
 * The fast path.  A handler whose cursor lies between pruned history and
 * the dispatcher's head (wait_head(): the common case, a client re-polls
 * with the cursor of the answer it just got) parks without a query: the
 * dispatcher knows every tick up to its head, and answers a cursor
 * behind its head at once from its ring, one answer for every request
 * with that cursor.  Symbols the dispatcher has not seen
 * (wait_known_symbol()) and cursors outside that window take the slow
 * path: the handler checks them against the store (400, 404, 410) and
 * answers at once when there are ticks to send.
 *
 * What a parked request holds.  Its connection to the web server (the fd
 * and the FastCGI request id: from here on the dispatcher writes the
 * FastCGI records itself, frame.h; a connection the web server keeps
 * goes back to the workers' epoll set, conn.h, once its answer is written
 * whole), its deadline, the bytes not yet written when the web server
 * reads slowly, and its owner (the app's struct req with libfcgi's 17 KB
 * of stream buffers already freed) given back through on_finish.  The
 * symbol set and cursor live in its group, shared by every request that
 * would receive the same bytes.  About 1.5 KB per client all told, and
 * no thread.
 *
 * What wakes it.  The watcher (watch.c) turns commits of the ingest
 * process into new ticks, formatted as JSON once, in a ring; a group
 * whose cursor lies behind the ring's head gets its answer built once
 * from the ring (or from SQL when its cursor fell off the ring) and
 * written to all its members.  Its epoll readiness: the web server
 * closes the FastCGI connection when its client goes away (nginx does so
 * even with fastcgi_keep_conn on, since it keeps a connection only after
 * a whole answer; the request's stdin was read to its end before
 * parking, so readable can only mean gone), which frees the slot at
 * once.  Its deadline, checked at least every second (timeouts are
 * clamped below the web server's read timeout, WAIT_TIMEOUT_CAP).
 * Shutdown answers everything (wait_fini).
 *
 * Exactly once, in order.  A group's `scanned` says that no tick of its
 * symbols lies in (cursor, scanned]; answers hold every matching tick in
 * (scanned, head] up to WAIT_BATCH_MAX, and the next cursor is head (or
 * the last tick sent when the batch was full).  Since ids are given in
 * commit order, every tick <= head is known when head is: nothing is
 * skipped, nothing sent twice, across any number of reconnects.
 *
 * A new waiting endpoint.  It implements struct wait_ops (wait.h):
 * deliver (the bytes for new ticks, which always arrive as ready-made
 * JSON, and the next cursor), expire (the bytes when the deadline
 * passes), optionally heartbeat, and whether it stays parked after a
 * delivery (persistent).  It is registered by one value in enum
 * wait_kind (wait.h) and one row in ep_wait_kinds[] (ep_wait.c), and
 * routed by one row in routes.c.  Its handler (its own ep_NAME.c, with
 * the helpers of ep_wait.h) answers at once when it can, else reserves a
 * slot, writes what must precede the wait, and parks a ticket.
 * ep_poll.c and ep_stream.c are the two there are.
 *
 * Threads.  main() starts the dispatcher (wait_init) before the workers.
 * Parked requests, groups and the watcher belong to the dispatcher
 * alone; workers only touch the inbox (a mutex and an eventfd), the
 * known-symbol set (a rwlock) and the counters (atomics).  Files:
 * wait_int.h says which part lives where.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "timeutil.h"
#include "wait_int.h"

#define WAIT_EVENTS		256
#define WAIT_SWEEP_MIN_MS	50	/* deadline checks at most this often */
#define WAIT_RECHECK_FIRST_US	50
#define WAIT_RECHECK_MAX_US	1024000
#define WAIT_OPEN_MS		1000	/* retry opening a missing store */

static struct wait_disp *const disp = &wait_disp;
/* Tags for the non-waiter fds in the epoll set. */
static char wait_tag_inbox, wait_tag_watch;

/* A prune commits like an import: read where history starts after each. */
static void
wait_read_pruned(void)
{
	long long pruned;

	if (db_meta_get(watch_db(disp->watch), "pruned_through_id", 0,
	    &pruned) == 0)
		atomic_store(&disp->pruned, pruned);
}

/* Every symbol of the store, into the known set (wait_known_symbol). */
static void
wait_load_names(void)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(watch_db(disp->watch), "SELECT symbol FROM "
	    "symbols", -1, &st, NULL) != SQLITE_OK) {
		log_warnx("wait: symbols: %s",
		    sqlite3_errmsg(watch_db(disp->watch)));
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		wait_names_add((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/*
 * The symbols of the n ticks the watcher just read from ring index
 * from on; when some already left the ring, all of them from the store.
 */
static void
wait_learn_names(size_t from, long n)
{
	size_t i, end = watch_end(disp->watch);

	if ((size_t)n > end - from || from < watch_seek(disp->watch, -1)) {
		wait_load_names();
		return;
	}
	for (i = from; i < end; i++)
		wait_names_add(watch_at(disp->watch, i)->symbol);
}

static int
wait_add_fd(int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(disp->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/*
 * Opens the watcher, once the store can be read: the ticks from here on
 * come through it, the symbols known so far from the store.  On failure
 * tries again WAIT_OPEN_MS later (the first failure is logged).
 */
static void
wait_open_watch(int64_t now)
{
	char		err[WATCH_ERRSZ];
	struct watch	*wt;

	disp->next_timer = now + WAIT_OPEN_MS;
	if ((wt = watch_open(disp->cfg.dbpath, err)) == NULL) {
		if (!disp->open_failed)
			log_warnx("long-poll and stream unavailable until the "
			    "store can be read: %s", err);
		disp->open_failed = 1;
		return;
	}
	if (watch_fd(wt) != -1 &&
	    wait_add_fd(watch_fd(wt), &wait_tag_watch) == -1) {
		log_warn("wait: epoll_ctl");
		watch_close(wt);
		return;
	}
	disp->watch = wt;
	wait_load_names();
	wait_read_pruned();
	disp->next_timer = now + WAIT_TIMER_MS;
	if (disp->open_failed)
		log_info("long-poll and stream available");
	disp->open_failed = 0;
	atomic_store(&disp->head, watch_head(wt));	/* ready */
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

	if (read(disp->evfd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("wait: eventfd");
	pthread_mutex_lock(&disp->lock);
	w = disp->inbox;
	disp->inbox = NULL;
	pthread_mutex_unlock(&disp->lock);
	for (; w != NULL; w = next) {
		next = w->inext;
		LIST_INSERT_HEAD(&disp->waiters, w, entry);
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
		if (w->deadline < disp->next_sweep)
			disp->next_sweep = w->deadline;
		atomic_fetch_add(&disp->adopted, 1);
		behind |= g->scanned < watch_head(disp->watch);
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

	for (w = LIST_FIRST(&disp->waiters); w != NULL; w = next) {
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
		atomic_fetch_add(&disp->expired, 1);
		buf_reset(&disp->out);
		disp->kinds[w->kind]->expire(&disp->out, cursor);
		wait_send(w, disp->out.p, disp->out.len, 1, 200);
	}
	disp->next_sweep = soonest;
}

static void
wait_heartbeat(void)
{
	struct waiter	*w, *next;
	const struct wait_ops *ops;

	for (w = LIST_FIRST(&disp->waiters); w != NULL; w = next) {
		next = LIST_NEXT(w, entry);
		ops = disp->kinds[w->kind];
		if (w->closing || w->group == NULL || ops->heartbeat == NULL)
			continue;
		buf_reset(&disp->out);
		ops->heartbeat(&disp->out, w->group ? w->group->scanned : 0,
		    watch_newest_ts(disp->watch));
		wait_send(w, disp->out.p, disp->out.len, 0, 200);
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
		atomic_fetch_add(&disp->departed, 1);
		wait_finish(w, WAIT_STATUS_GONE);
		return;
	}
	if (wait_flush(w) == -1) {
		atomic_fetch_add(&disp->departed, 1);
		wait_finish(w, WAIT_STATUS_GONE);
	} else if (w->pend.len == 0 && w->closing)
		wait_finish(w, w->status);
	else if (w->pend.len == 0)
		wait_epoll(w, EPOLL_CTL_MOD);
}

/* ms to us, saturating (INT64_MAX stands for "never"). */
static int64_t
wait_ms_to_us(int64_t ms)
{
	return ms > INT64_MAX / 1000 ? INT64_MAX : ms * 1000;
}

/* How long to wait for events: until the next timer is due, at most 1 s. */
static struct timespec
wait_timeout(int64_t now_us)
{
	int64_t	next = wait_ms_to_us(disp->next_timer), left;

	if (wait_ms_to_us(disp->next_sweep) < next)
		next = wait_ms_to_us(disp->next_sweep);
	if (wait_ms_to_us(disp->next_beat) < next)
		next = wait_ms_to_us(disp->next_beat);
	if (disp->recheck_at_us != 0 && disp->recheck_at_us < next)
		next = disp->recheck_at_us;
	left = next <= now_us ? 0 : next - now_us > 1000000 ? 1000000 :
	    next - now_us;
	return (struct timespec){ left / 1000000, (left % 1000000) * 1000 };
}

/*
 * Waits for events up to *ts.  epoll_pwait2 (Linux 5.11) keeps the
 * microseconds the re-check after an early event needs; an older kernel
 * rounds them up to a millisecond.
 */
static int
wait_events(struct epoll_event *evs, int max, const struct timespec *ts)
{
	static int	no_pwait2;	/* the dispatcher's thread alone */
	int		n;

	if (!no_pwait2) {
		n = epoll_pwait2(disp->epfd, evs, max, ts, NULL);
		if (n != -1 || errno != ENOSYS)
			return n;
		no_pwait2 = 1;	/* asked once (valgrind knows it not) */
	}
	return epoll_wait(disp->epfd, evs, max, (int)(ts->tv_sec * 1000 +
	    (ts->tv_nsec + 999999) / 1000000));
}

/*
 * Reads new commits and serves them.  The last write of a commit to the
 * -wal (our inotify event) comes just before the commit is visible: an
 * event that finds nothing new is looked at again after 50, 100, 200 us,
 * doubling up to about a second, then the slow timer takes over again.
 * Most such commits are visible within 100 us (bench/push.sh measured 9
 * in 41 commits not yet visible at the event, 8 of them within 100 us),
 * so the first looks come in microseconds, not the millisecond they used
 * to wait.  Each new event starts the series over: doubling on from where
 * an earlier event's series had got to (a lone -wal write, a checkpoint)
 * once put a commit 128 ms late.
 */
static void
wait_refresh(int64_t now_us, int changed)
{
	size_t	from = watch_end(disp->watch);
	long	n = watch_refresh(disp->watch);

	wait_read_pruned();	/* the slow timer too: inotify may be absent */
	if (n > 0) {
		wait_learn_names(from, n);
		atomic_store(&disp->head, watch_head(disp->watch));
		wait_serve_all();
	}
	if (n == 0 && changed)
		disp->recheck_us = WAIT_RECHECK_FIRST_US;
	else if (n == 0 && disp->recheck_us > 0 &&
	    disp->recheck_us < WAIT_RECHECK_MAX_US)
		disp->recheck_us *= 2;
	else
		disp->recheck_us = 0;
	disp->recheck_at_us = disp->recheck_us > 0 ?
	    time_mono_us() + disp->recheck_us : 0;
	disp->next_timer = now_us / 1000 + WAIT_TIMER_MS;
}

/* One turn: wait for something, then handle it all. */
static void
wait_turn(void)
{
	struct epoll_event	 evs[WAIT_EVENTS];
	struct timespec		 ts = wait_timeout(time_mono_us());
	int			 i, n, changed = 0, inbox = 0;
	int64_t			 now, now_us;

	n = wait_events(evs, WAIT_EVENTS, &ts);
	for (i = 0; i < n; i++) {
		if (evs[i].data.ptr == &wait_tag_inbox)
			inbox = 1;
		else if (evs[i].data.ptr == &wait_tag_watch)
			changed |= watch_drain(disp->watch);
		else
			wait_event(&evs[i]);
	}
	if (inbox)
		wait_adopt();
	now_us = time_mono_us();
	now = now_us / 1000;
	if (disp->watch == NULL && now >= disp->next_timer)
		wait_open_watch(now);
	else if (disp->watch != NULL && (changed || now >= disp->next_timer ||
	    (disp->recheck_at_us != 0 && now_us >= disp->recheck_at_us)))
		wait_refresh(now_us, changed);
	if (now >= disp->next_sweep) {
		wait_sweep(now, 0);
		if (disp->next_sweep < now + WAIT_SWEEP_MIN_MS)
			disp->next_sweep = now + WAIT_SWEEP_MIN_MS;
	}
	if (now >= disp->next_beat) {
		wait_heartbeat();
		disp->next_beat = now + disp->cfg.heartbeat_ms;
	}
}

static void *
wait_main(void *arg)
{
	int stop = 0;

	(void)arg;
	while (!stop) {
		wait_turn();
		pthread_mutex_lock(&disp->lock);
		stop = disp->stop;
		pthread_mutex_unlock(&disp->lock);
	}
	wait_adopt();
	wait_sweep(time_mono_ms(), 1);
	while (!LIST_EMPTY(&disp->waiters))	/* answered, bytes unsent */
		wait_finish(LIST_FIRST(&disp->waiters), WAIT_STATUS_GONE);
	return NULL;
}

int
wait_init(const struct wait_config *cfg, char *err)
{
	int i;

	disp->cfg = *cfg;
	for (i = 0; i < WAIT_KIND__MAX; i++)
		disp->kinds[i] = cfg->kinds[i];
	if ((disp->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (disp->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    wait_add_fd(disp->evfd, &wait_tag_inbox) == -1) {
		snprintf(err, WAIT_ERRSZ, "wait: %s", strerror(errno));
		goto fail;
	}
	disp->next_sweep = INT64_MAX;
	disp->next_beat = time_mono_ms() + disp->cfg.heartbeat_ms;
	disp->stop = 0;
	wait_open_watch(time_mono_ms());	/* ready at once if it can be */
	if ((errno = pthread_create(&disp->thread, NULL, wait_main, NULL))) {
		snprintf(err, WAIT_ERRSZ, "wait: thread: %s", strerror(errno));
		goto fail;
	}
	disp->running = 1;
	return 0;
fail:
	atomic_store(&disp->head, -1);
	if (disp->evfd != -1)
		close(disp->evfd);
	if (disp->epfd != -1)
		close(disp->epfd);
	disp->epfd = disp->evfd = -1;
	watch_close(disp->watch);
	disp->watch = NULL;
	return -1;
}

void
wait_fini(void)
{
	if (!disp->running)
		return;
	pthread_mutex_lock(&disp->lock);
	disp->stop = 1;
	pthread_mutex_unlock(&disp->lock);
	wait_wake();
	pthread_join(disp->thread, NULL);
	disp->running = 0;
	atomic_store(&disp->head, -1);
	close(disp->evfd);
	close(disp->epfd);
	disp->epfd = disp->evfd = -1;
	watch_close(disp->watch);
	disp->watch = NULL;
	wait_names_free();
	buf_free(&disp->out);
	buf_free(&disp->frame);
	buf_free(&disp->ticks);
}

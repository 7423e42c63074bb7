/*
 * The workers' side of the waiting machinery: taking and giving back a
 * waiting slot, handing a request over to the dispatcher (parking), the
 * symbols the dispatcher has seen, and the counters.  Any thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"
#include "wait_int.h"

#define WAIT_NAMES_FIRST	256	/* slots; grows at half full */

struct wait_disp wait_disp = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.names = { .lock = PTHREAD_RWLOCK_INITIALIZER },
	.head = -1,
};
static struct wait_disp *const disp = &wait_disp;

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
	s->waiting = atomic_load(&disp->waiting);
	s->parked = atomic_load(&disp->parked);
	s->adopted = atomic_load(&disp->adopted);
	s->delivered = atomic_load(&disp->delivered);
	s->expired = atomic_load(&disp->expired);
	s->departed = atomic_load(&disp->departed);
	s->rejected = atomic_load(&disp->rejected);
	s->dropped = atomic_load(&disp->dropped);
}

int
wait_reserve(void)
{
	if (!wait_ready()) {
		atomic_fetch_add(&disp->rejected, 1);
		return -1;
	}
	if (atomic_fetch_add(&disp->waiting, 1) >= disp->cfg.max_waiters) {
		atomic_fetch_sub(&disp->waiting, 1);
		atomic_fetch_add(&disp->rejected, 1);
		return -1;
	}
	return 0;
}

void
wait_unreserve(void)
{
	atomic_fetch_sub(&disp->waiting, 1);
}

int
wait_ready(void)
{
	return atomic_load(&disp->head) >= 0;
}

long long
wait_head(void)
{
	return atomic_load(&disp->head);
}

long long
wait_pruned(void)
{
	return atomic_load(&disp->pruned);
}

void
wait_wake(void)
{
	uint64_t one = 1;

	if (write(disp->evfd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_warn("wait: eventfd");
}

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
	atomic_fetch_add(&disp->parked, 1);
	/*
	 * The dispatcher reads the eventfd before it takes the whole inbox:
	 * only the first of a burst of parkings needs to wake it.
	 */
	pthread_mutex_lock(&disp->lock);
	first = disp->inbox == NULL;
	w->inext = disp->inbox;
	disp->inbox = w;
	pthread_mutex_unlock(&disp->lock);
	if (first)
		wait_wake();
	return 0;
gone:
	wait_unreserve();
	return -1;
}


/* ---- the symbols the dispatcher has seen ------------------------------ */

/* The slot of symbol in a table of cap slots: its own, or a free one. */
static size_t
wait_names_slot(char (*name)[SYMBOL_MAX + 1], size_t cap,
    const char *symbol)
{
	size_t s = hash32(HASH32_INIT, symbol, strlen(symbol)) & (cap - 1);

	while (name[s][0] != '\0' && strcmp(name[s], symbol) != 0)
		s = (s + 1) & (cap - 1);
	return s;
}

/* Doubles the table (write lock held); 0 or -1 (ENOMEM). */
static int
wait_names_grow(struct wait_names *nm)
{
	char	(*name)[SYMBOL_MAX + 1];
	size_t	 cap = nm->cap ? nm->cap * 2 : WAIT_NAMES_FIRST, i;

	if ((name = calloc(cap, sizeof(*name))) == NULL)
		return -1;
	for (i = 0; i < nm->cap; i++)
		if (nm->name[i][0] != '\0')
			memcpy(name[wait_names_slot(name, cap, nm->name[i])],
			    nm->name[i], sizeof(*name));
	free(nm->name);
	nm->name = name;
	nm->cap = cap;
	return 0;
}

/*
 * Dispatcher thread, the only writer: it may look without the lock.
 * Returns 0, or -1 when out of memory (the symbol stays unknown: its
 * requests take the slow path).
 */
int
wait_names_add(const char *symbol)
{
	struct wait_names	*nm = &disp->names;
	int			 rc = 0;

	if (nm->cap > 0 &&
	    nm->name[wait_names_slot(nm->name, nm->cap, symbol)][0] != '\0')
		return 0;
	pthread_rwlock_wrlock(&nm->lock);
	if (2 * (nm->n + 1) > nm->cap && wait_names_grow(nm) == -1)
		rc = -1;
	else {
		snprintf(nm->name[wait_names_slot(nm->name, nm->cap, symbol)],
		    SYMBOL_MAX + 1, "%s", symbol);
		nm->n++;
	}
	pthread_rwlock_unlock(&nm->lock);
	return rc;
}

int
wait_known_symbol(const char *symbol)
{
	struct wait_names	*nm = &disp->names;
	int			 known = 0;

	pthread_rwlock_rdlock(&nm->lock);
	if (nm->cap > 0)
		known = nm->name[wait_names_slot(nm->name, nm->cap,
		    symbol)][0] != '\0';
	pthread_rwlock_unlock(&nm->lock);
	return known;
}

void
wait_names_free(void)
{
	struct wait_names *nm = &disp->names;

	pthread_rwlock_wrlock(&nm->lock);
	free(nm->name);
	nm->name = NULL;
	nm->cap = nm->n = 0;
	pthread_rwlock_unlock(&nm->lock);
}

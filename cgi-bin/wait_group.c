/*
 * Groups: the parked requests that would receive the same bytes, those of
 * one kind, symbol set and cursor, share one answer (see wait.c).  And
 * serving: bringing a group up to the watcher's head, from its ring or,
 * for a cursor that fell off it, from SQL.  Dispatcher thread only.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"
#include "wait_int.h"

static struct wait_disp *const disp = &wait_disp;

/* The group key's hash: kind, cursor and the sorted symbols. */
static uint32_t
wait_hash(enum wait_kind kind, long long cursor, const struct symset *s)
{
	uint32_t h = HASH32_INIT;

	h = hash32(h, &kind, sizeof(kind));
	h = hash32(h, &cursor, sizeof(cursor));
	return symset_hash(h, s);
}

static struct wait_group *
wait_group_find(enum wait_kind kind, long long cursor,
    const struct symset *s, uint32_t h)
{
	struct wait_group *g;

	for (g = disp->bucket[h % WAIT_BUCKETS]; g != NULL; g = g->hnext)
		if (g->hash == h && g->kind == kind && g->cursor == cursor &&
		    symset_cmp(&g->syms, s) == 0)
			return g;
	return NULL;
}

static void
wait_group_link(struct wait_group *g)
{
	struct wait_group **b = &disp->bucket[g->hash % WAIT_BUCKETS];

	g->hnext = *b;
	*b = g;
}

static void
wait_group_unlink(struct wait_group *g)
{
	struct wait_group **pp = &disp->bucket[g->hash % WAIT_BUCKETS];

	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
}

/* The group for (kind, cursor, syms), made when there is none; or NULL. */
struct wait_group *
wait_group_get(enum wait_kind kind, long long cursor,
    const struct symset *s)
{
	uint32_t		 h = wait_hash(kind, cursor, s);
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
	LIST_INSERT_HEAD(&disp->groups, g, entry);
	return g;
}

static void
wait_group_free(struct wait_group *g)
{
	wait_group_unlink(g);
	LIST_REMOVE(g, entry);
	free(g);
}

void
wait_join(struct waiter *w, struct wait_group *g)
{
	w->group = g;
	LIST_INSERT_HEAD(&g->members, w, gentry);
	g->nmembers++;
}

/* Takes w out of its group, freeing the group when it empties. */
void
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

int
wait_collect_tick(const struct watch_tick *t, void *arg)
{
	struct wait_collect *c = arg;

	if (c->count > 0)
		buf_addc(c->ticks, ',');
	buf_add(c->ticks, t->json, t->len);
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
	struct watch	*wt = disp->watch;
	size_t		 i, end = watch_end(wt);
	const struct watch_tick *t;

	if (g->scanned < watch_floor(wt))
		return watch_read(watch_db(wt), g->scanned, watch_head(wt),
		    &g->syms, WAIT_BATCH_MAX, wait_collect_tick, c) < 0 ? -1 : 0;
	for (i = watch_seek(wt, g->scanned); i < end; i++) {
		t = watch_at(wt, i);
		if (symset_has(&g->syms, t->symbol) &&
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
void
wait_serve(struct wait_group *g)
{
	const struct wait_ops	*ops;
	struct wait_collect	 c;
	struct waiter		*w, *next;
	long long		 head = watch_head(disp->watch), cursor;

	while (g != NULL && g->scanned < head) {
		ops = disp->kinds[g->kind];
		buf_reset(&disp->ticks);
		c = (struct wait_collect){ &disp->ticks, 0, 0 };
		if (wait_gather(g, &c) == -1 || disp->ticks.oom) {
			log_warnx("wait: reading ticks after %lld failed",
			    g->scanned);
			return;		/* the timer tries again */
		}
		if (c.count == 0) {
			g->scanned = head;
			return;
		}
		cursor = c.count == WAIT_BATCH_MAX ? c.last : head;
		buf_reset(&disp->out);
		ops->deliver(&disp->out, cursor, disp->ticks.p, disp->ticks.len);
		if (disp->out.oom) {
			log_warnx("wait: out of memory for an answer");
			return;		/* the timer tries again */
		}
		/*
		 * The answer goes to every member first, and only then are
		 * the answered ones finished (their connections handed back
		 * or closed, their requests freed): the last member's answer
		 * leaves that much sooner.
		 */
		g->nmembers++;		/* pinned: members may leave meanwhile */
		disp->deferring = 1;
		for (w = LIST_FIRST(&g->members); w != NULL; w = next) {
			next = LIST_NEXT(w, gentry);
			atomic_fetch_add(&disp->delivered, 1);
			if (!ops->persistent)
				wait_leave(w);
			wait_send(w, disp->out.p, disp->out.len,
			    !ops->persistent, 200);
		}
		disp->deferring = 0;
		while ((w = disp->done) != NULL) {
			disp->done = w->dnext;
			wait_finish(w, w->status);
		}
		if (--g->nmembers == 0) {
			wait_group_free(g);
			return;
		}
		g = wait_group_move(g, cursor);
	}
}

void
wait_serve_all(void)
{
	struct wait_group *g, *next;

	for (g = LIST_FIRST(&disp->groups); g != NULL; g = next) {
		next = LIST_NEXT(g, entry);
		wait_serve(g);
	}
}


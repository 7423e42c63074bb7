/*
 * publish: the origin's commits, as entries of a Redis stream (entry.h,
 * docs/scale.md).
 *
 * It holds no state of its own.  At start, and after every reconnection,
 * it reads the stream's top entry: that is where it goes on from (an
 * empty stream: from the store's cursor when it starts, or from where it
 * was when it comes back to one).  The top must come from this store
 * (its epoch) and not be ahead of it.  Then it reads the store (opened
 * read-only) in one read transaction at a time: the ticks after the
 * top's cursor, ENTRY_TICKS_MAX at most, the last complete prune
 * (meta prune_done_ts, prune_done_id) and the trading zone, which every
 * entry carries (a new prune or zone with no tick: an entry of its own;
 * an empty stream is taken to carry UTC, a new edge's zone).  The ids
 * after a cursor are consecutive (a rolled back batch gives its ids
 * back, a duplicate takes none), so a missing one was pruned before it
 * was published: the edges could not rebuild its candles, and publish
 * stops (exit 7).
 *
 * Each entry's ID is its cursor, so Redis refuses one it already has
 * ("equal or smaller than the target stream top item"): that is counted
 * as a refused re-publish and publish goes on from the top it reads
 * again.  When the connection fails with an XADD in flight, publish
 * cannot know whether Redis took it: after reconnecting (through
 * Sentinel, to whichever Redis is master now) it reads the top; if the
 * master has lost entries (an asynchronous replica promoted), it goes
 * back to that top and publishes them again (counted as re-published
 * after a failover); else it sends the entry again, and Redis takes it
 * or refuses it.  An entry whose prev lies before the top is harmless:
 * replicate skips what it has.
 *
 * It waits for commits with inotify on the store's directory (dbnotify.h)
 * and looks again after 1, 2, 4 ... ms when an event found nothing yet,
 * and every PUBLISH_TIMER_MS anyway; when it has had nothing to send for
 * that long it reads the stream's top again, so a failover (or a master
 * that lost entries) is met within a second, not at the next commit.
 * SIGTERM/SIGINT end it after the entry in flight (exit 0).
 *
 * This file is the Redis side and the loop; publish_store.c reads the
 * store (publish_int.h holds what both share).
 */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "publish_int.h"
#include "timeutil.h"

#define PUBLISH_TIMER_MS	1000
#define PUBLISH_ERR_REFUSED	"equal or smaller than the target stream top"

/* How an XADD went. */
enum pub_sent {
	PX_SENT,
	PX_REFUSED,	/* Redis had it */
	PX_LOST,	/* the connection failed or moved: reconnect */
	PX_FATAL,	/* any other error reply (logged) */
};

static enum pub_sent
pub_xadd(struct pub *p)
{
	const char	*argv[6 + 2 * ENTRY_F__MAX];
	size_t		 len[6 + 2 * ENTRY_F__MAX];
	char		 id[ENTRY_ID_BUFSZ];
	redisReply	*rep;
	enum pub_sent	 rc = PX_SENT;
	int		 n = 0, f;

	argv[n++] = "XADD";
	argv[n++] = p->cfg->stream;
	if (p->cfg->maxlen > 0) {
		argv[n++] = "MAXLEN";
		argv[n++] = "~";
		argv[n++] = p->maxlen;
	}
	argv[n++] = entry_id_format(p->e->id, id);
	for (f = 0; f < ENTRY_F__MAX; f++) {
		argv[n++] = entry_field_names[f];
		argv[n++] = p->val[f].len ? p->val[f].p : "";
	}
	for (f = 0; f < n; f++)
		len[f] = strlen(argv[f]);
	if ((rep = rconn_cmd(&p->r, n, argv, len)) == NULL) {
		log_warnx("publish: XADD %s: %s", id, p->r.err);
		return PX_LOST;
	}
	if (rep->type == REDIS_REPLY_ERROR && rconn_error_moved(rep)) {
		log_warnx("publish: XADD %s: %s", id, rep->str);
		rc = PX_LOST;
	} else if (rep->type == REDIS_REPLY_ERROR &&
	    strstr(rep->str, PUBLISH_ERR_REFUSED) != NULL) {
		log_info("publish: entry %s refused by Redis: the stream has it",
		    id);
		rc = PX_REFUSED;
	} else if (rep->type != REDIS_REPLY_STRING) {
		log_warnx("publish: XADD %s: %s", id, rep->type ==
		    REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
		rc = PX_FATAL;
	}
	freeReplyObject(rep);
	return rc;
}

/* The entry Redis took: it is the top now. */
static void
pub_took(struct pub *p)
{
	const struct entry *e = p->e;

	if (entry_id_cmp(e->id, p->acked) <= 0)
		p->resent++;
	else
		p->acked = e->id;
	if (e->prune_ts != p->prune_ts || e->prune_id != p->prune_id)
		p->prunes++;
	p->pos = e->id;
	p->prune_ts = e->prune_ts;
	p->prune_id = e->prune_id;
	memcpy(p->tz, e->tz, sizeof(p->tz));
	p->entries++;
	p->ticks += (long long)e->nticks;
}

/* What the stream's top says, checked; INGEST_EXIT_* or -1 (connection). */
static int
pub_top(struct pub *p, redisReply *rep, int start)
{
	struct entry_kv	 kv[ENTRY_F__MAX + 1];
	const redisReply *en, *fv;
	char		 why[ENTRY_WHYSZ];
	int64_t		 cursor;
	size_t		 i, n;

	if (rep->type == REDIS_REPLY_ERROR) {
		log_warnx("publish: stream %s: %s", p->cfg->stream, rep->str);
		return rconn_error_moved(rep) ? -1 : INGEST_EXIT_REDIS;
	}
	if (rep->type != REDIS_REPLY_ARRAY)
		goto malformed;
	if (rep->elements == 0) {
		if (!start && p->pos.ms > 0)
			log_warnx("publish: stream %s is empty (a new master "
			    "that never had it?): going on after %" PRId64 "-%"
			    PRId64, p->cfg->stream, p->pos.ms, p->pos.seq);
		if (start) {
			if (pub_store_cursor(p, &cursor) == -1)
				return INGEST_EXIT_DB;
			p->pos.ms = cursor;
			p->pos.seq = 0;
			strcpy(p->tz, TZ_DEFAULT);
		}
		return INGEST_EXIT_OK;
	}
	en = rep->element[0];
	if (en->type != REDIS_REPLY_ARRAY || en->elements != 2 ||
	    en->element[0]->type != REDIS_REPLY_STRING ||
	    (fv = en->element[1])->type != REDIS_REPLY_ARRAY ||
	    fv->elements % 2 != 0 || fv->elements > 2 * (ENTRY_F__MAX + 1))
		goto malformed;
	for (i = n = 0; i < fv->elements; i += 2, n++) {
		if (fv->element[i]->type != REDIS_REPLY_STRING ||
		    fv->element[i + 1]->type != REDIS_REPLY_STRING)
			goto malformed;
		kv[n] = (struct entry_kv){ fv->element[i]->str,
		    fv->element[i + 1]->str, fv->element[i]->len,
		    fv->element[i + 1]->len };
	}
	if (entry_parse(p->e, en->element[0]->str, en->element[0]->len, kv, n,
	    why) == -1) {
		log_warnx("publish: stream %s: top entry %s: %s", p->cfg->stream,
		    en->element[0]->str, why);
		return INGEST_EXIT_MALFORMED;
	}
	if (p->e->epoch != p->epoch) {
		log_warnx("publish: stream %s: top entry %s comes from epoch "
		    "%lld, this store is epoch %lld: another origin publishes "
		    "there", p->cfg->stream, en->element[0]->str,
		    (long long)p->e->epoch, (long long)p->epoch);
		return INGEST_EXIT_FOREIGN;
	}
	if (!start && entry_id_cmp(p->e->id, p->pos) < 0)
		log_warnx("publish: stream %s ends at %s, entries up to %" PRId64
		    "-%" PRId64 " were published: publishing the rest again",
		    p->cfg->stream, en->element[0]->str, p->pos.ms, p->pos.seq);
	p->pos = p->e->id;
	p->prune_ts = p->e->prune_ts;
	p->prune_id = p->e->prune_id;
	memcpy(p->tz, p->e->tz, sizeof(p->tz));
	return INGEST_EXIT_OK;
malformed:
	log_warnx("publish: stream %s: the top entry is not a stream entry",
	    p->cfg->stream);
	return INGEST_EXIT_MALFORMED;
}

/* Reads the stream's top into p->pos; INGEST_EXIT_* or -1 (connection). */
static int
pub_sync(struct pub *p, int start)
{
	const char	*argv[] = { "XREVRANGE", p->cfg->stream, "+", "-",
			    "COUNT", "1" };
	redisReply	*rep;
	int		 rc;

	if ((rep = rconn_cmd(&p->r, 6, argv, NULL)) == NULL) {
		log_warnx("publish: %s", p->r.err);
		return -1;
	}
	rc = pub_top(p, rep, start);
	freeReplyObject(rep);
	return rc;
}

/* Reconnects and reads the top again; INGEST_EXIT_* or -1 (stopped). */
static int
pub_resync(struct pub *p)
{
	int rc;

	do {
		if (rconn_retry(&p->r) == -1)
			return -1;
	} while ((rc = pub_sync(p, 0)) == -1);
	return rc;
}

/*
 * Sends p->e until Redis took it or refused it, following the master.
 * INGEST_EXIT_OK (p->pos is the top), another INGEST_EXIT_*, or -1 when
 * stopped.
 */
static int
pub_send(struct pub *p)
{
	struct entry_id	inflight = p->e->id, prev = p->e->prev;
	int		rc;

	if (entry_encode(p->e, p->val) == -1) {
		log_warnx("publish: out of memory");
		return INGEST_EXIT_DB;
	}
	for (;;) {
		switch (pub_xadd(p)) {
		case PX_SENT:
			pub_took(p);
			return INGEST_EXIT_OK;
		case PX_FATAL:
			return INGEST_EXIT_REDIS;
		case PX_REFUSED:
			p->refused++;
			rc = pub_sync(p, 0);
			return rc == -1 ? pub_resync(p) : rc;
		case PX_LOST:
			if ((rc = pub_resync(p)) != INGEST_EXIT_OK)
				return rc;
			/* The master lost entries: publish them again. */
			if (entry_id_cmp(p->pos, prev) < 0)
				return INGEST_EXIT_OK;
			log_info("publish: sending entry %" PRId64 "-%" PRId64
			    " again", inflight.ms, inflight.seq);
			break;
		}
	}
}

/* Waits for the store to change, or ms; 1 when it said it changed. */
static int
pub_wait(struct pub *p, int ms)
{
	struct pollfd pfd = { p->notify.fd, POLLIN, 0 };

	if (poll(&pfd, pfd.fd != -1, ms) <= 0)
		return 0;
	dbnotify_drain(&p->notify);
	return 1;
}

/*
 * Nothing to publish for PUBLISH_TIMER_MS: read the top again, so that a
 * connection lost while idle, or a master that lost entries, is met now
 * rather than at the next commit.  INGEST_EXIT_* or -1 (stopped).
 */
static int
pub_idle(struct pub *p, int64_t *last)
{
	int rc;

	if (time_mono_ms() - *last < PUBLISH_TIMER_MS)
		return INGEST_EXIT_OK;
	*last = time_mono_ms();
	if ((rc = pub_sync(p, 0)) == -1)
		rc = pub_resync(p);
	return rc;
}

/* Publishes until stopped or an error; INGEST_EXIT_*. */
static int
pub_run(struct pub *p)
{
	int64_t	last = time_mono_ms();
	int	recheck = 0, rc;

	while (!ingest_stop) {
		switch (pub_read(p)) {
		case PR_DB:
			return INGEST_EXIT_DB;
		case PR_GAP:
			return INGEST_EXIT_GAP;
		case PR_BEHIND:
			return INGEST_EXIT_DIVERGED;
		case PR_NOTHING:
			/* An event comes a little before the commit shows.
			 * Each event starts the 1, 2, 4 ... ms series over:
			 * doubling on from an earlier one's put every other
			 * commit a commit late (as cgi-bin/wait.c found). */
			recheck = recheck == 0 ? 1 : recheck * 2;
			if (recheck > PUBLISH_TIMER_MS)
				recheck = PUBLISH_TIMER_MS;
			if (pub_wait(p, recheck))
				recheck = 0;
			if ((rc = pub_idle(p, &last)) == -1)
				return INGEST_EXIT_OK;
			if (rc != INGEST_EXIT_OK)
				return rc;
			continue;
		case PR_ENTRY:
			recheck = 0;
			last = time_mono_ms();
			if ((rc = pub_send(p)) == -1)
				return INGEST_EXIT_OK;
			if (rc != INGEST_EXIT_OK)
				return rc;
			break;
		}
	}
	return INGEST_EXIT_OK;
}

/* Store, Redis, the top; INGEST_EXIT_OK or why not. */
static int
pub_open(struct pub *p)
{
	int	rc;

	if ((rc = pub_store_open(p)) != INGEST_EXIT_OK)
		return rc;
	if (rconn_connect(&p->r) == -1) {
		log_warnx("publish: Redis unreachable: %s", p->r.err);
		return INGEST_EXIT_REDIS;
	}
	if ((rc = pub_sync(p, 1)) == -1) {
		log_warnx("publish: Redis unreachable: %s", p->r.err);
		return INGEST_EXIT_REDIS;
	}
	if (rc == INGEST_EXIT_OK)
		log_info("publish: %s (epoch %lld) to stream %s at %s:%d, from "
		    "entry %" PRId64 "-%" PRId64, p->cfg->db_path,
		    (long long)p->epoch, p->cfg->stream, p->r.at.host,
		    p->r.at.port, p->pos.ms, p->pos.seq);
	return rc;
}

int
cmd_publish(const struct ingest_config *cfg)
{
	struct pub	p;
	int		i, ex;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.notify.fd = -1;
	snprintf(p.maxlen, sizeof(p.maxlen), "%lld", cfg->maxlen);
	if ((p.e = malloc(sizeof(*p.e))) == NULL) {
		log_warnx("out of memory");
		return INGEST_EXIT_DB;
	}
	if (rconn_init(&p.r, cfg->redis, cfg->sentinel, cfg->master) == -1) {
		log_warnx("publish: %s", p.r.err);
		ex = INGEST_EXIT_USAGE;
		goto out;
	}
	if ((ex = pub_open(&p)) == INGEST_EXIT_OK) {
		dbnotify_open(&p.notify, cfg->db_path);
		ex = pub_run(&p);
	}
	if (!cfg->quiet)
		printf("publish: %lld entries (%lld ticks, %lld prunes), "
		    "re-published %lld: %lld refused by Redis (already in the "
		    "stream), %lld again after a failover lost them\n",
		    p.entries, p.ticks, p.prunes, p.refused + p.resent,
		    p.refused, p.resent);
out:
	dbnotify_close(&p.notify);
	rconn_close(&p.r);
	pub_store_close(&p);
	for (i = 0; i < ENTRY_F__MAX; i++)
		buf_free(&p.val[i]);
	free(p.e);
	return ex;
}

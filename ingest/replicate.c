/*
 * replicate: an edge's store follows the origin's stream (entry.h,
 * docs/scale.md).
 *
 * The edge's position is the stream ID of the last entry it applied
 * (meta replica_pos_ms/_seq, lib/replica.h).  XREAD hands over the
 * entries after it, up to REPLICATE_COUNT at a time; they are applied
 * through the ingest writer with the origin's ids (writer_replica), so
 * the symbols rows and the candles come out as the origin's, and the
 * position, the origin's time of the last entry and the rest of
 * lib/replica.h are written by the writer's hook in the same
 * transaction: a kill -9 at any point leaves the store at an entry
 * boundary, and a rerun redoes what was not committed, never twice.
 * Each entry is checked before anything of it is written:
 *
 *   - it parses (entry_parse: else exit 9);
 *   - it comes from this store's origin (its epoch: else exit 8).  An
 *     empty store that was never an edge takes the epoch of an entry
 *     that starts at the origin's beginning (prev 0-0);
 *   - its prev is not beyond the position (else the stream no longer
 *     holds the entries between: trimmed past this edge, exit 7).  A
 *     prev before the position (an edge seeded by snapshot inside an
 *     entry, or an entry published again after a failover) is fine:
 *     the ticks the edge has are checked to be the same and skipped.
 *
 * The origin's trading zone travels in every entry (tz): when the last
 * entry of a batch names another zone than the store's, the batch's
 * transaction ends with set-tz's rebuild (settz_apply), so the days and
 * weeks, and settings tz, are the origin's at that entry.  An entry
 * whose zone this system's tz database lacks stops replicate (exit 4).
 *
 * A new prune (the entry's prune pair is later than the edge's) is done
 * as the origin did it, after the ticks before it are committed
 * (prune_apply: chunks, then the pair recorded as done).  When stopped
 * by an error, what came before the bad entry is committed and only
 * meta replica_state records why (the app's health says it); SIGTERM
 * commits and ends with exit 0.  While Redis cannot be reached, it tries
 * again (rconn_retry, following a Sentinel failover); while nothing
 * comes it records, each time XREAD waited REPLICATE_BLOCK_MS for
 * nothing, that it has the whole stream (replica_seen_ms), which is what
 * keeps the edge's lag near 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "entry.h"
#include "ingest.h"
#include "log.h"
#include "rconn.h"
#include "replica.h"
#include "sqlfn.h"
#include "timeutil.h"

#define REPLICATE_COUNT		64	/* entries a read, one transaction */
#define REPLICATE_BLOCK_MS	"1000"	/* XREAD waits this long: the beat */
#define REPLICATE_KV_MAX	16	/* fields of an entry worth parsing */

enum rep_stmt {
	RS_SET,
	RS_GET,
	RS_CURSOR,
	RS_TICK,
	RS_SYMBOLS,
	RS_STMT__MAX
};

static const char *const rep_sql[RS_STMT__MAX] = {
	[RS_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[RS_GET] = "SELECT value FROM meta WHERE key = ?1",
	[RS_CURSOR] = "SELECT coalesce((SELECT seq FROM sqlite_sequence"
	    " WHERE name = 'ticks'), 0)",
	[RS_TICK] = "SELECT symbol_id, ts, price, size, nkey FROM ticks"
	    " WHERE id = ?1",
	[RS_SYMBOLS] = "SELECT count(*) FROM symbols",
};

struct rep {
	const struct ingest_config *cfg;
	sqlite3		*db;
	sqlite3_stmt	*st[RS_STMT__MAX];
	struct writer	*w;
	struct rconn	 r;
	int64_t		 epoch;
	int		 fresh;		/* never an edge: takes an epoch */
	int		 adopt;		/* the open batch takes it */
	struct entry_id	 pos;		/* committed */
	struct entry_id	 at;		/* after the open batch */
	int64_t		 cursor;	/* newest id after the open batch */
	int64_t		 prune_ts, prune_id;
	int64_t		 origin_ms;	/* t of the last entry gathered */
	int64_t		 seen_ms;	/* the batch has the whole stream */
	char		 tz[TZ_NAME_MAX + 1];	/* of the last entry gathered */
	struct tzcal	 cal;		/* tf_bucket's zone, for a rebuild */
	struct entry	*e;
	long long	 entries, ticks, prunes, pruned;
};

/* meta key = v, in whatever transaction is open. */
static int
rep_set(struct rep *p, const char *key, int64_t v)
{
	sqlite3_stmt	*st = p->st[RS_SET];
	int		 rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The zone the last entry gathered names, when the store has another:
 * set-tz's rebuild, after the batch's ticks went in (in the old zone:
 * the rebuild makes every day and week again from the 1m rows, which
 * are the same in any zone).  In the batch's transaction; 0 or -1.
 */
static int
rep_zone(struct rep *p)
{
	char	was[TZ_NAME_MAX + 1];
	int	days, weeks;

	if (p->tz[0] == '\0')
		return 0;
	if (db_zone(p->db, was) == -1)
		return -1;
	if (strcmp(was, p->tz) == 0)
		return 0;
	if (tzcal_init(&p->cal, p->tz) == -1 ||
	    settz_apply(p->db, p->tz, &days, &weeks) == -1)
		return -1;
	log_info("replicate: trading zone %s (was %s), as the origin's: %d "
	    "daily and %d weekly candles rebuilt", p->tz, was, days, weeks);
	return 0;
}

/*
 * The writer's hook: where the batch leaves the edge, in its transaction.
 * An empty edge has no position until it takes the origin's epoch.
 */
static int
rep_hook(void *arg, sqlite3 *db)
{
	struct rep	*p = arg;
	int		 placed = !p->fresh || p->adopt;

	(void)db;
	if (rep_zone(p) == -1) {
		log_warnx("replicate: trading zone %s: %s", p->tz,
		    sqlite3_errmsg(p->db));
		return -1;
	}
	if ((placed && (rep_set(p, REPLICA_KEY_POS_MS, p->at.ms) == -1 ||
	    rep_set(p, REPLICA_KEY_POS_SEQ, p->at.seq) == -1)) ||
	    rep_set(p, REPLICA_KEY_STATE, REPLICA_FOLLOWING) == -1 ||
	    (p->origin_ms > 0 &&
	    rep_set(p, REPLICA_KEY_ORIGIN_MS, p->origin_ms) == -1) ||
	    (p->seen_ms > 0 && rep_set(p, REPLICA_KEY_SEEN_MS, p->seen_ms) ==
	    -1) || (p->adopt && rep_set(p, "epoch", p->epoch) == -1)) {
		log_warnx("replicate: meta: %s", sqlite3_errmsg(p->db));
		return -1;
	}
	return 0;
}

/* Commits the open batch with the position; INGEST_EXIT_*. */
static int
rep_commit(struct rep *p)
{
	if (writer_commit(p->w) == -1)
		return writer_conflict(p->w) ? INGEST_EXIT_DIVERGED :
		    INGEST_EXIT_DB;
	p->pos = p->at;
	if (p->adopt)
		p->fresh = p->adopt = 0;
	return INGEST_EXIT_OK;
}

/* Records why replicate stopped, alone in its transaction. */
static void
rep_state(struct rep *p, enum replica_state s)
{
	if (sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK || rep_set(p, REPLICA_KEY_STATE, s) == -1 ||
	    sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("replicate: recording the state: %s",
		    sqlite3_errmsg(p->db));
		sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
	}
}

/*
 * A tick the edge has already (id <= cursor) must be the entry's, or be
 * gone (pruned).  0 same or gone, -1 different (logged), -2 SQL error.
 */
static int
rep_same(struct rep *p, int64_t id, const struct entry_tick *t)
{
	sqlite3_stmt	*st = p->st[RS_TICK];
	int		 rc, same = 1;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		same = sqlite3_column_int64(st, 0) == t->sid &&
		    sqlite3_column_int64(st, 1) == t->ts &&
		    sqlite3_column_int64(st, 2) == t->price &&
		    sqlite3_column_int64(st, 3) == t->size &&
		    sqlite3_column_int64(st, 4) == t->nkey;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -2;
	if (!same)
		log_warnx("replicate: tick id %lld differs from the one this "
		    "edge has", (long long)id);
	return same ? 0 : -1;
}

/* The entry's ticks the edge does not have, into the writer. */
static int
rep_ticks(struct rep *p, const struct entry *e)
{
	const struct entry_sym	*y;
	struct tick		 t;
	int64_t			 id;
	size_t			 i;
	int			 rc;

	for (i = 0; i < e->nticks; i++) {
		id = e->prev.ms + 1 + (int64_t)i;
		if (id <= p->cursor) {
			if ((rc = rep_same(p, id, &e->ticks[i])) != 0)
				return rc == -1 ? INGEST_EXIT_DIVERGED :
				    INGEST_EXIT_DB;
			continue;
		}
		y = entry_sym(e, e->ticks[i].sid);
		tick_reset(&t);
		memcpy(t.symbol, y->name, sizeof(t.symbol));
		t.decimals = y->decimals;
		t.id = id;
		t.symbol_id = y->id;
		t.ts = e->ticks[i].ts;
		t.price = e->ticks[i].price;
		t.size = e->ticks[i].size;
		t.nkey = e->ticks[i].nkey;
		if (writer_add(p->w, &t, NULL) == -1)
			return INGEST_EXIT_DB;
		p->ticks++;
	}
	if (e->id.ms > p->cursor)
		p->cursor = e->id.ms;
	return INGEST_EXIT_OK;
}

/* A later prune than the edge's: commit what came before, then do it. */
static int
rep_prune(struct rep *p, const struct entry *e)
{
	long long	n;
	int		rc;

	if (e->prune_ts <= p->prune_ts && e->prune_id <= p->prune_id)
		return INGEST_EXIT_OK;
	if ((rc = rep_commit(p)) != INGEST_EXIT_OK)
		return rc;
	if ((rc = prune_apply(p->db, e->prune_ts, e->prune_id, &n)) != 0)
		return rc == 1 ? INGEST_EXIT_INTERRUPTED : INGEST_EXIT_DB;
	log_info("replicate: pruned %lld ticks (ts < %lld, id <= %lld) as the "
	    "origin did", n, (long long)e->prune_ts, (long long)e->prune_id);
	p->prune_ts = e->prune_ts > p->prune_ts ? e->prune_ts : p->prune_ts;
	p->prune_id = e->prune_id > p->prune_id ? e->prune_id : p->prune_id;
	p->prunes++;
	p->pruned += n;
	return INGEST_EXIT_OK;
}

/* Whose entry e is, and whether it follows; INGEST_EXIT_*. */
static int
rep_check(struct rep *p, const struct entry *e, const char *id)
{
	char here[ENTRY_ID_BUFSZ], prev[ENTRY_ID_BUFSZ];

	entry_id_format(p->at, here);
	entry_id_format(e->prev, prev);
	if (!tzcal_known(e->tz)) {
		log_warnx("replicate: stream %s entry %s: the origin's trading "
		    "zone %s is not in this system's tz database: install "
		    "tzdata (the origin's version)", p->cfg->stream, id, e->tz);
		return INGEST_EXIT_DB;
	}
	if (p->fresh && !p->adopt) {
		if (e->prev.ms != 0 || e->prev.seq != 0) {
			log_warnx("replicate: stream %s entry %s follows %s, "
			    "not the origin's beginning, and this edge is "
			    "empty: seed it with tickfeed-ingest snapshot",
			    p->cfg->stream, id, prev);
			return INGEST_EXIT_GAP;
		}
		p->epoch = e->epoch;
		p->adopt = 1;
	}
	if (e->epoch != p->epoch) {
		log_warnx("replicate: stream %s entry %s comes from epoch %lld, "
		    "this edge's origin is epoch %lld: another store publishes "
		    "there", p->cfg->stream, id, (long long)e->epoch,
		    (long long)p->epoch);
		return INGEST_EXIT_FOREIGN;
	}
	if (entry_id_cmp(e->prev, p->at) > 0) {
		log_warnx("replicate: stream %s entry %s follows %s, this edge "
		    "is at %s: the stream no longer holds the entries between "
		    "(trimmed past this edge): seed it again with "
		    "tickfeed-ingest snapshot", p->cfg->stream, id, prev, here);
		return INGEST_EXIT_GAP;
	}
	return INGEST_EXIT_OK;
}

/* One entry of an XREAD reply, parsed into p->e; INGEST_EXIT_*. */
static int
rep_parse(struct rep *p, const redisReply *en)
{
	struct entry_kv	 kv[REPLICATE_KV_MAX];
	const redisReply *fv;
	char		 why[ENTRY_WHYSZ];
	size_t		 i, n;

	if (en->type != REDIS_REPLY_ARRAY || en->elements != 2 ||
	    en->element[0]->type != REDIS_REPLY_STRING ||
	    (fv = en->element[1])->type != REDIS_REPLY_ARRAY ||
	    fv->elements % 2 != 0 || fv->elements > 2 * REPLICATE_KV_MAX) {
		log_warnx("replicate: stream %s after %" PRId64 "-%" PRId64
		    ": an entry that is not ID and fields", p->cfg->stream,
		    p->at.ms, p->at.seq);
		return INGEST_EXIT_MALFORMED;
	}
	for (i = n = 0; i < fv->elements; i += 2, n++) {
		if (fv->element[i]->type != REDIS_REPLY_STRING ||
		    fv->element[i + 1]->type != REDIS_REPLY_STRING)
			break;
		kv[n] = (struct entry_kv){ fv->element[i]->str,
		    fv->element[i + 1]->str, fv->element[i]->len,
		    fv->element[i + 1]->len };
	}
	if (i < fv->elements) {
		snprintf(why, sizeof(why), "a field that is not a string");
		goto bad;
	}
	if (entry_parse(p->e, en->element[0]->str, en->element[0]->len, kv, n,
	    why) == 0)
		return INGEST_EXIT_OK;
bad:
	log_warnx("replicate: stream %s entry %.*s: %s; nothing of it was "
	    "written", p->cfg->stream, (int)en->element[0]->len,
	    en->element[0]->str, why);
	return INGEST_EXIT_MALFORMED;
}

/* Checks and gathers one entry; INGEST_EXIT_*. */
static int
rep_entry(struct rep *p, const redisReply *en)
{
	char	id[ENTRY_ID_BUFSZ];
	int	rc;

	if ((rc = rep_parse(p, en)) != INGEST_EXIT_OK)
		return rc;
	entry_id_format(p->e->id, id);
	if ((rc = rep_check(p, p->e, id)) != INGEST_EXIT_OK ||
	    (rc = rep_prune(p, p->e)) != INGEST_EXIT_OK ||
	    (rc = rep_ticks(p, p->e)) != INGEST_EXIT_OK)
		return rc;
	p->at = p->e->id;
	p->origin_ms = p->e->t;
	memcpy(p->tz, p->e->tz, sizeof(p->tz));
	p->entries++;
	return INGEST_EXIT_OK;
}

/* The entries of an XREAD reply; INGEST_EXIT_* (what was good gathered). */
static int
rep_apply(struct rep *p, const redisReply *rep, size_t *n)
{
	const redisReply	*list;
	size_t			 i;
	int			 rc;

	*n = 0;
	if (rep->elements != 1 || rep->element[0]->type != REDIS_REPLY_ARRAY ||
	    rep->element[0]->elements != 2 ||
	    (list = rep->element[0]->element[1])->type != REDIS_REPLY_ARRAY) {
		log_warnx("replicate: XREAD: an answer that is not a stream's");
		return INGEST_EXIT_MALFORMED;
	}
	for (i = 0; i < list->elements; i++, (*n)++)
		if ((rc = rep_entry(p, list->element[i])) != INGEST_EXIT_OK)
			return rc;
	return INGEST_EXIT_OK;
}

/* XREAD after the position; the reply (nil: nothing came), or NULL. */
static redisReply *
rep_read(struct rep *p)
{
	char		 pos[ENTRY_ID_BUFSZ], count[16];
	const char	*argv[] = { "XREAD", "COUNT", count, "BLOCK",
			    REPLICATE_BLOCK_MS, "STREAMS", p->cfg->stream, pos };

	snprintf(count, sizeof(count), "%d", REPLICATE_COUNT);
	entry_id_format(p->pos, pos);
	return rconn_cmd(&p->r, 8, argv, NULL);
}

/* Follows the stream until stopped or an error; INGEST_EXIT_*. */
static int
rep_run(struct rep *p)
{
	redisReply	*rep;
	size_t		 n = 0;
	int		 rc, c;

	while (!ingest_stop) {
		if ((rep = rep_read(p)) == NULL || rconn_error_moved(rep)) {
			log_warnx("replicate: %s", rep ? rep->str : p->r.err);
			if (rep != NULL)
				freeReplyObject(rep);
			if (rconn_retry(&p->r) == -1)
				break;
			continue;
		}
		p->seen_ms = 0;
		if (rep->type == REDIS_REPLY_ERROR) {
			log_warnx("replicate: XREAD %s: %s", p->cfg->stream,
			    rep->str);
			rc = INGEST_EXIT_REDIS;
		} else if (rep->type == REDIS_REPLY_NIL) {
			p->seen_ms = time_now_ms();
			rc = INGEST_EXIT_OK;
		} else {
			rc = rep->type == REDIS_REPLY_ARRAY ? rep_apply(p, rep,
			    &n) : INGEST_EXIT_MALFORMED;
			if (rc == INGEST_EXIT_OK && n < REPLICATE_COUNT)
				p->seen_ms = time_now_ms();
		}
		freeReplyObject(rep);
		/* What came before a bad entry is committed all the same. */
		if ((c = rep_commit(p)) != INGEST_EXIT_OK)
			return c;
		if (rc != INGEST_EXIT_OK)
			return rc;
	}
	return INGEST_EXIT_OK;
}

/* Where the store stands; INGEST_EXIT_OK or why it cannot follow. */
static int
rep_load(struct rep *p)
{
	sqlite3_stmt	*get;
	int64_t		 nsyms;
	int		 has, i;

	for (i = 0; i < RS_STMT__MAX; i++)
		if (sqlite3_prepare_v2(p->db, rep_sql[i], -1, &p->st[i],
		    NULL) != SQLITE_OK)
			goto dbfail;
	get = p->st[RS_GET];	/* meta: 1 found, 0 not there, -1 error */
	if (db_stmt_int(p->st[RS_CURSOR], NULL, &p->cursor) != 1 ||
	    db_stmt_int(p->st[RS_SYMBOLS], NULL, &nsyms) != 1 ||
	    db_stmt_int(get, "epoch", &p->epoch) == -1 ||
	    db_stmt_int(get, "prune_done_ts", &p->prune_ts) == -1 ||
	    db_stmt_int(get, "prune_done_id", &p->prune_id) == -1 ||
	    (has = db_stmt_int(get, REPLICA_KEY_POS_MS, &p->pos.ms)) == -1 ||
	    db_stmt_int(get, REPLICA_KEY_POS_SEQ, &p->pos.seq) == -1)
		goto dbfail;
	p->at = p->pos;
	p->fresh = !has;
	if (p->fresh && (p->cursor != 0 || nsyms != 0)) {
		log_warnx("replicate: %s holds ticks but is no edge (it has no "
		    "stream position): seed edges with tickfeed-ingest "
		    "snapshot", p->cfg->db_path);
		return INGEST_EXIT_DIVERGED;
	}
	return INGEST_EXIT_OK;
dbfail:
	log_warnx("replicate: %s: %s", p->cfg->db_path, sqlite3_errmsg(p->db));
	return INGEST_EXIT_DB;
}

/* The state an exit code leaves in the store. */
static enum replica_state
rep_exit_state(int ex)
{
	switch (ex) {
	case INGEST_EXIT_OK:
	case INGEST_EXIT_INTERRUPTED:
		return REPLICA_STOPPED;
	case INGEST_EXIT_REDIS: return REPLICA_REDIS;
	case INGEST_EXIT_GAP: return REPLICA_GAP;
	case INGEST_EXIT_FOREIGN: return REPLICA_FOREIGN;
	case INGEST_EXIT_MALFORMED: return REPLICA_MALFORMED;
	case INGEST_EXIT_DIVERGED: return REPLICA_DIVERGED;
	default: return REPLICA_DB;
	}
}

/* Store, Redis; INGEST_EXIT_OK or why not. */
static int
rep_open(struct rep *p)
{
	int ex;

	if ((p->db = ingest_db_open(p->cfg)) == NULL)
		return INGEST_EXIT_DB;
	if ((ex = rep_load(p)) != INGEST_EXIT_OK)
		return ex;
	(void)tzcal_init(&p->cal, TZ_DEFAULT);
	if (sqlfn_register(p->db, &p->cal) == -1 ||
	    (p->w = writer_new(p->db, (size_t)-1)) == NULL)
		return INGEST_EXIT_DB;
	writer_replica(p->w, rep_hook, p);
	if (rconn_connect(&p->r) == -1) {
		log_warnx("replicate: Redis unreachable: %s", p->r.err);
		return INGEST_EXIT_REDIS;
	}
	rep_state(p, REPLICA_FOLLOWING);
	log_info("replicate: %s from stream %s at %s:%d, after entry %" PRId64
	    "-%" PRId64 "%s", p->cfg->db_path, p->cfg->stream, p->r.at.host,
	    p->r.at.port, p->pos.ms, p->pos.seq, p->fresh ? " (an empty "
	    "edge: from the origin's beginning)" : "");
	return INGEST_EXIT_OK;
}

int
cmd_replicate(const struct ingest_config *cfg)
{
	struct rep	p;
	int		i, ex;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	if (rconn_init(&p.r, cfg->redis, cfg->sentinel, cfg->master) == -1) {
		log_warnx("replicate: %s", p.r.err);
		return INGEST_EXIT_USAGE;
	}
	if ((p.e = malloc(sizeof(*p.e))) == NULL) {
		log_warnx("out of memory");
		return INGEST_EXIT_DB;
	}
	if ((ex = rep_open(&p)) == INGEST_EXIT_OK)
		ex = rep_run(&p);
	if (p.st[RS_STMT__MAX - 1] != NULL)	/* the store is readable */
		rep_state(&p, rep_exit_state(ex));
	if (ex == INGEST_EXIT_INTERRUPTED)
		ex = INGEST_EXIT_OK;	/* a signal is the normal end */
	if (!cfg->quiet && p.db != NULL)
		printf("replicate: %lld entries (%lld ticks, %lld prunes of "
		    "%lld ticks), at entry %" PRId64 "-%" PRId64 "\n",
		    p.entries, p.ticks, p.prunes, p.pruned, p.pos.ms,
		    p.pos.seq);
	writer_free(p.w);
	rconn_close(&p.r);
	for (i = 0; i < RS_STMT__MAX; i++)
		sqlite3_finalize(p.st[i]);
	sqlite3_close(p.db);
	free(p.e);
	return ex;
}

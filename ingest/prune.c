/*
 * prune --older-than DAYS: deletes raw ticks with ts before the cutoff
 * and an id at most the head, symbol by symbol through the (symbol_id,
 * ts, nkey) index, in chunks of at most PRUNE_CHUNK ticks, one
 * transaction each, so that a live feed waits for the write lock at most
 * one chunk at a time and the app (WAL readers) never waits.  The first
 * transaction fixes the cutoff (now - DAYS, or meta 'pruned_before_ts'
 * when that is later: history once declared gone stays gone, late ticks
 * included) and the head (the newest id then: a tick that comes during
 * the prune waits for the next one), and raises 'pruned_before_ts' to
 * the cutoff.  Each chunk lowers its symbol's tick_count and raises meta
 * 'pruned_through_id' to the highest id it deleted (never lowered: the
 * API answers 410 to a cursor below it), in the same transaction, so a
 * reader never sees a tick gone without the mark.  A prune that ran to
 * its end records it in a last transaction: 'prune_done_ts' and
 * 'prune_done_id' become the cutoff and the head (each only ever
 * raised).  So a complete prune deleted exactly the ticks with ts <
 * prune_done_ts and id <= prune_done_id, whatever the feed did
 * meanwhile: that pair is what publish sends, and what replicate applies
 * with prune_apply() (docs/scale.md).
 * Candles are kept at every level; symbols' last_* and seq_id stay.
 * After each chunk prune sleeps as long as the chunk took: a writer
 * waiting for the lock (SQLite's busy handler retries at growing
 * intervals, at most 100 ms apart) finds it free half the time, so a
 * live feed's commit waits about one chunk, never the whole prune.
 * SIGINT/SIGTERM stops after the chunk in progress commits (exit 5; run
 * again to finish).  Freed pages are reused by new ticks; the file only
 * shrinks with VACUUM (docs/store.md).
 */
#include <stdio.h>
#include <time.h>

#include "db.h"
#include "ingest.h"
#include "log.h"
#include "timeutil.h"

#define PRUNE_CHUNK	10000

enum prune_stmt {
	P_BEGIN,
	P_SYMBOLS,
	P_DELETE,
	P_COUNT,
	P_META,
	P_META_GET,
	P_HEAD,
	P_COMMIT,
	P_STMT__MAX
};

static const char *const prune_sql[P_STMT__MAX] = {
	[P_BEGIN] = "BEGIN IMMEDIATE",
	[P_SYMBOLS] = "SELECT id FROM symbols WHERE id > ?1 ORDER BY id LIMIT 1",
	/* The oldest ?3 of the symbol's ticks before ?2 up to id ?4, by ts. */
	[P_DELETE] = "DELETE FROM ticks WHERE id IN (SELECT id FROM ticks"
	    " WHERE symbol_id = ?1 AND ts < ?2 AND id <= ?4 ORDER BY ts"
	    " LIMIT ?3) RETURNING id",
	[P_COUNT] = "UPDATE symbols SET tick_count = tick_count - ?2"
	    " WHERE id = ?1",
	[P_META] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
	[P_META_GET] = "SELECT coalesce((SELECT value FROM meta WHERE key = ?1),"
	    " 0)",
	[P_HEAD] = "SELECT coalesce((SELECT seq FROM sqlite_sequence"
	    " WHERE name = 'ticks'), 0)",
	[P_COMMIT] = "COMMIT",
};

struct prune {
	sqlite3		*db;
	sqlite3_stmt	*st[P_STMT__MAX];
	int64_t		 cutoff;
	int64_t		 head;		/* -1: the newest id when it starts */
	int		 yield;		/* pause after each chunk */
	long long	 deleted, chunks;
	int64_t		 max_id;
};

/* Resets s and binds up to four int64 parameters. */
static sqlite3_stmt *
prune_bind(struct prune *p, enum prune_stmt s, int64_t a, int64_t b,
    int64_t c, int64_t d)
{
	sqlite3_stmt	*st = p->st[s];
	const int64_t	 v[] = { a, b, c, d };
	int		 i;

	sqlite3_reset(st);
	for (i = 0; i < sqlite3_bind_parameter_count(st) && i < 4; i++)
		sqlite3_bind_int64(st, i + 1, v[i]);
	return st;
}

static int
prune_exec(struct prune *p, enum prune_stmt s, int64_t a, int64_t b)
{
	return sqlite3_step(prune_bind(p, s, a, b, 0, 0)) == SQLITE_DONE ?
	    0 : -1;
}

static int
prune_meta(struct prune *p, const char *key, int64_t v)
{
	sqlite3_stmt *st = prune_bind(p, P_META, 0, v, 0, 0);

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* One integer from a query of no or one text parameter; 0 or -1. */
static int
prune_int(struct prune *p, enum prune_stmt s, const char *key, int64_t *v)
{
	sqlite3_stmt *st = prune_bind(p, s, 0, 0, 0, 0);

	if (key != NULL)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return -1;
	*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/*
 * The first transaction: the cutoff (never below pruned_before_ts) and
 * the head fixed, pruned_before_ts raised.  0 or -1.
 */
static int
prune_start(struct prune *p)
{
	int64_t before;

	if (prune_exec(p, P_BEGIN, 0, 0) == -1 ||
	    prune_int(p, P_META_GET, "pruned_before_ts", &before) == -1 ||
	    (p->head < 0 && prune_int(p, P_HEAD, NULL, &p->head) == -1))
		return -1;
	if (before > p->cutoff)
		p->cutoff = before;
	if (prune_meta(p, "pruned_before_ts", p->cutoff) == -1 ||
	    prune_exec(p, P_COMMIT, 0, 0) == -1)
		return -1;
	p->chunks++;
	return 0;
}

/* The last transaction: the prune is complete.  0 or -1. */
static int
prune_done(struct prune *p)
{
	if (prune_exec(p, P_BEGIN, 0, 0) == -1 ||
	    prune_meta(p, "prune_done_ts", p->cutoff) == -1 ||
	    prune_meta(p, "prune_done_id", p->head) == -1 ||
	    prune_exec(p, P_COMMIT, 0, 0) == -1)
		return -1;
	p->chunks++;
	return 0;
}

/*
 * One transaction: up to PRUNE_CHUNK of the symbol's old ticks, its
 * tick_count and the marks.  *n = ticks deleted.  0 or -1.
 */
static int
prune_chunk(struct prune *p, int64_t symbol_id, long long *n)
{
	sqlite3_stmt	*st;
	int64_t		 id, max_id = 0;
	int		 rc;

	*n = 0;
	if (prune_exec(p, P_BEGIN, 0, 0) == -1)
		return -1;
	st = prune_bind(p, P_DELETE, symbol_id, p->cutoff, PRUNE_CHUNK,
	    p->head);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		max_id = id > max_id ? id : max_id;
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		return -1;
	if (*n > 0 && (prune_exec(p, P_COUNT, symbol_id, *n) == -1 ||
	    prune_meta(p, "pruned_through_id", max_id) == -1))
		return -1;
	if (prune_exec(p, P_COMMIT, 0, 0) == -1)
		return -1;
	p->deleted += *n;
	p->chunks++;
	p->max_id = max_id > p->max_id ? max_id : p->max_id;
	return 0;
}

/* Leaves the lock to others as long as the chunk since t0 held it. */
static void
prune_yield(int64_t t0)
{
	int64_t		 ms = time_mono_ms() - t0;
	struct timespec	 ts;

	ms = ms < 1 ? 1 : ms > 1000 ? 1000 : ms;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

/*
 * Start, every symbol chunk by chunk, done; 0, 1 when stopped by a
 * signal (not done), or -1.
 */
static int
prune_run(struct prune *p)
{
	sqlite3_stmt	*st;
	int64_t		 symbol_id = 0, t0;
	long long	 n;
	int		 rc;

	if (prune_start(p) == -1)
		return -1;
	for (;;) {
		st = prune_bind(p, P_SYMBOLS, symbol_id, 0, 0, 0);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		symbol_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		do {
			if (ingest_stop)
				return 1;
			t0 = time_mono_ms();
			if (prune_chunk(p, symbol_id, &n) == -1)
				return -1;
			if (n > 0 && p->yield)
				prune_yield(t0);
		} while (n == PRUNE_CHUNK);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return prune_done(p);
}

static int
prune_prepare(struct prune *p)
{
	int i;

	for (i = 0; i < P_STMT__MAX; i++)
		if (sqlite3_prepare_v2(p->db, prune_sql[i], -1, &p->st[i],
		    NULL) != SQLITE_OK)
			return -1;
	return 0;
}

static void
prune_finalize(struct prune *p)
{
	int i;

	for (i = 0; i < P_STMT__MAX; i++)
		sqlite3_finalize(p->st[i]);
}

int
prune_apply(sqlite3 *db, int64_t cutoff, int64_t head, long long *deleted)
{
	struct prune	p = { 0 };
	int		rc = -1;

	p.db = db;
	p.cutoff = cutoff;
	p.head = head;
	if (prune_prepare(&p) == 0)
		rc = prune_run(&p);
	if (rc == -1)
		log_warnx("prune: %s", sqlite3_errmsg(db));
	if (rc == -1 && sqlite3_get_autocommit(db) == 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	prune_finalize(&p);
	*deleted = p.deleted;
	return rc;
}

int
cmd_prune(const struct ingest_config *cfg)
{
	struct prune	p = { 0 };
	int64_t		t0 = time_mono_ms();
	int		rc, ex = INGEST_EXIT_OK;

	if ((p.db = ingest_db_open(cfg)) == NULL)
		return INGEST_EXIT_DB;
	p.cutoff = time_now_ms() - (int64_t)cfg->older_than * 86400000;
	if (p.cutoff < 0)
		p.cutoff = 0;
	p.head = -1;
	p.yield = 1;
	if (prune_prepare(&p) == -1 || (rc = prune_run(&p)) == -1)
		goto fail;
	if (rc == 1)
		ex = INGEST_EXIT_INTERRUPTED;
	if (!cfg->quiet)
		printf("prune: deleted %lld ticks older than %lld ms, "
		    "pruned through id %lld\n", p.deleted,
		    (long long)p.cutoff, (long long)p.max_id);
	log_debug("prune: %lld transactions, %lld ms%s", p.chunks,
	    (long long)(time_mono_ms() - t0), rc == 1 ? ", interrupted" : "");
	goto out;
fail:
	log_warnx("prune: %s", sqlite3_errmsg(p.db));
	ex = INGEST_EXIT_DB;
out:
	prune_finalize(&p);
	sqlite3_close(p.db);	/* rolls back an open transaction */
	return ex;
}

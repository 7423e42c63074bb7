/*
 * prune --older-than DAYS: deletes raw ticks with ts before now - DAYS,
 * symbol by symbol through the (symbol_id, ts, nkey) index, lowers
 * tick_count, and records in meta the highest id deleted
 * ('pruned_through_id', never lowered: the API answers 410 to a cursor
 * below it) and the cutoff ('pruned_before_ts').  Candles are kept.  One
 * transaction: a reader sees all of it or none.
 */
#include <stdio.h>

#include "ingest.h"
#include "log.h"
#include "timeutil.h"

enum prune_stmt {
	P_BEGIN,
	P_SYMBOLS,
	P_SCAN,
	P_DELETE,
	P_COUNT,
	P_META,
	P_COMMIT,
	P_STMT__MAX
};

static const char *const prune_sql[P_STMT__MAX] = {
	[P_BEGIN] = "BEGIN IMMEDIATE",
	[P_SYMBOLS] = "SELECT id FROM symbols ORDER BY id",
	[P_SCAN] = "SELECT count(*), coalesce(max(id), 0) FROM ticks"
	    " WHERE symbol_id = ?1 AND ts < ?2",
	[P_DELETE] = "DELETE FROM ticks WHERE symbol_id = ?1 AND ts < ?2",
	[P_COUNT] = "UPDATE symbols SET tick_count = tick_count - ?2"
	    " WHERE id = ?1",
	[P_META] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
	[P_COMMIT] = "COMMIT",
};

struct prune {
	sqlite3		*db;
	sqlite3_stmt	*st[P_STMT__MAX];
	int64_t		 cutoff;
	long long	 deleted;
	int64_t		 max_id;
};

/* Steps s with up to two int64 parameters; the SQLite code. */
static int
prune_step(struct prune *p, enum prune_stmt s, int64_t a, int64_t b)
{
	sqlite3_stmt *st = p->st[s];

	sqlite3_reset(st);
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	return sqlite3_step(st);
}

/* One symbol's old ticks; 0 or -1. */
static int
prune_symbol(struct prune *p, int64_t symbol_id)
{
	long long	n;
	int64_t		max_id;

	if (prune_step(p, P_SCAN, symbol_id, p->cutoff) != SQLITE_ROW)
		return -1;
	n = sqlite3_column_int64(p->st[P_SCAN], 0);
	max_id = sqlite3_column_int64(p->st[P_SCAN], 1);
	if (n == 0)
		return 0;
	if (prune_step(p, P_DELETE, symbol_id, p->cutoff) != SQLITE_DONE ||
	    prune_step(p, P_COUNT, symbol_id, n) != SQLITE_DONE)
		return -1;
	p->deleted += n;
	if (max_id > p->max_id)
		p->max_id = max_id;
	return 0;
}

static int
prune_meta(struct prune *p, const char *key, int64_t v)
{
	sqlite3_stmt *st = p->st[P_META];

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int
prune_run(struct prune *p)
{
	int rc;

	if (prune_step(p, P_BEGIN, 0, 0) != SQLITE_DONE)
		return -1;
	while ((rc = sqlite3_step(p->st[P_SYMBOLS])) == SQLITE_ROW)
		if (prune_symbol(p,
		    sqlite3_column_int64(p->st[P_SYMBOLS], 0)) == -1)
			return -1;
	if (rc != SQLITE_DONE)
		return -1;
	if (p->deleted > 0 &&
	    prune_meta(p, "pruned_through_id", p->max_id) == -1)
		return -1;
	if (prune_meta(p, "pruned_before_ts", p->cutoff) == -1)
		return -1;
	return prune_step(p, P_COMMIT, 0, 0) == SQLITE_DONE ? 0 : -1;
}

int
cmd_prune(const struct ingest_config *cfg)
{
	struct prune	p = { 0 };
	int		i, ex = INGEST_EXIT_OK;

	if ((p.db = ingest_db_open(cfg)) == NULL)
		return INGEST_EXIT_DB;
	p.cutoff = time_now_ms() - (int64_t)cfg->older_than * 86400000;
	if (p.cutoff < 0)
		p.cutoff = 0;
	for (i = 0; i < P_STMT__MAX; i++)
		if (sqlite3_prepare_v2(p.db, prune_sql[i], -1, &p.st[i],
		    NULL) != SQLITE_OK)
			goto fail;
	if (prune_run(&p) == -1)
		goto fail;
	if (!cfg->quiet)
		printf("prune: deleted %lld ticks older than %lld ms, "
		    "pruned through id %lld\n", p.deleted,
		    (long long)p.cutoff, (long long)p.max_id);
	goto out;
fail:
	log_warnx("prune: %s", sqlite3_errmsg(p.db));
	ex = INGEST_EXIT_DB;
out:
	for (i = 0; i < P_STMT__MAX; i++)
		sqlite3_finalize(p.st[i]);
	sqlite3_close(p.db);	/* rolls back an open transaction */
	return ex;
}

#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "candles.h"
#include "hash.h"
#include "log.h"
#include "timeutil.h"
#include "writer.h"

enum writer_stmt {
	W_BEGIN,
	W_COMMIT,
	W_ROLLBACK,
	W_TICK,
	W_TICK_ID,
	W_SYM_INSERT,
	W_SYM_INSERT_ID,
	W_SYM_SELECT,
	W_SYM_UPDATE,
	W_ZONE,
	W_STMT__MAX
};

static const char *const writer_sql[W_STMT__MAX] = {
	[W_BEGIN] = "BEGIN IMMEDIATE",
	[W_COMMIT] = "COMMIT",
	[W_ROLLBACK] = "ROLLBACK",
	/*
	 * Not ON CONFLICT DO NOTHING: that form allocates an AUTOINCREMENT
	 * id before it meets the conflict, so every duplicate would advance
	 * sqlite_sequence (the API's cursor).  A plain INSERT that fails on
	 * the natural key stops before the sequence is written; the writer
	 * counts SQLITE_CONSTRAINT_UNIQUE as a duplicate.
	 */
	[W_TICK] = "INSERT INTO ticks (symbol_id, ts, price, size, nkey)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	/* Replication: the origin's id (a conflict is a divergence). */
	[W_TICK_ID] = "INSERT INTO ticks (symbol_id, ts, price, size, nkey, id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[W_SYM_INSERT] = "INSERT INTO symbols (symbol) VALUES (?1)"
	    " ON CONFLICT (symbol) DO NOTHING",
	/* Either key may conflict; the SELECT that follows tells. */
	[W_SYM_INSERT_ID] = "INSERT INTO symbols (symbol, id) VALUES (?1, ?2)"
	    " ON CONFLICT DO NOTHING",
	[W_SYM_SELECT] = "SELECT id FROM symbols WHERE symbol = ?1",
	/* A batch's ids are newer than any stored: ties in ts go to it. */
	[W_SYM_UPDATE] = "UPDATE symbols SET"
	    " tick_count = tick_count + ?2,"
	    " decimals = max(decimals, ?3),"
	    " last_id = CASE WHEN ?4 >= last_ts THEN ?5 ELSE last_id END,"
	    " last_price = CASE WHEN ?4 >= last_ts THEN ?6 ELSE last_price END,"
	    " last_size = CASE WHEN ?4 >= last_ts THEN ?7 ELSE last_size END,"
	    " last_ts = max(last_ts, ?4),"
	    " seq_id = max(seq_id, ?8)"
	    " WHERE id = ?1",
	[W_ZONE] = "SELECT value FROM settings WHERE key = 'tz'",
};

/* A symbol known to this writer, and what the open batch did to it. */
struct wsym {
	char	 name[SYMBOL_MAX + 1];
	int64_t	 id;
	int64_t	 added;
	int	 decimals;
	int64_t	 last_ts, last_id, last_price, last_size;
	int64_t	 seq_id;		/* the batch's largest id for it */
};

struct writer {
	sqlite3		*db;
	sqlite3_stmt	*st[W_STMT__MAX];
	size_t		 batch;
	struct tick	*buf;		/* the open batch, not yet written */
	size_t		 nbuf, bufcap;
	int64_t		 opened_ms;	/* when buf[0] came */
	int		 in_txn;
	struct wsym	*syms;
	size_t		 nsyms, cap;
	uint32_t	*sidx;		/* open addressing: sym + 1, 0 free */
	size_t		 sicap;
	size_t		*touched;	/* syms with added > 0 */
	size_t		 ntouched;
	struct candles	 candles;
	struct tzcal	 cal;		/* the store's zone, read in each batch */
	/* The open batch's counts, credited to *owner only once it commits. */
	struct ingest_stats *owner;
	long long	 b_stored, b_duplicate;
	/* Replication (writer_replica). */
	int		(*hook)(void *, sqlite3 *);
	void		*hook_arg;
	int		 exact;
	int		 conflict;	/* the last batch failed on one */
};

static int
writer_fail(struct writer *w, const char *what)
{
	log_warnx("database: %s: %s", what, sqlite3_errmsg(w->db));
	return -1;
}

struct writer *
writer_new(sqlite3 *db, size_t batch)
{
	struct writer	*w;
	int		 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->db = db;
	w->batch = batch > 0 ? batch : WRITER_BATCH_DEFAULT;
	for (i = 0; i < W_STMT__MAX; i++)
		if (sqlite3_prepare_v3(db, writer_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &w->st[i], NULL) != SQLITE_OK) {
			writer_fail(w, "prepare");
			goto fail;
		}
	(void)tzcal_init(&w->cal, TZ_DEFAULT);
	if (candles_init(&w->candles, db, &w->cal) == -1) {
		writer_fail(w, "prepare");
		goto fail;
	}
	return w;
fail:
	writer_free(w);
	return NULL;
}

/* Runs a statement without results; 0 or -1. */
static int
writer_exec(struct writer *w, enum writer_stmt s)
{
	int rc;

	rc = sqlite3_step(w->st[s]);
	sqlite3_reset(w->st[s]);
	return rc == SQLITE_DONE ? 0 : writer_fail(w, writer_sql[s]);
}

/* Forgets the batch; symbol ids may have been rolled back too. */
static void
writer_forget(struct writer *w)
{
	w->in_txn = 0;
	w->nbuf = 0;
	w->ntouched = 0;
	w->nsyms = 0;
	if (w->sidx != NULL)
		memset(w->sidx, 0, w->sicap * sizeof(w->sidx[0]));
	candles_clear(&w->candles);
}

static void
writer_rollback(struct writer *w)
{
	if (w->in_txn && sqlite3_get_autocommit(w->db) == 0)
		(void)writer_exec(w, W_ROLLBACK);
	w->b_stored = w->b_duplicate = 0;
	writer_forget(w);
}

void
writer_free(struct writer *w)
{
	int i;

	if (w == NULL)
		return;
	writer_rollback(w);
	candles_free(&w->candles);
	for (i = 0; i < W_STMT__MAX; i++)
		sqlite3_finalize(w->st[i]);
	free(w->buf);
	free(w->syms);
	free(w->sidx);
	free(w->touched);
	free(w);
}

/* A symbol name's slot hash (FNV-1a, lib/hash.h). */
static uint32_t
writer_hash(const char *s)
{
	return hash32(HASH32_INIT, s, strlen(s));
}

/* Room for one more symbol; 0 or -1 (ENOMEM). */
static int
writer_sym_grow(struct writer *w)
{
	struct wsym	*syms;
	size_t		*touched;
	uint32_t	*sidx;
	size_t		 cap = w->cap ? w->cap * 2 : 64, i, s;

	if ((syms = realloc(w->syms, cap * sizeof(*syms))) == NULL)
		return -1;
	w->syms = syms;
	if ((touched = realloc(w->touched, cap * sizeof(*touched))) == NULL)
		return -1;
	w->touched = touched;
	if ((sidx = calloc(cap * 2, sizeof(*sidx))) == NULL)
		return -1;
	free(w->sidx);
	w->sidx = sidx;
	w->cap = cap;
	w->sicap = cap * 2;
	for (i = 0; i < w->nsyms; i++) {
		s = writer_hash(syms[i].name) & (w->sicap - 1);
		while (sidx[s] != 0)
			s = (s + 1) & (w->sicap - 1);
		sidx[s] = (uint32_t)i + 1;
	}
	return 0;
}

/*
 * The symbols row for name, created in the open transaction if new, with
 * the id want when it is not 0 (replication: a row that has another id,
 * or another name under that id, is a conflict).
 */
static int
writer_sym_load(struct writer *w, const char *name, int64_t want,
    int64_t *id)
{
	enum writer_stmt ins = want > 0 ? W_SYM_INSERT_ID : W_SYM_INSERT;
	sqlite3_stmt	*sel = w->st[W_SYM_SELECT];
	int		 rc;

	sqlite3_bind_text(w->st[ins], 1, name, -1, SQLITE_STATIC);
	if (want > 0)
		sqlite3_bind_int64(w->st[ins], 2, want);
	if (writer_exec(w, ins) == -1)
		return -1;
	sqlite3_bind_text(sel, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(sel);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(sel, 0);
	sqlite3_reset(sel);
	if (rc == SQLITE_ROW && (want == 0 || *id == want))
		return 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return writer_fail(w, writer_sql[W_SYM_SELECT]);
	w->conflict = 1;
	log_warnx("symbol %s: id %lld at the origin, %s here", name,
	    (long long)want, rc == SQLITE_ROW ? "another id" :
	    "that id names another symbol");
	return -1;
}

/* The writer's entry for t's symbol; NULL on error (logged). */
static struct wsym *
writer_sym(struct writer *w, const struct tick *t)
{
	const char	*name = t->symbol;
	struct wsym	*ws;
	size_t		 s;

	if (w->sicap > 0) {
		s = writer_hash(name) & (w->sicap - 1);
		for (; w->sidx[s] != 0; s = (s + 1) & (w->sicap - 1)) {
			ws = &w->syms[w->sidx[s] - 1];
			if (strcmp(ws->name, name) != 0)
				continue;
			if (t->symbol_id == 0 || t->symbol_id == ws->id)
				return ws;
			w->conflict = 1;
			log_warnx("symbol %s: id %lld at the origin, %lld here",
			    name, (long long)t->symbol_id, (long long)ws->id);
			return NULL;
		}
	}
	if (w->nsyms == w->cap && writer_sym_grow(w) == -1) {
		log_warnx("out of memory");
		return NULL;
	}
	ws = &w->syms[w->nsyms];
	memset(ws, 0, sizeof(*ws));
	strcpy(ws->name, name);
	if (writer_sym_load(w, name, t->symbol_id, &ws->id) == -1)
		return NULL;
	s = writer_hash(name) & (w->sicap - 1);
	while (w->sidx[s] != 0)
		s = (s + 1) & (w->sicap - 1);
	w->sidx[s] = (uint32_t)w->nsyms + 1;
	w->nsyms++;
	return ws;
}

/* Notes a stored tick in its symbol's batch state. */
static void
writer_sym_note(struct writer *w, struct wsym *ws, const struct tick *t,
    int64_t id)
{
	ws->seq_id = id;
	if (ws->added++ == 0) {
		w->touched[w->ntouched++] = (size_t)(ws - w->syms);
		ws->decimals = t->decimals;
	} else if (t->ts < ws->last_ts)
		goto decimals;
	ws->last_ts = t->ts;
	ws->last_id = id;
	ws->last_price = t->price;
	ws->last_size = t->size;
decimals:
	if (t->decimals > ws->decimals)
		ws->decimals = t->decimals;
}

/*
 * Inserts t; *id is its new id (t->id when given), or 0 when it was a
 * duplicate.  With the origin's id a duplicate is a conflict: -1.
 */
static int
writer_insert(struct writer *w, int64_t symbol_id, const struct tick *t,
    int64_t *id)
{
	sqlite3_stmt	*st = w->st[t->id > 0 ? W_TICK_ID : W_TICK];
	const int64_t	 v[] = { symbol_id, t->ts, t->price, t->size, t->nkey,
			    t->id };
	int		 rc;

	if (bind_int64s(st, v, t->id > 0 ? 6 : 5) != SQLITE_OK)
		return writer_fail(w, "bind tick");
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	*id = 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT && (t->id > 0 || w->exact)) {
		w->conflict = 1;
		log_warnx("tick id %lld (%s at %lld): a stored tick has its id "
		    "or its natural key", (long long)t->id, t->symbol,
		    (long long)t->ts);
		return -1;
	}
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return 0;
	if (rc != SQLITE_DONE)
		return writer_fail(w, "insert tick");
	*id = t->id > 0 ? t->id : sqlite3_last_insert_rowid(w->db);
	return 0;
}

/* Stores one tick of the batch in the open transaction; 0 or -1. */
static int
writer_store(struct writer *w, const struct tick *t)
{
	struct wsym	*ws;
	int64_t		 id;

	if ((ws = writer_sym(w, t)) == NULL ||
	    writer_insert(w, ws->id, t, &id) == -1)
		return -1;
	if (id == 0) {
		w->b_duplicate++;
		return 0;
	}
	w->b_stored++;
	writer_sym_note(w, ws, t, id);
	if (candles_add(&w->candles, ws->id, t->ts, t->price, t->size,
	    id) == -1) {
		log_warnx("out of memory");
		return -1;
	}
	return 0;
}

int
writer_add(struct writer *w, const struct tick *t, struct ingest_stats *st)
{
	struct tick	*buf;
	size_t		 cap;

	if (w->nbuf == w->bufcap) {
		cap = w->bufcap ? w->bufcap * 2 : 256;
		if ((buf = realloc(w->buf, cap * sizeof(*buf))) == NULL) {
			log_warnx("out of memory");
			writer_rollback(w);
			return -1;
		}
		w->buf = buf;
		w->bufcap = cap;
	}
	if (w->nbuf == 0)
		w->opened_ms = time_mono_ms();
	w->buf[w->nbuf++] = *t;
	w->owner = st;
	return w->nbuf >= w->batch ? writer_commit(w) : 0;
}

/* Writes each touched symbol's batch state into its row. */
static int
writer_sym_flush(struct writer *w)
{
	sqlite3_stmt	*st = w->st[W_SYM_UPDATE];
	struct wsym	*ws;
	size_t		 i;

	for (i = 0; i < w->ntouched; i++) {
		ws = &w->syms[w->touched[i]];
		const int64_t v[] = { ws->id, ws->added, ws->decimals,
		    ws->last_ts, ws->last_id, ws->last_price, ws->last_size,
		    ws->seq_id };
		if (bind_int64s(st, v, BIND_N(v)) != SQLITE_OK ||
		    writer_exec(w, W_SYM_UPDATE) == -1)
			return -1;
		ws->added = 0;
	}
	w->ntouched = 0;
	return 0;
}

/*
 * The store's zone, read in the batch's transaction: set-tz may have
 * changed it (and rebuilt the days) since the last batch.  0 or -1.
 */
static int
writer_zone(struct writer *w)
{
	sqlite3_stmt	*st = w->st[W_ZONE];
	const char	*z;
	int		 rc = -1;

	if (sqlite3_step(st) != SQLITE_ROW ||
	    (z = (const char *)sqlite3_column_text(st, 0)) == NULL) {
		sqlite3_reset(st);
		return writer_fail(w, writer_sql[W_ZONE]);
	}
	if (strcmp(z, w->cal.zone) == 0 || tzcal_init(&w->cal, z) == 0)
		rc = 0;
	else
		log_warnx("database: trading zone '%.64s' is not in this "
		    "system's tz database", z);
	sqlite3_reset(st);
	return rc;
}

/*
 * The write lock is taken here, not when the batch opens: a feed that
 * waits flush_ms for more ticks holds it only while it writes, so prune,
 * migrate or another import get their turn.
 */
int
writer_commit(struct writer *w)
{
	size_t i;

	if (w->nbuf == 0 && w->hook == NULL)
		return 0;
	w->conflict = 0;
	if (writer_exec(w, W_BEGIN) == -1)
		goto fail;
	w->in_txn = 1;
	if (writer_zone(w) == -1)
		goto fail;
	for (i = 0; i < w->nbuf; i++)
		if (writer_store(w, &w->buf[i]) == -1)
			goto fail;
	if (writer_sym_flush(w) == -1)
		goto fail;
	if (candles_rollup(&w->candles) == -1) {
		log_warnx("out of memory");
		goto fail;
	}
	if (candles_flush(&w->candles) == -1) {
		writer_fail(w, "upsert candle");
		goto fail;
	}
	if (w->hook != NULL && w->hook(w->hook_arg, w->db) == -1)
		goto fail;
	if (writer_exec(w, W_COMMIT) == -1)
		goto fail;
	if (w->owner != NULL) {
		w->owner->stored += w->b_stored;
		w->owner->duplicate += w->b_duplicate;
	}
	w->b_stored = w->b_duplicate = 0;
	w->in_txn = 0;
	w->nbuf = 0;
	return 0;
fail:
	writer_rollback(w);
	return -1;
}

size_t
writer_pending(const struct writer *w)
{
	return w->nbuf;
}

int64_t
writer_opened_ms(const struct writer *w)
{
	return w->opened_ms;
}

void
writer_replica(struct writer *w, int (*hook)(void *, sqlite3 *), void *arg)
{
	w->exact = 1;
	w->hook = hook;
	w->hook_arg = arg;
}

int
writer_conflict(const struct writer *w)
{
	return w->conflict;
}

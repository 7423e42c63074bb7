/*
 * publish's store side (publish.c has the design): the ticks after the
 * stream's top, the last complete prune and the zone, read in one
 * transaction of a read-only connection.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "publish_int.h"
#include "timeutil.h"

static const char *const pub_sql[PS_STMT__MAX] = {
	[PS_BEGIN] = "BEGIN",
	[PS_COMMIT] = "COMMIT",
	[PS_CURSOR] = "SELECT coalesce((SELECT seq FROM sqlite_sequence"
	    " WHERE name = 'ticks'), 0)",
	[PS_META] = "SELECT coalesce((SELECT value FROM meta WHERE key = ?1), 0)",
	[PS_TICKS] = "SELECT t.id, t.symbol_id, s.symbol, s.decimals, t.ts,"
	    " t.price, t.size, t.nkey FROM ticks t JOIN symbols s"
	    " ON s.id = t.symbol_id WHERE t.id > ?1 ORDER BY t.id LIMIT ?2",
};

static int
pub_exec(struct pub *p, enum pub_stmt s)
{
	int rc;

	rc = sqlite3_step(p->st[s]);
	sqlite3_reset(p->st[s]);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The symbol of the row in p->e's table, added when new. */
static int
pub_sym(struct pub *p, sqlite3_stmt *st, int64_t sid)
{
	struct entry_sym	*y;
	size_t			 i;

	for (i = 0; i < p->e->nsyms; i++)
		if (p->e->syms[i].id == sid)
			return 0;
	y = &p->e->syms[p->e->nsyms++];
	y->id = sid;
	snprintf(y->name, sizeof(y->name), "%s",
	    (const char *)sqlite3_column_text(st, 2));
	y->decimals = sqlite3_column_int(st, 3);
	return 0;
}

/*
 * The ticks after p->pos into p->e (ids consecutive, else PR_GAP with
 * why logged).  In the open read transaction.
 */
static enum pub_read
pub_ticks(struct pub *p)
{
	sqlite3_stmt		*st = p->st[PS_TICKS];
	struct entry_tick	*t;
	int64_t			 id, want = p->pos.ms + 1;
	int			 rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, p->pos.ms);
	sqlite3_bind_int(st, 2, ENTRY_TICKS_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((id = sqlite3_column_int64(st, 0)) != want)
			break;
		t = &p->e->ticks[p->e->nticks++];
		t->sid = sqlite3_column_int64(st, 1);
		t->ts = sqlite3_column_int64(st, 4);
		t->price = sqlite3_column_int64(st, 5);
		t->size = sqlite3_column_int64(st, 6);
		t->nkey = sqlite3_column_int64(st, 7);
		pub_sym(p, st, t->sid);
		want++;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || (rc == SQLITE_DONE && p->e->nticks == 0)) {
		log_warnx("publish: tick id %lld was pruned at the origin "
		    "before it was published: the edges cannot rebuild its "
		    "candles; reset the stream and seed every edge again "
		    "(docs/scale.md)", (long long)want);
		return PR_GAP;
	}
	if (rc != SQLITE_DONE)
		return PR_DB;
	p->e->id.ms = want - 1;
	p->e->id.seq = 0;
	return PR_ENTRY;
}

enum pub_read
pub_read(struct pub *p)
{
	struct entry	*e = p->e;
	int64_t		 cursor, pts, pid;
	enum pub_read	 rc = PR_NOTHING;
	char		 zone[TZ_NAME_MAX + 1];
	int		 newer, newtz;

	if (pub_exec(p, PS_BEGIN) == -1)
		return PR_DB;
	if (db_stmt_int(p->st[PS_CURSOR], NULL, &cursor) != 1 ||
	    db_stmt_int(p->st[PS_META], "prune_done_ts", &pts) != 1 ||
	    db_stmt_int(p->st[PS_META], "prune_done_id", &pid) != 1 ||
	    db_zone(p->db, zone) == -1) {
		rc = PR_DB;
		goto out;
	}
	memset(e, 0, offsetof(struct entry, syms));
	memcpy(e->tz, zone, sizeof(e->tz));
	newtz = strcmp(zone, p->tz) != 0;
	e->prev = p->pos;
	e->epoch = p->epoch;
	e->t = time_now_ms();
	e->prune_ts = p->prune_ts;
	e->prune_id = p->prune_id;
	newer = (pts > p->prune_ts && pid >= p->prune_id) ||
	    (pid > p->prune_id && pts >= p->prune_ts);
	if (cursor < p->pos.ms)
		rc = PR_BEHIND;
	else if (cursor > p->pos.ms)
		rc = pub_ticks(p);
	else if (newer || newtz) {
		e->id.ms = p->pos.ms;
		e->id.seq = p->pos.seq + 1;
		rc = PR_ENTRY;
	}
	/* The new prune goes with the entry that reaches the cursor. */
	if (rc == PR_ENTRY && newer && e->id.ms == cursor) {
		e->prune_ts = pts;
		e->prune_id = pid;
	}
out:
	if (pub_exec(p, PS_COMMIT) == -1 && rc != PR_DB)
		rc = PR_DB;
	if (rc == PR_DB)
		log_warnx("publish: %s: %s", p->cfg->db_path,
		    sqlite3_errmsg(p->db));
	if (rc == PR_BEHIND)
		log_warnx("publish: the stream is at cursor %lld, the store "
		    "only at %lld: this is not the store the stream came from",
		    (long long)p->pos.ms, (long long)cursor);
	return rc;
}

int
pub_store_open(struct pub *p)
{
	char	err[DB_ERRSZ];
	int	i;

	if (db_open(p->cfg->db_path, DB_READONLY, &p->db, err) != DB_OK) {
		log_warnx("%s", err);
		return INGEST_EXIT_DB;
	}
	for (i = 0; i < PS_STMT__MAX; i++)
		if (sqlite3_prepare_v2(p->db, pub_sql[i], -1, &p->st[i],
		    NULL) != SQLITE_OK) {
			log_warnx("publish: %s", sqlite3_errmsg(p->db));
			return INGEST_EXIT_DB;
		}
	if (db_stmt_int(p->st[PS_META], "epoch", &p->epoch) != 1 ||
	    p->epoch <= 0) {
		log_warnx("publish: %s: no epoch in meta", p->cfg->db_path);
		return INGEST_EXIT_DB;
	}
	return INGEST_EXIT_OK;
}

int
pub_store_cursor(struct pub *p, int64_t *cursor)
{
	if (pub_exec(p, PS_BEGIN) == -1)
		return -1;
	if (db_stmt_int(p->st[PS_CURSOR], NULL, cursor) != 1) {
		pub_exec(p, PS_COMMIT);
		return -1;
	}
	return pub_exec(p, PS_COMMIT);
}

void
pub_store_close(struct pub *p)
{
	int i;

	for (i = 0; i < PS_STMT__MAX; i++)
		sqlite3_finalize(p->st[i]);
	sqlite3_close(p->db);
}

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "reply.h"
#include "req.h"
#include "worker.h"

void
worker_init(struct worker *w, int id)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->data_version = -1;
	w->dbst = DB_MISSING;
}

void
worker_close(struct worker *w)
{
	int i;

	for (i = 0; i < STMT_SLOT__MAX; i++) {
		sqlite3_finalize(w->st[i]);
		w->st[i] = NULL;
	}
	sqlite3_close(w->db);
	w->db = NULL;
	w->data_version = -1;
	memo_clear(&w->memo);	/* its data_versions were this handle's */
}

int
worker_fail(struct worker *w, const char *what)
{
	log_warnx("worker %d: %s: %s", w->id, what,
	    w->db ? sqlite3_errmsg(w->db) : "no database");
	snprintf(w->dberr, sizeof(w->dberr), "%s: %s", what,
	    w->db ? sqlite3_errmsg(w->db) : "no database");
	w->dbst = DB_ERROR;
	worker_close(w);
	return -1;
}

sqlite3_stmt *
worker_stmt(struct worker *w, enum stmt_slot slot, const char *sql)
{
	sqlite3_stmt *st = w->st[slot];

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL) != SQLITE_OK) {
		log_warnx("prepare: %s: %s", sqlite3_errmsg(w->db), sql);
		return NULL;
	}
	w->st[slot] = st;
	return st;
}

/* Opens the handle; the path is left out of the client's message. */
static int
worker_open(struct worker *w)
{
	char		 err[DB_ERRSZ];
	size_t		 plen = strlen(cfg.db_path);

	w->dbst = db_open(cfg.db_path, DB_READONLY, &w->db, err);
	if (w->dbst == DB_OK)
		return 0;
	log_warnx("%s", err);
	if (strncmp(err, cfg.db_path, plen) == 0 && err[plen] == ':' &&
	    err[plen + 1] == ' ')
		memmove(err, err + plen + 2, strlen(err + plen + 2) + 1);
	snprintf(w->dberr, sizeof(w->dberr), "database %s", err);
	return -1;
}

int
worker_ready(struct worker *w)
{
	sqlite3_stmt	*st;

	if (w->db == NULL && worker_open(w) == -1)
		return -1;
	if ((st = worker_stmt(w, STMT_DATA_VERSION, "PRAGMA data_version"))
	    == NULL || sqlite3_step(st) != SQLITE_ROW)
		return worker_fail(w, "data_version");
	w->data_version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* The store's zone into w->cal, in the open transaction; 0 or -1. */
static int
worker_zone(struct worker *w)
{
	sqlite3_stmt	*st;
	const char	*z;
	char		 err[DB_ERRSZ];

	st = worker_stmt(w, STMT_ZONE,
	    "SELECT value FROM settings WHERE key = 'tz'");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW ||
	    (z = (const char *)sqlite3_column_text(st, 0)) == NULL)
		return worker_fail(w, "zone");
	if (strcmp(z, w->cal.zone) != 0) {
		if (db_zone_check(z, cfg.tz, err) != 0) {
			log_warnx("%s: %s", cfg.db_path, err);
			snprintf(w->dberr, sizeof(w->dberr), "database %s",
			    err);
			w->dbst = DB_WRONG_ZONE;
			sqlite3_reset(st);
			sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		(void)tzcal_init(&w->cal, z);
	}
	sqlite3_reset(st);
	return 0;
}

int
worker_begin(struct worker *w, long long *cursor)
{
	if (sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return worker_fail(w, "begin");
	if (db_max_tick_id(w->db, cursor) == -1)
		return worker_fail(w, "cursor");
	return worker_zone(w);
}

int
worker_end(struct worker *w)
{
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return worker_fail(w, "commit");
	return 0;
}

void
reply_db_unavailable(struct req *req, const struct worker *w)
{
	reply_error(req, HTTP_UNAVAILABLE, db_status_code(w->dbst), "%s",
	    w->dberr);
}

/*
 * A worker: one of the threads that take requests and answer them
 * (main.c starts cfg.threads of them; plain CGI has one), and what it
 * owns: its read-only SQLite handle, its prepared statements and its memo
 * of the shared answers it served (memo.h).  Nothing here is shared, so
 * nothing here is locked.  The handle is opened lazily and reopened after any
 * failure, so a database that is missing, foreign or corrupt answers 503
 * and the next request after it is fixed answers 200, without a restart.
 *
 * PRAGMA data_version belongs to one connection: it changes when another
 * connection (the ingest tool) commits.  worker_ready() reads it once per
 * request: while it stays, the memo's answers are served as they are;
 * once it moved, each answer is served again only after its token (what
 * it depends on) is read again and found the same.
 *
 * XXX A database file replaced under a running app (deleted, renamed
 * over) is not noticed: the open handle keeps reading the old inode until
 * a query fails.  Replace the file's contents, or restart the app.
 */
#ifndef TICKFEED_WORKER_H
#define TICKFEED_WORKER_H

#include <sqlite3.h>

#include "db.h"
#include "memo.h"

/* Prepared statements, one slot per query of the endpoints. */
enum stmt_slot {
	STMT_DATA_VERSION,
	STMT_SYMBOL,
	STMT_SYMBOLS_ALL,
	STMT_SYMBOLS_LIST,
	STMT_QUOTE,
	STMT_PREV_CLOSE,
	STMT_TICKS,
	STMT_CANDLES_LATEST,
	STMT_CANDLES_FROM,
	STMT_HEALTH,
	STMT_TICKS_RANGE,
	STMT_TOKEN_SYMBOL,
	STMT_PRUNED,
	STMT_TICKS_DESC,
	STMT_CANDLES_MORE,
	STMT_DAY,
	STMT_ZONE,
	STMT_SLOT__MAX
};

struct worker {
	int		 id;
	sqlite3		*db;
	sqlite3_stmt	*st[STMT_SLOT__MAX];
	long long	 data_version;		/* as worker_ready() read it */
	struct memo	 memo;
	struct tzcal	 cal;			/* the store's zone (worker_begin) */
	enum db_status	 dbst;			/* why db is NULL */
	char		 dberr[DB_ERRSZ + 32];	/* for the 503 message */
};

void		 worker_init(struct worker *, int id);
void		 worker_close(struct worker *);

/*
 * Opens the database if needed and reads data_version.  0, or -1 with
 * dbst/dberr set (answer with reply_db_unavailable()).
 */
int		 worker_ready(struct worker *);

/* Statement in slot, prepared from sql on first use, reset and unbound. */
sqlite3_stmt	*worker_stmt(struct worker *, enum stmt_slot, const char *sql);

/*
 * BEGIN a read transaction and read the cursor in it (db_max_tick_id), so
 * the data that follows is consistent with the cursor, and the store's
 * trading zone into w->cal.  0, or -1 with dbst/dberr set and no
 * transaction left open: an SQL error (worker_fail()), or a zone this
 * system does not know or other than TICKFEED_TZ (DB_WRONG_ZONE).
 */
int		 worker_begin(struct worker *, long long *cursor);
/* COMMIT (ends the read transaction).  0 or -1. */
int		 worker_end(struct worker *);

/*
 * Called when a query failed: logs it, ends any transaction, and closes
 * the handle so the next request reopens it.  Returns -1 for convenience.
 */
int		 worker_fail(struct worker *, const char *what);

struct req;
/* 503 naming why the database cannot be used (db_status_code()). */
void		 reply_db_unavailable(struct req *, const struct worker *);

#endif

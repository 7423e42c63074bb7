/*
 * Opening the tick store.  The web side opens it read-only (and
 * query_only); only the ingest tool opens it read-write, creating it from
 * sql/schema.sql (compiled in) when the file is new.  Both refuse a
 * database whose PRAGMA user_version is not DB_SCHEMA_VERSION.
 */
#ifndef TICKFEED_DB_H
#define TICKFEED_DB_H

#include <stddef.h>
#include <sqlite3.h>
#include <stdint.h>

#include "tzcal.h"

#define DB_SCHEMA_VERSION	3
#define DB_DEFAULT_PATH		"/var/lib/tickfeed/ticks.db"
#define DB_BUSY_TIMEOUT_MS	10000
#define DB_ERRSZ		256

enum db_mode {
	DB_READONLY,		/* web handlers: never writes, never creates */
	DB_READWRITE,		/* ingest: creates and initialises if new */
	DB_MODE__MAX
};

/* Why an open failed; the web side answers each with a 503 saying why. */
enum db_status {
	DB_OK = 0,
	DB_MISSING,		/* no such file (read-only open) */
	DB_UNREADABLE,		/* permissions, I/O */
	DB_NOT_A_DATABASE,	/* truncated, foreign or corrupt file */
	DB_WRONG_VERSION,	/* user_version differs */
	DB_WRONG_ZONE,		/* its trading zone: unknown, or not TICKFEED_TZ */
	DB_ERROR,		/* anything else */
	DB_STATUS__MAX
};

/* The schema text, generated at build time from sql/schema.sql. */
extern const char db_schema_sql[];

/*
 * Opens path in mode and returns the handle in *out.  On failure returns
 * the reason, writes a one-line message naming the path and what to do into
 * err[DB_ERRSZ], and leaves *out NULL (nothing to close).
 */
enum db_status	db_open(const char *path, enum db_mode mode, sqlite3 **out,
		    char *err);
const char	*db_status_code(enum db_status);

/*
 * Highest tick id ever assigned (sqlite_sequence), the API's cursor; 0 for
 * an empty store.  Returns -1 on SQL error.
 */
int		db_max_tick_id(sqlite3 *db, long long *out);

/*
 * Steps st, a prepared query of one integer (text ?1 = key when key is
 * not NULL), and resets it: 1 with *v set when it gave a row, 0 when it
 * gave none, -1 on error.
 */
int		db_stmt_int(sqlite3_stmt *st, const char *key, int64_t *v);

/* Reads an integer from the meta table; 0 and *out = dflt when missing. */
int		db_meta_get(sqlite3 *db, const char *key, long long dflt,
		    long long *out);

/*
 * The store's trading zone (settings 'tz') into zone[TZ_NAME_MAX + 1].
 * 0, or -1 on SQL error (no such row, or a value too long, counts as one).
 */
int		db_zone(sqlite3 *db, char *zone);

/*
 * Checks a store's zone for use: known to this system's tz database, and
 * the same as want (TICKFEED_TZ) when want is not NULL or empty.  0, or
 * DB_WRONG_ZONE with a message saying what to do in err[DB_ERRSZ].
 */
int		db_zone_check(const char *zone, const char *want, char *err);

#endif

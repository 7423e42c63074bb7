#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"

static const char *const db_status_codes[DB_STATUS__MAX] = {
	[DB_OK] = "ok",
	[DB_MISSING] = "db_missing",
	[DB_UNREADABLE] = "db_unreadable",
	[DB_NOT_A_DATABASE] = "db_corrupt",
	[DB_WRONG_VERSION] = "db_version",
	[DB_WRONG_ZONE] = "db_zone",
	[DB_ERROR] = "db_error",
};

const char *
db_status_code(enum db_status s)
{
	if ((unsigned)s >= DB_STATUS__MAX)
		return "db_error";
	return db_status_codes[s];
}

/* Runs a query returning one integer; -1 on error or no row. */
static int
db_int(sqlite3 *db, const char *sql, long long *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
db_max_tick_id(sqlite3 *db, long long *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db,
	    "SELECT seq FROM sqlite_sequence WHERE name = 'ticks'",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	*out = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
db_stmt_int(sqlite3_stmt *st, const char *key, int64_t *v)
{
	int rc;

	sqlite3_reset(st);
	if (key != NULL)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
db_meta_get(sqlite3 *db, const char *key, long long dflt, long long *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	*out = dflt;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
db_zone(sqlite3 *db, char *zone)
{
	sqlite3_stmt	*st;
	const char	*v;
	int		 rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = "
	    "'tz'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (v = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    strlen(v) <= TZ_NAME_MAX) {
		strcpy(zone, v);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
db_zone_check(const char *zone, const char *want, char *err)
{
	if (!tzcal_known(zone)) {
		snprintf(err, DB_ERRSZ, "trading zone '%s' is not in this "
		    "system's tz database (install tzdata, or run "
		    "tickfeed-ingest --db PATH set-tz ZONE)", zone);
		return DB_WRONG_ZONE;
	}
	if (want != NULL && *want != '\0' && strcmp(want, zone) != 0) {
		snprintf(err, DB_ERRSZ, "trading zone %s, but TICKFEED_TZ "
		    "says %.64s: run tickfeed-ingest --db PATH set-tz %.64s, "
		    "or unset TICKFEED_TZ", zone, want, want);
		return DB_WRONG_ZONE;
	}
	return 0;
}

/* Maps an SQLite error met while opening or first reading to our reasons. */
static enum db_status
db_classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return DB_NOT_A_DATABASE;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
		return DB_UNREADABLE;
	default:
		return DB_ERROR;
	}
}

/* Creates the schema in an empty database; called inside db_open only. */
static int
db_init_schema(sqlite3 *db, char *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, db_schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, DB_ERRSZ, "cannot create schema: %s",
		    msg ? msg : "unknown error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static enum db_status
db_fail(sqlite3 *db, enum db_status st, char *err, const char *path,
    const char *what)
{
	snprintf(err, DB_ERRSZ, "%s: %s: %s", path, what,
	    db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
	return st;
}

enum db_status
db_open(const char *path, enum db_mode mode, sqlite3 **out, char *err)
{
	sqlite3		*db = NULL;
	long long	 version, tables;
	int		 flags, rc;
	struct stat	 sb;

	*out = NULL;
	err[0] = '\0';
	if (mode == DB_READONLY && stat(path, &sb) == -1) {
		snprintf(err, DB_ERRSZ, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (create it with: tickfeed-ingest --db "
		    "PATH init)" : "");
		return errno == ENOENT ? DB_MISSING : DB_UNREADABLE;
	}
	flags = SQLITE_OPEN_NOMUTEX | (mode == DB_READONLY ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, db_classify(rc), err, path, "cannot open");
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL,
	    NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, db_classify(rc), err, path, "cannot read");
	if (db_int(db, "PRAGMA user_version", &version) == -1 ||
	    db_int(db, "SELECT count(*) FROM sqlite_schema", &tables) == -1)
		return db_fail(db, DB_ERROR, err, path, "cannot read");
	if (version == 0 && tables == 0 && mode == DB_READWRITE) {
		if (db_init_schema(db, err) == -1) {
			sqlite3_close(db);
			return DB_ERROR;
		}
		version = DB_SCHEMA_VERSION;
	}
	if (version != DB_SCHEMA_VERSION) {
		snprintf(err, DB_ERRSZ, "%s: schema version %lld, this tickfeed "
		    "needs %d: %s", path, version, DB_SCHEMA_VERSION,
		    version < DB_SCHEMA_VERSION && version > 0 ?
		    "run tickfeed-ingest --db PATH migrate" :
		    version == 0 ? "not a tickfeed database "
		    "(create one with tickfeed-ingest --db PATH init)" :
		    "upgrade tickfeed");
		sqlite3_close(db);
		return DB_WRONG_VERSION;
	}
	if (mode == DB_READONLY)
		rc = sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	else
		rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
		    "PRAGMA synchronous = NORMAL;"
		    "PRAGMA wal_autocheckpoint = 4000", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, DB_ERROR, err, path, "cannot set pragmas");
	*out = db;
	return DB_OK;
}

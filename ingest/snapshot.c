/*
 * snapshot OUT.db: an online, consistent copy of the store that an edge
 * starts from (docs/scale.md).  SQLite's backup API copies every page in
 * one step, so in one read transaction: the copy is the store as of one
 * commit, while the feed goes on (WAL: the writer does not wait).  It is
 * written to OUT.db.tmp and renamed when complete, so OUT.db is never
 * half a store.  The copy then knows where it stands in the stream: the
 * position (meta replica_pos_ms) is its cursor with SEQ 0 and
 * replica_origin_ms now (the snapshot runs beside the store it copies),
 * unless the store is an edge itself and knows its own; replica_state
 * "stopped" until replicate runs.  replicate then applies the entries
 * after that position, skipping the ticks the copy already has.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "ingest.h"
#include "log.h"
#include "replica.h"
#include "timeutil.h"

#define SNAPSHOT_TMP_SUFFIX	".tmp"

/* Copies src into the new file at path; 0 or -1 (logged). */
static int
snapshot_copy(sqlite3 *src, const char *path, sqlite3 **out)
{
	sqlite3_backup	*b;
	sqlite3		*dst = NULL;
	int		 rc;

	*out = NULL;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(dst, DB_BUSY_TIMEOUT_MS);
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		goto fail;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(10);
	if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE)
		goto fail;
	*out = dst;
	return 0;
fail:
	log_warnx("snapshot: %s: %s", path, dst != NULL ?
	    sqlite3_errmsg(dst) : "out of memory");
	sqlite3_close(dst);
	return -1;
}

/* The copy's place in the stream, in one transaction; 0 or -1. */
static int
snapshot_mark(sqlite3 *db, long long *cursor)
{
	char	sql[512];
	char	*err = NULL;

	if (db_max_tick_id(db, cursor) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE;"
	    "INSERT INTO meta (key, value) VALUES ('%s', %lld), ('%s', 0),"
	    " ('%s', %lld) ON CONFLICT DO NOTHING;"
	    "INSERT INTO meta (key, value) VALUES ('%s', %d)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
	    "COMMIT", REPLICA_KEY_POS_MS, *cursor, REPLICA_KEY_POS_SEQ,
	    REPLICA_KEY_ORIGIN_MS, (long long)time_now_ms(), REPLICA_KEY_STATE,
	    REPLICA_STOPPED);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	log_warnx("snapshot: %s", err != NULL ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	return -1;
}

int
cmd_snapshot(const struct ingest_config *cfg)
{
	char		 tmp[4096], err[DB_ERRSZ];
	sqlite3		*src = NULL, *dst = NULL;
	struct stat	 sb;
	long long	 cursor;
	int		 ex = INGEST_EXIT_DB;

	if (lstat(cfg->out_path, &sb) == 0) {
		log_warnx("snapshot: %s exists already: snapshot writes a new "
		    "file", cfg->out_path);
		return INGEST_EXIT_USAGE;
	}
	if (errno != ENOENT) {
		log_warn("snapshot: %s", cfg->out_path);
		return INGEST_EXIT_USAGE;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s" SNAPSHOT_TMP_SUFFIX,
	    cfg->out_path) >= sizeof(tmp))
		return INGEST_EXIT_USAGE;
	if (db_open(cfg->db_path, DB_READONLY, &src, err) != DB_OK) {
		log_warnx("%s", err);
		return INGEST_EXIT_DB;
	}
	(void)unlink(tmp);	/* a killed run's */
	if (snapshot_copy(src, tmp, &dst) == -1 ||
	    snapshot_mark(dst, &cursor) == -1)
		goto out;
	if (sqlite3_close(dst) != SQLITE_OK) {
		log_warnx("snapshot: %s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	dst = NULL;
	if (rename(tmp, cfg->out_path) == -1) {
		log_warn("snapshot: rename %s", tmp);
		goto out;
	}
	if (!cfg->quiet)
		printf("snapshot: %s at cursor %lld\n", cfg->out_path, cursor);
	ex = INGEST_EXIT_OK;
out:
	sqlite3_close(dst);
	sqlite3_close(src);
	if (ex != INGEST_EXIT_OK)
		(void)unlink(tmp);
	return ex;
}

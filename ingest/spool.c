/*
 * --spool DIR: the cron importer.  Each run takes DIR/.tickfeed-ingest.lock
 * with flock (a second run finds it held, says so and exits 3), then
 * imports every regular file in DIR (names starting with '.' or ending in
 * .tmp or .part are being written: skipped) in name order and moves it to
 * DIR/done/ or, when it could not be used at all, DIR/failed/.
 *
 * ingest_files remembers each file by SHA-256 and size, so a file is
 * imported once even if it is renamed or dropped again; a file whose row
 * says 'running' was cut short by a crash and is imported again (its
 * committed ticks come back as duplicates).  The row is finished after
 * the last batch commits and before the file moves, so a crash between
 * commit and move only leaves a known file behind: the next run moves it.
 *
 * A file whose last byte is not a newline ends mid-line: it is still
 * being written (producers rename complete files in), so it is left
 * where it is, untouched and unrecorded, for a later run; --complete
 * imports it as it is.  One that grows while it is read and then ends
 * mid-line holds its last line back: it is left likewise, its row
 * forgotten, and the next run imports it again (what was stored comes
 * back as duplicates).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "ingest.h"
#include "log.h"
#include "timeutil.h"

#define SPOOL_LOCK	".tickfeed-ingest.lock"
#define SPOOL_HEXSZ	(SHA256_DIGEST_SIZE * 2 + 1)
/* DIR (< PATH_MAX, checked) + "/failed/" + a name (<= NAME_MAX) + ".999" */
#define SPOOL_PATHSZ	(PATH_MAX + NAME_MAX + 32)

enum spool_dest {
	SPOOL_DONE,
	SPOOL_FAILED,
	SPOOL_DEST__MAX
};

static const char *const spool_dirs[SPOOL_DEST__MAX] = {
	[SPOOL_DONE] = "done",
	[SPOOL_FAILED] = "failed",
};

struct spool {
	const struct ingest_config	*cfg;
	sqlite3				*db;
	struct writer			*w;
	int				 ex;
};

/* Takes the spool's lock; returns its fd, -1 on error, -2 if held. */
static int
spool_lock(const char *dir)
{
	char	path[SPOOL_PATHSZ], pid[32];
	int	fd, n;

	snprintf(path, sizeof(path), "%s/%s", dir, SPOOL_LOCK);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		n = (int)pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		log_warnx("%s: another tickfeed-ingest (pid %s) is importing "
		    "this spool; leaving it to that run", dir,
		    pid[0] ? pid : "unknown");
		close(fd);
		return -2;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("%s: cannot record our pid", path);
	return fd;
}

/*
 * The SHA-256 (hex) and size of the file, and whether it ends mid-line
 * (its last byte is not a newline); 0 or -1 (logged).
 */
static int
spool_hash(const char *path, char *hex, long long *size, int *midline)
{
	struct sha256_ctx	ctx;
	uint8_t			buf[65536], dig[SHA256_DIGEST_SIZE];
	ssize_t			n;
	int			fd, i;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	sha256_init(&ctx);
	*size = 0;
	*midline = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		sha256_update(&ctx, (size_t)n, buf);
		*size += n;
		*midline = buf[n - 1] != '\n';
	}
	close(fd);
	if (n == -1) {
		log_warn("%s", path);
		return -1;
	}
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, dig);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", dig[i]);
	return 0;
}

/* Moves DIR/name into DIR/sub/, never over an earlier file of that name. */
static void
spool_move(const char *dir, const char *name, enum spool_dest d)
{
	char		from[SPOOL_PATHSZ], to[SPOOL_PATHSZ];
	struct stat	sb;
	int		i;

	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(to, sizeof(to), "%s/%s/%s", dir, spool_dirs[d], name);
	for (i = 1; lstat(to, &sb) == 0 && i < 1000; i++)
		snprintf(to, sizeof(to), "%s/%s/%s.%d", dir, spool_dirs[d],
		    name, i);
	if (rename(from, to) == -1)
		log_warn("rename %s to %s", from, to);
	else
		log_debug("%s: moved to %s", from, to);
}

/* Looks the file up: its row id and status ("" when unknown). */
static int
spool_known(struct spool *sp, const char *hex, long long size, long long *id,
    char *status, size_t statussz)
{
	sqlite3_stmt	*st;
	int		 rc;

	*id = 0;
	status[0] = '\0';
	if (sqlite3_prepare_v2(sp->db, "SELECT id, status FROM ingest_files"
	    " WHERE hash = ?1 AND size = ?2", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, size);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(status, statussz, "%s", sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Marks the file running (a new row, or the crashed run's row). */
static int
spool_start(struct spool *sp, const char *name, const char *hex,
    long long size, long long *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(sp->db, "INSERT INTO ingest_files (name, size,"
	    " hash, started_at, status) VALUES (?1, ?2, ?3, ?4, 'running')"
	    " ON CONFLICT (hash, size) DO UPDATE SET name = excluded.name,"
	    " started_at = excluded.started_at, status = 'running'"
	    " RETURNING id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, size);
	sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, time_now_ms());
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Forgets the row of a file left in the spool; 0 or -1. */
static int
spool_forget(struct spool *sp, long long id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(sp->db, "DELETE FROM ingest_files WHERE id = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
spool_finish(struct spool *sp, long long id, enum spool_dest d,
    const struct ingest_stats *s)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(sp->db, "UPDATE ingest_files SET status = ?2,"
	    " finished_at = ?3, read = ?4, stored = ?5, duplicate = ?6,"
	    " rejected = ?7 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, spool_dirs[d], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, time_now_ms());
	sqlite3_bind_int64(st, 4, s->read);
	sqlite3_bind_int64(st, 5, s->stored);
	sqlite3_bind_int64(st, 6, s->duplicate);
	sqlite3_bind_int64(st, 7, s->rejected);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Imports one spool file and moves it; -1 on a database error. */
static int
spool_file(struct spool *sp, const char *name)
{
	struct ingest_stats	st = { 0, 0, 0, 0 };
	char			path[SPOOL_PATHSZ], hex[SPOOL_HEXSZ], status[16];
	long long		size, id, held;
	enum import_rc		rc;
	enum spool_dest		d;
	int			midline;

	snprintf(path, sizeof(path), "%s/%s", sp->cfg->spool, name);
	if (spool_hash(path, hex, &size, &midline) == -1) {
		sp->ex = INGEST_EXIT_REJECTED;
		return 0;
	}
	if (midline && !sp->cfg->complete) {
		log_info("%s: no newline at the end: still being written, left "
		    "for the next run (producers rename complete files in; "
		    "--complete takes it as it is)", path);
		return 0;
	}
	if (spool_known(sp, hex, size, &id, status, sizeof(status)) == -1)
		return -1;
	if (id != 0 && strcmp(status, "running") != 0) {
		log_info("%s: already imported (%s), moving it", path, status);
		spool_move(sp->cfg->spool, name, strcmp(status, "done") == 0 ?
		    SPOOL_DONE : SPOOL_FAILED);
		return 0;
	}
	if (spool_start(sp, name, hex, size, &id) == -1)
		return -1;
	rc = import_path(sp->w, path, sp->cfg, &st, &held);
	import_report(sp->cfg, path, &st, held);
	if (rc == IMPORT_DB_ERROR)
		return -1;
	if (held > 0) {
		log_info("%s: grew while it was read and ends mid-line: left "
		    "for the next run", path);
		return spool_forget(sp, id);
	}
	d = rc == IMPORT_UNUSABLE ? SPOOL_FAILED : SPOOL_DONE;
	if (d == SPOOL_FAILED || st.rejected > 0)
		sp->ex = INGEST_EXIT_REJECTED;
	if (spool_finish(sp, id, d, &st) == -1)
		return -1;
	spool_move(sp->cfg->spool, name, d);
	return 0;
}

static int
spool_filter(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	if (de->d_name[0] == '.')
		return 0;
	if ((n > 4 && strcmp(de->d_name + n - 4, ".tmp") == 0) ||
	    (n > 5 && strcmp(de->d_name + n - 5, ".part") == 0))
		return 0;
	return de->d_type == DT_REG || de->d_type == DT_UNKNOWN;
}

/* Every waiting file, in name order. */
static int
spool_run(struct spool *sp)
{
	struct dirent	**names = NULL;
	char		  path[SPOOL_PATHSZ];
	struct stat	  sb;
	int		  n, i, rc = 0;

	if ((n = scandir(sp->cfg->spool, &names, spool_filter,
	    alphasort)) == -1) {
		log_warn("%s", sp->cfg->spool);
		sp->ex = INGEST_EXIT_REJECTED;
		return 0;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", sp->cfg->spool,
		    names[i]->d_name);
		if (rc == 0 && !ingest_stop && lstat(path, &sb) == 0 &&
		    S_ISREG(sb.st_mode))
			rc = spool_file(sp, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
cmd_spool(const struct ingest_config *cfg)
{
	struct spool	sp = { cfg, NULL, NULL, INGEST_EXIT_OK };
	char		path[SPOOL_PATHSZ];
	int		lock, d;

	if (strlen(cfg->spool) >= PATH_MAX) {
		log_warnx("--spool: path too long");
		return INGEST_EXIT_USAGE;
	}
	if ((lock = spool_lock(cfg->spool)) < 0)
		return lock == -2 ? INGEST_EXIT_LOCKED : INGEST_EXIT_REJECTED;
	for (d = 0; d < SPOOL_DEST__MAX; d++) {
		snprintf(path, sizeof(path), "%s/%s", cfg->spool, spool_dirs[d]);
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			log_warn("%s", path);
			sp.ex = INGEST_EXIT_REJECTED;
			goto out;
		}
	}
	if ((sp.db = ingest_db_open(cfg)) == NULL ||
	    (sp.w = writer_new(sp.db, cfg->batch)) == NULL) {
		sp.ex = INGEST_EXIT_DB;
		goto out;
	}
	if (spool_run(&sp) == -1) {
		log_warnx("%s: database: %s", cfg->spool, sqlite3_errmsg(sp.db));
		sp.ex = INGEST_EXIT_DB;
	} else if (ingest_stop) {
		log_warnx("%s: interrupted; the next run goes on", cfg->spool);
		sp.ex = INGEST_EXIT_INTERRUPTED;
	}
out:
	writer_free(sp.w);
	sqlite3_close(sp.db);
	close(lock);
	return sp.ex;
}

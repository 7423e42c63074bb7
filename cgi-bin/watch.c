/*
 * The commit watcher (see watch.h and the essay in wait.c).
 *
 * How a commit is noticed.  The ingest tool writes in WAL mode: a commit
 * appends frames to DB-wal (and a checkpoint writes DB itself), so an
 * inotify watch on the database's directory, filtered to those two names,
 * fires within microseconds of the commit.  The directory is watched, not
 * the files, because DB-wal is created by the first writer and removed by
 * the last closer: a watch on the file would be lost with it.  Inotify
 * only says "look now", and says it a little early: the commit's last
 * write to the -wal comes before the commit is visible, so the dispatcher
 * looks again after 1, 2, 4 ... ms (wait.c), and on a slow timer, so a
 * lost event (or a file system without inotify) delays a delivery, never
 * loses it.
 *
 * The truth is the ticks table itself: "id > head" is one probe of the
 * primary key.  PRAGMA data_version was the first choice and proved
 * unfit: under load (SQLite 3.40, WAL) it went on reporting the old value
 * for 60-130 ms after a commit another connection could already read,
 * which held every delivery back that long (bench/push.sh found it).
 *
 * Why reading "id > head" is exact.  Ids come from AUTOINCREMENT in a
 * single writer's commit order, so a snapshot that holds id N holds every
 * id below N that was ever committed: the ticks after head, read in one
 * statement, are exactly the new ones.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "dbnotify.h"
#include "jsonw.h"
#include "watch.h"

#define WATCH_READ_CHUNK 4096	/* ticks per statement while refreshing */

struct watch {
	sqlite3		*db;
	struct dbnotify	 notify;
	long long	 head;		/* highest id read */
	int64_t		 newest_ts;	/* the store's newest tick time, -1 */
	long long	 floor;		/* ids above it are all in the ring */
	size_t		 start, end;	/* logical indexes into ring */
	struct watch_tick ring[WATCH_RING];
};

unsigned
watch_tick_format(struct watch_tick *t, long long id, const char *symbol,
    int64_t ts, int64_t price, int decimals, int64_t size)
{
	struct tick	tk = { id, t->symbol, ts, price, size, decimals };
	struct buf	b = BUF_INIT;

	t->id = id;
	t->ts = ts;
	t->len = 0;
	snprintf(t->symbol, sizeof(t->symbol), "%s", symbol);
	jw_tick(&b, &tk);
	if (!b.oom && b.len < sizeof(t->json)) {
		memcpy(t->json, b.p, b.len);
		t->len = (unsigned)b.len;
	}
	t->json[t->len] = '\0';
	buf_free(&b);
	return t->len;
}

/* The symbol filter as a JSON array for json_each(); "" means all. */
static void
watch_filter_json(const struct symset *set, char *buf, size_t sz)
{
	size_t	i, off = 0;

	buf[0] = '\0';
	if (set == NULL || set->n == 0)
		return;
	off += (size_t)snprintf(buf, sz, "[");
	for (i = 0; i < set->n && off < sz; i++)
		off += (size_t)snprintf(buf + off, sz - off, "%s\"%s\"",
		    i ? "," : "", set->name[i]);
	if (off < sz)
		snprintf(buf + off, sz - off, "]");
}

long
watch_read(sqlite3 *db, long long after, long long upto,
    const struct symset *set, long limit, watch_tick_cb cb, void *arg)
{
	static const char sql[] =
	    "SELECT t.id, s.symbol, t.ts, t.price, s.decimals, t.size"
	    " FROM ticks t JOIN symbols s ON s.id = t.symbol_id"
	    " WHERE t.id > ?1 AND t.id <= ?2 AND (?3 = '' OR t.symbol_id IN"
	    " (SELECT id FROM symbols WHERE symbol IN"
	    " (SELECT value FROM json_each(?3))))"
	    " ORDER BY t.id LIMIT ?4";
	char			 filter[SYMSET_MAX * (SYMBOL_MAX + 3) + 3];
	struct watch_tick	 t;
	sqlite3_stmt		*st = NULL;
	long			 n = 0;
	int			 rc;

	watch_filter_json(set, filter, sizeof(filter));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, after) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, upto) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, filter, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, limit) != SQLITE_OK) {
		n = -1;
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		watch_tick_format(&t, sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
		    sqlite3_column_int(st, 4), sqlite3_column_int64(st, 5));
		if (t.len == 0) {
			n = -1;		/* out of memory */
			goto out;
		}
		n++;
		if (cb(&t, arg) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		n = -1;
out:
	sqlite3_finalize(st);
	return n;
}

/*
 * SQLite's default busy handler backs off to 100 ms sleeps; a reader
 * that meets a committing writer needs microseconds.  Retry every 100 us
 * for up to 2 s: the dispatcher must not sleep while ticks wait.
 */
static int
watch_busy(void *arg, int n)
{
	(void)arg;
	if (n >= 20000)
		return 0;
	usleep(100);
	return 1;
}

/* The newest tick time of the store into w->newest_ts; 0 or -1. */
static int
watch_read_newest(struct watch *w)
{
	sqlite3_stmt	*st;
	int		 rc;

	w->newest_ts = -1;
	if (sqlite3_prepare_v2(w->db, "SELECT max(last_ts) FROM symbols"
	    " WHERE last_id > 0", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		w->newest_ts = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

struct watch *
watch_open(const char *dbpath, char *err)
{
	struct watch	*w;
	char		 dberr[DB_ERRSZ];

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, WATCH_ERRSZ, "out of memory");
		return NULL;
	}
	if (db_open(dbpath, DB_READONLY, &w->db, dberr) != DB_OK) {
		snprintf(err, WATCH_ERRSZ, "%s", dberr);
		free(w);
		return NULL;
	}
	sqlite3_busy_handler(w->db, watch_busy, NULL);
	dbnotify_open(&w->notify, dbpath);
	if (db_max_tick_id(w->db, &w->head) != 0) {
		snprintf(err, WATCH_ERRSZ, "%s: %s", dbpath,
		    sqlite3_errmsg(w->db));
		watch_close(w);
		return NULL;
	}
	w->floor = w->head;
	if (watch_read_newest(w) == -1) {
		snprintf(err, WATCH_ERRSZ, "%s: %s", dbpath,
		    sqlite3_errmsg(w->db));
		watch_close(w);
		return NULL;
	}
	return w;
}

void
watch_close(struct watch *w)
{
	if (w == NULL)
		return;
	dbnotify_close(&w->notify);
	sqlite3_close(w->db);
	free(w);
}

int
watch_fd(const struct watch *w)
{
	return w->notify.fd;
}

sqlite3 *
watch_db(const struct watch *w)
{
	return w->db;
}

int
watch_drain(struct watch *w)
{
	return dbnotify_drain(&w->notify);
}

/* Appends one tick to the ring, evicting the oldest when full. */
static int
watch_push(const struct watch_tick *t, void *arg)
{
	struct watch *w = arg;

	if (w->end - w->start == WATCH_RING) {
		w->floor = w->ring[w->start % WATCH_RING].id;
		w->start++;
	}
	w->ring[w->end++ % WATCH_RING] = *t;
	w->head = t->id;
	if (t->ts > w->newest_ts)
		w->newest_ts = t->ts;
	return 0;
}

long
watch_refresh(struct watch *w)
{
	long	n, total = 0;

	do {
		n = watch_read(w->db, w->head, LLONG_MAX, NULL,
		    WATCH_READ_CHUNK, watch_push, w);
		if (n < 0)
			return -1;
		total += n;
	} while (n == WATCH_READ_CHUNK);
	return total;
}

long long
watch_head(const struct watch *w)
{
	return w->head;
}

int64_t
watch_newest_ts(const struct watch *w)
{
	return w->newest_ts;
}

long long
watch_floor(const struct watch *w)
{
	return w->floor;
}

size_t
watch_seek(const struct watch *w, long long after)
{
	size_t lo = w->start, hi = w->end, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->ring[mid % WATCH_RING].id <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
watch_end(const struct watch *w)
{
	return w->end;
}

const struct watch_tick *
watch_at(const struct watch *w, size_t i)
{
	return &w->ring[i % WATCH_RING];
}

/*
 * The commit watcher: learns that the ingest process committed (inotify on
 * the database's directory for the file and its -wal, the ticks table as
 * the truth, a slow timer as the fallback), reads the new ticks once and
 * keeps them, already formatted as JSON, in a ring the fan-out serves
 * from.  See wait.c for how it is used.
 *
 * Not thread-safe: one watcher belongs to one thread (the dispatcher).
 * watch_read() and watch_tick_format() are plain functions any thread may
 * call (watch_read with its own connection).
 */
#ifndef TICKFEED_WATCH_H
#define TICKFEED_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "symset.h"
#include "valid.h"

#define WATCH_ERRSZ	256
#define WATCH_RING	32768	/* ticks kept in memory (power of two) */
#define WATCH_TICK_JSONSZ 160	/* one formatted tick, with room to spare */

/* One tick as the API prints it in poll and stream answers. */
struct watch_tick {
	long long	id;
	int64_t		ts;
	char		symbol[SYMBOL_MAX + 1];
	unsigned	len;
	char		json[WATCH_TICK_JSONSZ];
};

/*
 * Formats {"id":..,"symbol":..,"ts":..,"price":..,"size":..} into t->json
 * (prices exact, with decimals digits at least).  Returns the length.
 */
unsigned watch_tick_format(struct watch_tick *t, long long id,
	    const char *symbol, int64_t ts, int64_t price, int decimals,
	    int64_t size);

typedef int (*watch_tick_cb)(const struct watch_tick *, void *arg);

/*
 * Reads the ticks with after < id <= upto of the symbols in set, oldest
 * first, at most limit of them, and calls cb for each (cb returning
 * non-zero stops the read).  Returns the number read, or -1 on SQL error.
 * Any thread, its own connection.
 */
long	watch_read(sqlite3 *db, long long after, long long upto,
	    const struct symset *set, long limit, watch_tick_cb cb,
	    void *arg);

struct watch;

/*
 * Opens its own read-only connection to dbpath and starts watching.  On
 * failure returns NULL with a message in err[WATCH_ERRSZ].  Inotify is a
 * help, not a need: without it watch_fd() is -1 and only the timer works.
 */
struct watch	*watch_open(const char *dbpath, char *err);
void		 watch_close(struct watch *);
int		 watch_fd(const struct watch *);
/* Reads pending inotify events; 1 when the database or its -wal changed. */
int		 watch_drain(struct watch *);
/*
 * Reads every tick newer than watch_head() into the ring (one probe of
 * the primary key when there is none).  Returns the number of new ticks (0:
 * nothing committed), or -1 on SQL error (the ring is unchanged).
 */
long		 watch_refresh(struct watch *);
sqlite3		*watch_db(const struct watch *);
/* Highest tick id read: every tick <= it is known. */
long long	 watch_head(const struct watch *);
/* The newest tick time of the store (ms), as last read; -1 while empty. */
int64_t		 watch_newest_ts(const struct watch *);
/*
 * Ticks with id > watch_floor() are all in the ring; a cursor below it
 * needs watch_read().
 */
long long	 watch_floor(const struct watch *);
/* Logical index of the first ring tick with id > after. */
size_t		 watch_seek(const struct watch *, long long after);
size_t		 watch_end(const struct watch *);
const struct watch_tick *watch_at(const struct watch *, size_t i);

#endif

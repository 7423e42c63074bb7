/*
 * Knowing soon that another process committed to a store in WAL mode:
 * inotify on the database's directory, filtered to the file and its
 * -wal.  The directory is watched, not the files, because DB-wal is
 * created by the first writer and removed by the last closer: a watch on
 * the file would be lost with it.  An event only says "look now" (and
 * says it a little early: the commit's last write to the -wal comes
 * before the commit is visible), so its users also look on a timer.
 * Used by the app's commit watcher (cgi-bin/watch.c) and by publish.
 */
#ifndef TICKFEED_DBNOTIFY_H
#define TICKFEED_DBNOTIFY_H

#include <limits.h>

struct dbnotify {
	int	fd;			/* inotify, -1 when unavailable */
	char	base[NAME_MAX + 1];	/* file name of the database */
};

/* Starts watching; returns the fd to poll, or -1 (then only timers work). */
int	dbnotify_open(struct dbnotify *, const char *dbpath);
void	dbnotify_close(struct dbnotify *);
/* Reads pending events; 1 when the database or its -wal changed. */
int	dbnotify_drain(struct dbnotify *);

#endif

/*
 * tickfeed-ingest: the commands, their shared configuration and the exit
 * codes cron and scripts act on (documented in --help, the man page
 * tickfeed-ingest.1 and docs/ingest.md).
 */
#ifndef INGEST_INGEST_H
#define INGEST_INGEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "writer.h"

enum ingest_exit {
	INGEST_EXIT_OK = 0,		/* everything read was stored or a duplicate */
	INGEST_EXIT_REJECTED = 1,	/* some lines or files refused, the rest stored */
	INGEST_EXIT_USAGE = 2,		/* bad command line */
	INGEST_EXIT_LOCKED = 3,		/* another run holds the spool lock */
	INGEST_EXIT_DB = 4,		/* database error: the open batch rolled back */
	INGEST_EXIT_INTERRUPTED = 5,	/* SIGINT/SIGTERM before the input ended */
	/* publish, replicate (docs/scale.md): */
	INGEST_EXIT_REDIS = 6,		/* Redis (or its master) unreachable at start */
	INGEST_EXIT_GAP = 7,		/* the stream misses entries this needs */
	INGEST_EXIT_FOREIGN = 8,	/* an entry of another store (epoch) */
	INGEST_EXIT_MALFORMED = 9,	/* an entry that does not parse */
	INGEST_EXIT_DIVERGED = 10,	/* the stream and the store disagree */
	INGEST_EXIT__MAX
};

/* publish --maxlen: entries the stream keeps, about (docs/scale.md). */
#define PUBLISH_MAXLEN_DEFAULT	100000

enum ingest_cmd {
	CMD_IMPORT,
	CMD_SIMULATE,
	CMD_PRUNE,
	CMD_INIT,
	CMD_MIGRATE,
	CMD_SET_TZ,
	CMD_PUBLISH,
	CMD_REPLICATE,
	CMD_SNAPSHOT,
	CMD__MAX
};

struct ingest_config {
	enum ingest_cmd	 cmd;
	const char	*db_path;
	const char	*tz;		/* TICKFEED_TZ; NULL when unset */
	int		 verbose, quiet;
	int		 format;	/* enum src_format, -1 = guess */
	int		 follow;
	int		 complete;	/* a last line without '\n' is whole */
	int		 ts_unit;	/* enum tick_ts_unit of integer ts */
	const char	*spool;
	size_t		 batch;		/* 0 = the default for the command */
	long		 flush_ms;
	/* simulate */
	const char	*symbols;
	uint64_t	 seed;
	double		 rate;		/* ticks per second, 0 = no pacing */
	long long	 count;		/* -1 = no limit */
	double		 duration;	/* seconds, -1 = no limit */
	int64_t		 start_ts;	/* -1 = the wall clock */
	int64_t		 step_ms;
	int		 print;		/* enum src_format, -1 = into the db */
	/* prune */
	long		 older_than;	/* days, -1 = not given */
	/* publish, replicate (rconn.h); snapshot */
	const char	*redis;		/* HOST:PORT */
	const char	*sentinel;	/* HOST:PORT[,HOST:PORT...] */
	const char	*master;	/* the Sentinel master name */
	const char	*stream;
	long long	 maxlen;	/* publish: entries kept, about */
	const char	*out_path;	/* snapshot OUT.db */
};

/* Set by SIGINT/SIGTERM: finish the line, commit, leave. */
extern volatile sig_atomic_t ingest_stop;

/*
 * Opens the configured database read-write; NULL after logging why.  A
 * new (empty) store takes TICKFEED_TZ as its zone; an existing one must
 * have that zone already (set-tz changes it).
 */
sqlite3	*ingest_db_open(const struct ingest_config *);
/* Stores or refuses every line of path ("-" = stdin) through w. */
enum import_rc {
	IMPORT_OK,		/* read to the end (lines may be rejected) */
	IMPORT_UNUSABLE,	/* cannot open/read, or a bad CSV header */
	IMPORT_DB_ERROR,	/* the writer failed: stop everything */
	IMPORT_RC__MAX
};
/*
 * *held counts what was held back at the end: a last line without its
 * newline (unless cfg->complete), reported on stderr, neither stored nor
 * refused.
 */
enum import_rc	import_path(struct writer *, const char *path,
		    const struct ingest_config *, struct ingest_stats *,
		    long long *held);
/*
 * Prints "NAME: read N, stored N, duplicate N, rejected N" and, when held
 * is not 0, ", held N" (unless -q).
 */
void	import_report(const struct ingest_config *, const char *name,
	    const struct ingest_stats *, long long held);

int	cmd_import(const struct ingest_config *, int nfiles, char **files);
int	cmd_spool(const struct ingest_config *);
int	cmd_simulate(const struct ingest_config *);
int	cmd_prune(const struct ingest_config *);
int	cmd_publish(const struct ingest_config *);
int	cmd_replicate(const struct ingest_config *);
int	cmd_snapshot(const struct ingest_config *);
/*
 * What a complete prune of the origin did, done again on an edge: deletes
 * the ticks with ts < cutoff and id <= head in chunks (one transaction
 * each), raising the marks as prune does, and records the prune as done.
 * 0, 1 when stopped by a signal before it was done, -1 on error (logged).
 * *deleted counts the ticks it deleted.
 */
int	prune_apply(sqlite3 *db, int64_t cutoff, int64_t head,
	    long long *deleted);
int	cmd_init(const struct ingest_config *);
int	cmd_migrate(const struct ingest_config *);
int	cmd_set_tz(const struct ingest_config *, const char *zone);
/*
 * set-tz's work in the open transaction on db, whose tf_bucket()
 * (sqlfn_register) must already be in zone: the 1d and 1w candles
 * rebuilt for it and settings tz set (replicate does it when the origin's
 * entries name another zone).  Counts the rows in *days, *weeks; 0 or -1.
 */
int	settz_apply(sqlite3 *db, const char *zone, int *days, int *weeks);

#endif

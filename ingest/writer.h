/*
 * The single writer: stores ticks in batches, one transaction each
 * (BEGIN IMMEDIATE ... COMMIT).  In the same transaction it keeps the
 * symbols rows (decimals, tick_count, the newest tick by ts, seq_id the
 * largest id) and the candles of every interval (candles.h).  A batch is
 * gathered in memory and written when it is full or committed, so the
 * write lock is held only while writing, never while a feed waits for
 * more ticks: prune and other writers get their turn.  A tick whose
 * natural key (symbol, ts, nkey) is already stored is counted as a
 * duplicate and changes nothing.  ids rise in commit order because only
 * one transaction writes at a time.
 */
#ifndef INGEST_WRITER_H
#define INGEST_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "tick.h"

#define WRITER_BATCH_DEFAULT	10000

struct ingest_stats {
	long long	read;		/* records seen (ticks + rejected) */
	long long	stored;
	long long	duplicate;
	long long	rejected;
};

struct writer;

/* A writer on db (not owned); commits every batch ticks.  NULL on error. */
struct writer	*writer_new(sqlite3 *db, size_t batch);
/* Rolls back what is not committed, then frees. */
void		 writer_free(struct writer *);

/*
 * Adds t to the open batch, whose stored and duplicate ticks are counted
 * in *st when it commits; commits when the batch is full.  Returns 0, or
 * -1 on a database error or ENOMEM (logged; the batch is dropped).
 */
int		 writer_add(struct writer *, const struct tick *t,
		    struct ingest_stats *st);
/* Writes and commits the open batch, if any; 0 or -1 (logged, dropped). */
int		 writer_commit(struct writer *);
/*
 * Replication (replicate.c): the ticks carry the origin's ids (tick.id,
 * tick.symbol_id); a tick or symbol that conflicts with a stored one
 * fails the batch (writer_conflict() then says so) instead of counting
 * as a duplicate.  Every writer_commit(), even of no tick, runs hook in
 * the batch's transaction after the ticks, symbols and candles, before
 * COMMIT: what it writes commits with them (-1 rolls all back).
 */
void		 writer_replica(struct writer *,
		    int (*hook)(void *arg, sqlite3 *db), void *arg);
/* Whether the last failed commit failed on a conflict (replication). */
int		 writer_conflict(const struct writer *);
/* Ticks in the open batch, and when (time_mono_ms) it was opened. */
size_t		 writer_pending(const struct writer *);
int64_t		 writer_opened_ms(const struct writer *);

#endif

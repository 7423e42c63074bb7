/*
 * The candles of one batch, at every level of lib/interval.h, aggregated
 * in memory over the ticks the batch actually stored, then written with
 * one upsert per (symbol, interval, bucket) in the batch's transaction.
 * Open is the tick with the smallest (ts, id), close the one with the
 * largest: a late tick with ts < open_ts becomes the open, one with
 * ts >= close_ts the close (its id is newer).  The batch's 1m rows are
 * rolled up level by level (5m from 1m, 15m from 5m, ...: the buckets
 * nest), and a stored row merges with the batch's row by the same rule,
 * so every level equals the aggregation of its 1m rows.
 */
#ifndef INGEST_CANDLES_H
#define INGEST_CANDLES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "interval.h"

struct candle {
	int64_t		 symbol_id, t;
	int64_t		 open, high, low, close, volume, trades;
	int64_t		 open_ts, close_ts, first_id, last_id;
	enum interval	 iv;
};

struct candles {
	struct candle	*rows;		/* 1m rows; after the rollup, each level */
	size_t		 nrows, cap;
	uint32_t	*index;		/* open addressing: row + 1, 0 free */
	size_t		 icap;		/* power of two, >= 2 * cap */
	int		 rolled;	/* candles_rollup() ran on this batch */
	sqlite3_stmt	*upsert;
};

/* Prepares the upsert on db; 0 or -1 (SQLite error, or ENOMEM). */
int	candles_init(struct candles *, sqlite3 *db);
void	candles_free(struct candles *);
/* Adds one stored tick (ids rise within a batch); 0 or -1 (ENOMEM). */
int	candles_add(struct candles *, int64_t symbol_id, int64_t ts,
	    int64_t price, int64_t size, int64_t id);
/* Derives every longer level from the 1m rows; 0 or -1 (ENOMEM). */
int	candles_rollup(struct candles *);
/* Upserts every row (rollup first), then empties the batch; 0 or -1. */
int	candles_flush(struct candles *);
/* Empties the batch without writing (after a rollback). */
void	candles_clear(struct candles *);

#endif

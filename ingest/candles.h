/*
 * The candles of one batch, at every level of lib/interval.h, aggregated
 * in memory over the ticks the batch actually stored, then written with
 * one upsert per (symbol, interval, bucket) in the batch's transaction.
 * Open is the tick with the smallest (ts, id), close the one with the
 * largest: a late tick with ts < open_ts becomes the open, one with
 * ts >= close_ts the close (its id is newer).  The batch's 1m rows are
 * rolled up level by level (5m from 1m, 15m from 5m, ...: the buckets
 * nest; 1d from 1m in a zone other than UTC, whose days need not start
 * on a UTC hour), and a stored row merges with the batch's row by the
 * same rule, so every level equals the aggregation of its 1m rows.
 * The notional (sum of price * size, exact in 128 bits) is stored as two
 * INTEGERs, hi * 10^18 + lo, and added in the upsert (sql/schema.sql).
 */
#ifndef INGEST_CANDLES_H
#define INGEST_CANDLES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "interval.h"

/* The notional's parts: value = hi * NOTIONAL_SPLIT + lo. */
#define NOTIONAL_SPLIT	1000000000000000000LL	/* 10^18 */

struct candle {
	__int128	 notional;	/* sum of price * size */
	int64_t		 symbol_id, t;
	int64_t		 open, high, low, close, volume, trades;
	int64_t		 open_ts, close_ts, first_id, last_id;
	enum interval	 iv;
};

struct candles {
	struct candle	*rows;		/* 1m rows; after the rollup, each level */
	size_t		 nrows, cap;
	size_t		 lv_from[IV__MAX], lv_to[IV__MAX];	/* rows of a level */
	uint32_t	*index;		/* open addressing: row + 1, 0 free */
	size_t		 icap;		/* power of two, >= 2 * cap */
	int		 rolled;	/* candles_rollup() ran on this batch */
	struct tzcal	*cal;		/* the store's zone: 1d and 1w buckets */
	sqlite3_stmt	*upsert;
};

/*
 * Prepares the upsert on db; cal (not owned) says where days start.  0 or
 * -1 (SQLite error, or ENOMEM).
 */
int	candles_init(struct candles *, sqlite3 *db, struct tzcal *cal);
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

/*
 * The 1-minute candles of one batch, aggregated in memory over the ticks
 * the batch actually stored, then written with one upsert per (symbol,
 * minute) in the batch's transaction.  Open is the tick with the smallest
 * (ts, id), close the one with the largest: a late tick with ts < open_ts
 * becomes the open, one with ts >= close_ts the close (its id is newer).
 */
#ifndef INGEST_CANDLES_H
#define INGEST_CANDLES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define CANDLE_MS	60000

struct candle {
	int64_t	 symbol_id, t;
	int64_t	 open, high, low, close, volume, trades;
	int64_t	 open_ts, close_ts, last_id;
};

struct candles {
	struct candle	*rows;
	size_t		 nrows, cap;
	uint32_t	*index;		/* open addressing: row + 1, 0 free */
	size_t		 icap;		/* power of two, >= 2 * cap */
	sqlite3_stmt	*upsert;
};

/* Prepares the upsert on db; 0 or -1 (SQLite error, or ENOMEM). */
int	candles_init(struct candles *, sqlite3 *db);
void	candles_free(struct candles *);
/* Adds one stored tick (ids rise within a batch); 0 or -1 (ENOMEM). */
int	candles_add(struct candles *, int64_t symbol_id, int64_t ts,
	    int64_t price, int64_t size, int64_t id);
/* Upserts every row, then empties the batch; 0 or -1 (SQLite error). */
int	candles_flush(struct candles *);
/* Empties the batch without writing (after a rollback). */
void	candles_clear(struct candles *);

#endif

#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "candles.h"

/*
 * excluded.* is this batch's row; the bare names are the stored row
 * (SQLite evaluates every SET expression against the row before update).
 */
static const char candles_upsert_sql[] =
    "INSERT INTO candles_1m (symbol_id, t, open, high, low, close, volume,"
    " trades, open_ts, close_ts, last_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    " ON CONFLICT (symbol_id, t) DO UPDATE SET"
    " open = CASE WHEN excluded.open_ts < open_ts THEN excluded.open"
    "   ELSE open END,"
    " open_ts = min(open_ts, excluded.open_ts),"
    " high = max(high, excluded.high),"
    " low = min(low, excluded.low),"
    " close = CASE WHEN excluded.close_ts >= close_ts THEN excluded.close"
    "   ELSE close END,"
    " close_ts = max(close_ts, excluded.close_ts),"
    " volume = volume + excluded.volume,"
    " trades = trades + excluded.trades,"
    " last_id = excluded.last_id";

int
candles_init(struct candles *c, sqlite3 *db)
{
	memset(c, 0, sizeof(*c));
	if (sqlite3_prepare_v3(db, candles_upsert_sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &c->upsert, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

void
candles_free(struct candles *c)
{
	sqlite3_finalize(c->upsert);
	free(c->rows);
	free(c->index);
	memset(c, 0, sizeof(*c));
}

void
candles_clear(struct candles *c)
{
	c->nrows = 0;
	if (c->index != NULL)
		memset(c->index, 0, c->icap * sizeof(c->index[0]));
}

static size_t
candles_slot(const struct candles *c, int64_t symbol_id, int64_t t)
{
	uint64_t h;

	h = ((uint64_t)symbol_id * 0x9e3779b97f4a7c15ULL) ^
	    ((uint64_t)(t / CANDLE_MS) * 0xc2b2ae3d27d4eb4fULL);
	return (size_t)(h ^ (h >> 29)) & (c->icap - 1);
}

/* Doubles the row array and rebuilds the index; 0 or -1 (ENOMEM). */
static int
candles_grow(struct candles *c)
{
	struct candle	*rows;
	uint32_t	*index;
	size_t		 cap, icap, i, s;

	cap = c->cap ? c->cap * 2 : 256;
	icap = cap * 2;
	if ((rows = realloc(c->rows, cap * sizeof(*rows))) == NULL)
		return -1;
	c->rows = rows;
	if ((index = calloc(icap, sizeof(*index))) == NULL)
		return -1;
	free(c->index);
	c->index = index;
	c->cap = cap;
	c->icap = icap;
	for (i = 0; i < c->nrows; i++) {
		s = candles_slot(c, rows[i].symbol_id, rows[i].t);
		while (index[s] != 0)
			s = (s + 1) & (icap - 1);
		index[s] = (uint32_t)i + 1;
	}
	return 0;
}

int
candles_add(struct candles *c, int64_t symbol_id, int64_t ts, int64_t price,
    int64_t size, int64_t id)
{
	struct candle	*r;
	int64_t		 t = ts - ts % CANDLE_MS;
	size_t		 s;

	if (c->nrows == c->cap && candles_grow(c) == -1)
		return -1;
	s = candles_slot(c, symbol_id, t);
	for (; c->index[s] != 0; s = (s + 1) & (c->icap - 1)) {
		r = &c->rows[c->index[s] - 1];
		if (r->symbol_id != symbol_id || r->t != t)
			continue;
		if (ts < r->open_ts) {
			r->open = price;
			r->open_ts = ts;
		}
		if (ts >= r->close_ts) {
			r->close = price;
			r->close_ts = ts;
		}
		r->high = price > r->high ? price : r->high;
		r->low = price < r->low ? price : r->low;
		r->volume += size;
		r->trades++;
		r->last_id = id;
		return 0;
	}
	c->index[s] = (uint32_t)c->nrows + 1;
	r = &c->rows[c->nrows++];
	*r = (struct candle){ symbol_id, t, price, price, price, price, size,
	    1, ts, ts, id };
	return 0;
}

int
candles_flush(struct candles *c)
{
	const struct candle	*r;
	sqlite3_stmt		*st = c->upsert;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < c->nrows && rc == 0; i++) {
		r = &c->rows[i];
		const int64_t v[] = { r->symbol_id, r->t, r->open, r->high,
		    r->low, r->close, r->volume, r->trades, r->open_ts,
		    r->close_ts, r->last_id };
		if (bind_int64s(st, v, BIND_N(v)) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
	if (rc == 0)
		candles_clear(c);
	return rc;
}

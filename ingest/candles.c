#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "candles.h"

/*
 * excluded.* is this batch's row; the bare names are the stored row
 * (SQLite evaluates every SET expression against the row before update).
 * A stored tick has a smaller id than any of the batch's: ties in ts keep
 * the stored open and take the batch's close.
 */
/*
 * The notional's parts add with truncated / and % (C's and SQLite's), so
 * that a = (a / b) * b + a % b holds for lo + excluded.lo, which stays
 * below 2 * 10^18; a NULL (unknown) notional stays NULL.
 */
static const char candles_upsert_sql[] =
    "INSERT INTO candles (symbol_id, iv, t, open, high, low, close, volume,"
    " trades, open_ts, close_ts, first_id, last_id, notional_hi,"
    " notional_lo)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15)"
    " ON CONFLICT (symbol_id, iv, t) DO UPDATE SET"
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
    " first_id = min(first_id, excluded.first_id),"
    " last_id = max(last_id, excluded.last_id),"
    " notional_hi = notional_hi + excluded.notional_hi +"
    "   (notional_lo + excluded.notional_lo) / 1000000000000000000,"
    " notional_lo = (notional_lo + excluded.notional_lo) %"
    "   1000000000000000000";

int
candles_init(struct candles *c, sqlite3 *db, struct tzcal *cal)
{
	memset(c, 0, sizeof(*c));
	c->cal = cal;
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
	c->rolled = 0;
	if (c->index != NULL)
		memset(c->index, 0, c->icap * sizeof(c->index[0]));
}

static size_t
candles_slot(const struct candles *c, const struct candle *k)
{
	uint64_t h;

	h = ((uint64_t)k->symbol_id * 0x9e3779b97f4a7c15ULL) ^
	    ((uint64_t)(k->t / 60000) * 0xc2b2ae3d27d4eb4fULL) ^
	    ((uint64_t)k->iv * 0x165667b19e3779f9ULL);
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
		s = candles_slot(c, &rows[i]);
		while (index[s] != 0)
			s = (s + 1) & (icap - 1);
		index[s] = (uint32_t)i + 1;
	}
	return 0;
}

/* Folds r into the batch's row with r's key (symbol_id, iv, t). */
static int
candles_merge(struct candles *c, const struct candle *r)
{
	struct candle	*m;
	size_t		 s;

	if (c->nrows == c->cap && candles_grow(c) == -1)
		return -1;
	for (s = candles_slot(c, r); c->index[s] != 0;
	    s = (s + 1) & (c->icap - 1)) {
		m = &c->rows[c->index[s] - 1];
		if (m->symbol_id != r->symbol_id || m->t != r->t ||
		    m->iv != r->iv)
			continue;
		if (r->open_ts < m->open_ts) {
			m->open = r->open;
			m->open_ts = r->open_ts;
		}
		if (r->close_ts >= m->close_ts) {
			m->close = r->close;
			m->close_ts = r->close_ts;
		}
		m->high = r->high > m->high ? r->high : m->high;
		m->low = r->low < m->low ? r->low : m->low;
		m->volume += r->volume;
		m->trades += r->trades;
		m->first_id = r->first_id < m->first_id ? r->first_id :
		    m->first_id;
		m->last_id = r->last_id > m->last_id ? r->last_id : m->last_id;
		m->notional += r->notional;
		return 0;
	}
	c->index[s] = (uint32_t)c->nrows + 1;
	c->rows[c->nrows++] = *r;
	return 0;
}

int
candles_add(struct candles *c, int64_t symbol_id, int64_t ts, int64_t price,
    int64_t size, int64_t id)
{
	const struct candle r = { (__int128)price * size, symbol_id,
	    interval_start(IV_1M, ts), price, price, price, price, size, 1,
	    ts, ts, id, id, IV_1M };

	return candles_merge(c, &r);
}

/*
 * Each level from the level below it (1d from 1m outside UTC): the levels
 * lie one after the other in rows[], level iv in [lv_from[iv], lv_to[iv]).
 * Rows of one level are disjoint in time, so their open_ts (and close_ts)
 * never tie.
 */
int
candles_rollup(struct candles *c)
{
	struct candle	r;
	size_t		i;
	int		iv, src;

	if (c->rolled)
		return 0;
	c->lv_from[IV_1M] = 0;
	c->lv_to[IV_1M] = c->nrows;
	for (iv = IV_1M + 1; iv < IV__MAX; iv++) {
		src = iv == IV_1D && !c->cal->utc ? IV_1M : iv - 1;
		c->lv_from[iv] = c->nrows;
		for (i = c->lv_from[src]; i < c->lv_to[src]; i++) {
			r = c->rows[i];
			r.iv = (enum interval)iv;
			r.t = interval_bucket(c->cal, r.iv, r.t, NULL);
			if (candles_merge(c, &r) == -1)
				return -1;
		}
		c->lv_to[iv] = c->nrows;
	}
	c->rolled = 1;
	return 0;
}

int
candles_flush(struct candles *c)
{
	const struct candle	*r;
	sqlite3_stmt		*st = c->upsert;
	size_t			 i;
	int			 rc = 0;

	if (candles_rollup(c) == -1)
		return -1;
	for (i = 0; i < c->nrows && rc == 0; i++) {
		r = &c->rows[i];
		const int64_t v[] = { r->symbol_id, intervals[r->iv].minutes,
		    r->t, r->open, r->high, r->low, r->close, r->volume,
		    r->trades, r->open_ts, r->close_ts, r->first_id,
		    r->last_id, (int64_t)(r->notional / NOTIONAL_SPLIT),
		    (int64_t)(r->notional % NOTIONAL_SPLIT) };
		if (bind_int64s(st, v, BIND_N(v)) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
	if (rc == 0)
		candles_clear(c);
	return rc;
}

/*
 * The tick as the ingest tool sees it, and the parsing of its fields.
 * Both parsers (CSV, NDJSON) fill a struct tick field by field with
 * tick_set_field() and hand it to a tick_sink; nothing here touches the
 * database.
 */
#ifndef INGEST_TICK_H
#define INGEST_TICK_H

#include <stddef.h>
#include <stdint.h>

#include "valid.h"

/* Sizes are whole units; the cap keeps a day's volume sum far from int64. */
#define TICK_SIZE_MAX	1000000000000LL
/* A JSON number price must not claim more precision than a double keeps. */
#define TICK_JSON_DIGITS_MAX 15
/* Room for one reason, e.g. "price: price has more than 8 decimals". */
#define TICK_WHYSZ	256
/*
 * The earliest integer ts taken (after --ts-unit): 1980-01-01T00:00:00Z.
 * It catches a feed in seconds read as ms: every seconds value up to
 * 9999999999 (2286-11-20) is below it as ms.
 */
#define TICK_TS_FLOOR	315532800000LL
#define TICK_TS_FLOOR_TEXT "1980-01-01T00:00:00Z"	/* the same, for messages */

/*
 * The unit of integer timestamps (--ts-unit).  us and ns are truncated
 * to the ms the store keeps.  ISO-8601 text says its own unit.
 */
enum tick_ts_unit {
	TICK_TS_MS,	/* the default (0) */
	TICK_TS_S,
	TICK_TS_US,
	TICK_TS_NS,
	TICK_TS_UNIT__MAX
};

/* The columns (CSV header names) and keys (NDJSON) a feed may carry. */
enum tick_field {
	TICK_SYMBOL,
	TICK_TS,
	TICK_PRICE,
	TICK_SIZE,
	TICK_SEQ,
	TICK_FIELD__MAX
};

struct tick {
	char	 symbol[SYMBOL_MAX + 1];
	int64_t	 ts;		/* ms since the epoch, UTC */
	int	 ts_int;	/* ts is the feed's integer, unit not applied */
	int64_t	 price;		/* scaled by PRICE_SCALE */
	int64_t	 size;
	int64_t	 seq;		/* the source's own sequence, -1 if none */
	int64_t	 nkey;		/* natural key part: seq, or a negative hash */
	int	 decimals;	/* decimals the price was written with */
	unsigned seen;		/* bit (1 << field) for each field set */
	/* Replication only (replicate.c): the origin's ids, 0 elsewhere. */
	int64_t	 id;
	int64_t	 symbol_id;
};

/*
 * Where a parser delivers.  tick() returns 0 to go on, -1 to stop the
 * whole input (a database error); reject() receives each refused record
 * with its first line number and a reason without the FILE:LINE prefix.
 */
struct tick_sink {
	int	(*tick)(void *arg, const struct tick *, long line);
	void	(*reject)(void *arg, long line, const char *reason);
	void	 *arg;
};

extern const char *const tick_field_names[TICK_FIELD__MAX];
/* "ms", "s", "us", "ns": the --ts-unit values. */
extern const char *const tick_ts_unit_names[TICK_TS_UNIT__MAX];

/* The enum tick_ts_unit called name, or -1. */
int	tick_ts_unit_parse(const char *name);

/* The field called name[0..len) (ASCII case-insensitive), or -1. */
int	tick_field_lookup(const char *name, size_t len);

void	tick_reset(struct tick *);

/*
 * Parses s[0..len) as field f into t.  Returns 0, or -1 with a reason
 * in why[TICK_WHYSZ].  A field given twice is refused.
 */
int	tick_set_field(struct tick *t, enum tick_field f, const char *s,
	    size_t len, char *why);

/*
 * The integer forms NDJSON may carry for ts, size and seq.  An integer ts
 * (here or as CSV digits) is kept as it is until tick_finish().
 */
int	tick_set_int(struct tick *t, enum tick_field f, int64_t v, char *why);

/*
 * A price given as a JSON number: recovers the shortest decimal that
 * reads back as the same double, refuses more than TICK_JSON_DIGITS_MAX
 * significant digits, then parses that text exactly.
 */
int	tick_set_price_double(struct tick *t, double d, char *why);

/*
 * Checks the required fields are there, turns an integer ts in unit into
 * ms (refusing one outside TICK_TS_FLOOR..TS_MAX, and saying which unit
 * it looks like if another fits) and computes nkey (seq when given, else
 * the negative hash of price and size).  Returns 0 or -1 with why.
 */
int	tick_finish(struct tick *t, enum tick_ts_unit unit, char *why);

/* The negative 63-bit hash of (price, size) used when there is no seq. */
int64_t	tick_hash_nkey(int64_t price, int64_t size);

#endif

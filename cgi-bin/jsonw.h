/*
 * The small JSON writer every answer is built with, appending to a
 * struct buf (lib/buf.h).  Prices are printed exactly (lib/price.c),
 * never through a double: jansson would print 0.1 as 0.10000000000000001
 * (STYLE.md).  Strings are escaped per RFC 8259 section 7.  Commas are the
 * writer's business: it looks at the last byte written.  A failed
 * allocation latches the buffer's oom; check it once at the end.
 */
#ifndef TICKFEED_JSONW_H
#define TICKFEED_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* What a tick looks like in every answer that lists ticks. */
struct tick {
	int64_t		 id;
	const char	*symbol;	/* NULL: not printed (per-symbol lists) */
	int64_t		 ts;
	int64_t		 price;		/* scaled by PRICE_SCALE */
	int64_t		 size;
	int		 decimals;	/* the symbol's print decimals */
};

/*
 * Structure: a value inside an object needs its key first (jw_key).
 * Nesting depth is the caller's business.
 */
void	jw_obj_open(struct buf *);
void	jw_obj_close(struct buf *);
void	jw_arr_open(struct buf *);
void	jw_arr_close(struct buf *);
void	jw_key(struct buf *, const char *);

void	jw_str(struct buf *, const char *, size_t);
void	jw_strz(struct buf *, const char *);
void	jw_int(struct buf *, int64_t);
void	jw_bool(struct buf *, int);
void	jw_null(struct buf *);
void	jw_price(struct buf *, int64_t, int decimals);
/* A value in hundredths, printed with two decimals: 65 -> 0.65. */
void	jw_cents(struct buf *, int64_t);

/* {"id":..,["symbol":..,]"ts":..,"price":..,"size":..} */
void	jw_tick(struct buf *, const struct tick *);

/* "key":value shorthands for objects. */
void	jw_kv_int(struct buf *, const char *, int64_t);
void	jw_kv_strz(struct buf *, const char *, const char *);
void	jw_kv_price(struct buf *, const char *, int64_t, int decimals);

#endif

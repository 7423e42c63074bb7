/*
 * A growable byte buffer and the small JSON writer every answer is built
 * with.  Prices are printed exactly (lib/price.c), never through a double:
 * jansson would print 0.1 as 0.10000000000000001 (STYLE.md).  Strings are
 * escaped per RFC 8259 section 7.
 *
 * A failed allocation latches jw->err: later calls do nothing, and the
 * caller checks jw_failed() once at the end (as stdio's ferror does).
 */
#ifndef TICKFEED_JSONW_H
#define TICKFEED_JSONW_H

#include <stddef.h>
#include <stdint.h>

struct jw {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 err;		/* an allocation failed */
};

/* What a tick looks like in every answer that lists ticks. */
struct tick {
	int64_t		 id;
	const char	*symbol;	/* NULL: not printed (per-symbol lists) */
	int64_t		 ts;
	int64_t		 price;		/* scaled by PRICE_SCALE */
	int64_t		 size;
	int		 decimals;	/* the symbol's print decimals */
};

/* Allocation hooks, for the malloc-failure tests; NULL restores libc. */
void	jw_set_alloc(void *(*re)(void *, size_t));

void	jw_init(struct jw *);
void	jw_free(struct jw *);
/* Hands the bytes over (caller frees); NULL if anything failed. */
char	*jw_take(struct jw *, size_t *len);
int	 jw_failed(const struct jw *);

void	jw_raw(struct jw *, const char *, size_t);
void	jw_rawz(struct jw *, const char *);
void	jw_char(struct jw *, char);

/*
 * Structure: a value inside an object needs its key first (jw_key); commas
 * are written by the writer.  Nesting depth is the caller's business.
 */
void	jw_obj_open(struct jw *);
void	jw_obj_close(struct jw *);
void	jw_arr_open(struct jw *);
void	jw_arr_close(struct jw *);
void	jw_key(struct jw *, const char *);

void	jw_str(struct jw *, const char *, size_t);
void	jw_strz(struct jw *, const char *);
void	jw_int(struct jw *, int64_t);
void	jw_bool(struct jw *, int);
void	jw_null(struct jw *);
void	jw_price(struct jw *, int64_t, int decimals);
/* A value in hundredths, printed with two decimals: 65 -> 0.65. */
void	jw_cents(struct jw *, int64_t);

/* {"id":..,["symbol":..,]"ts":..,"price":..,"size":..} */
void	jw_tick(struct jw *, const struct tick *);

/* "key":value shorthands for objects. */
void	jw_kv_int(struct jw *, const char *, int64_t);
void	jw_kv_strz(struct jw *, const char *, const char *);
void	jw_kv_price(struct jw *, const char *, int64_t, int decimals);

#endif

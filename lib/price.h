/*
 * Exact decimal prices.  A price is an int64 scaled by 10^8 (PRICE_SCALE):
 * "101.23" is 10123000000.  Parsing never goes through a double, and
 * formatting prints at least the symbol's decimals and never drops a
 * non-zero digit, so "101.23" in is "101.23" out.
 */
#ifndef TICKFEED_PRICE_H
#define TICKFEED_PRICE_H

#include <stddef.h>
#include <stdint.h>

#define PRICE_DECIMALS	8
#define PRICE_SCALE	100000000LL
/* Largest accepted magnitude: 10 integer digits keep v * 10^8 in int64. */
#define PRICE_INT_DIGITS_MAX 10
/* "-" + 10 digits + "." + 8 digits + NUL, rounded up. */
#define PRICE_BUFSZ	32

enum price_err {
	PRICE_OK = 0,
	PRICE_EMPTY,		/* no characters */
	PRICE_SYNTAX,		/* not -?digits[.digits] */
	PRICE_TOO_PRECISE,	/* more than 8 decimals */
	PRICE_TOO_LARGE,	/* more than 10 integer digits */
	PRICE_ERR__MAX
};

/*
 * Parses exactly len bytes of s (no NUL needed) as -?D+(.D+)?.  On success
 * stores the scaled value in *out and the count of decimals written in
 * *decimals (may be NULL).  No whitespace, no '+', no exponent, no "nan".
 */
enum price_err	price_parse(const char *s, size_t len, int64_t *out,
		    int *decimals);
const char	*price_strerror(enum price_err);

/*
 * Writes v with at least `decimals` digits after the point (0..8; more are
 * printed when v needs them) into buf of PRICE_BUFSZ bytes.  Returns the
 * length written, not counting the NUL.
 */
size_t		price_format(int64_t v, int decimals, char *buf);

/*
 * The volume-weighted average price of a candle: notional (the sum of
 * price * size, scaled like a price: hi * 10^18 + lo) / volume, rounded
 * half away from zero to `decimals` (0..8), scaled.  0 and *out, or -1
 * when volume is not above 0 (or the result leaves int64).
 */
int		price_vwap(int64_t hi, int64_t lo, int64_t volume, int decimals,
		    int64_t *out);

/* Decimals v needs to be printed without loss (0..8). */
int		price_decimals_needed(int64_t v);

#endif

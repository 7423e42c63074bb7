/*
 * libFuzzer harness: price_parse, price_format and the JSON-number path
 * (tick_set_price_double).  A parsed price prints back to the same value
 * with at least its own decimals; a double taken as a price reads back
 * as the same double.  price_vwap on any (hi, lo, volume, decimals): a
 * result only for volume > 0, a multiple of its decimals' unit, within
 * half a unit of notional / volume (ties away from zero).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "price.h"
#include "tick.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_text(const char *s, size_t len)
{
	char	buf[PRICE_BUFSZ];
	int64_t	v, w;
	int	dec;
	size_t	n;

	if (price_parse(s, len, &v, &dec) != PRICE_OK)
		return;
	n = price_format(v, dec, buf);
	if (n >= PRICE_BUFSZ || price_parse(buf, n, &w, NULL) != PRICE_OK ||
	    w != v || price_decimals_needed(v) > dec)
		abort();
}

static void
fuzz_double(const uint8_t *data, size_t size)
{
	struct tick	t;
	char		why[TICK_WHYSZ], buf[PRICE_BUFSZ];
	double		d;

	if (size < sizeof(d))
		return;
	memcpy(&d, data, sizeof(d));
	tick_reset(&t);
	if (tick_set_price_double(&t, d, why) != 0)
		return;
	price_format(t.price, t.decimals, buf);
	if (strtod(buf, NULL) != d && !(d == 0 && t.price == 0))
		abort();
}

static void
fuzz_vwap(const uint8_t *data, size_t size)
{
	int64_t		hi, lo, vol, out;
	__int128	num, den, unit = 1, err;
	int		dec, i;

	if (size < 3 * sizeof(int64_t) + 1)
		return;
	memcpy(&hi, data, sizeof(hi));
	memcpy(&lo, data + 8, sizeof(lo));
	memcpy(&vol, data + 16, sizeof(vol));
	/* The store's ranges: |lo| < 10^18, hi of a sum that fits 128 bits. */
	lo %= 1000000000000000000LL;
	hi %= 100000000000000000LL;
	dec = data[24] % (PRICE_DECIMALS + 1);
	if (price_vwap(hi, lo, vol, dec, &out) == -1) {
		if (vol > 0) {	/* only when the result leaves int64 */
			num = (__int128)hi * 1000000000000000000LL + lo;
			if (num / vol <= INT64_MAX && num / vol >= INT64_MIN)
				abort();
		}
		return;
	}
	if (vol <= 0)
		abort();
	for (i = dec; i < PRICE_DECIMALS; i++)
		unit *= 10;
	if (out % unit != 0)
		abort();
	num = (__int128)hi * 1000000000000000000LL + lo;
	den = (__int128)vol;
	/* |out * vol - num| <= unit * vol / 2 */
	err = (__int128)out * den - num;
	/* a tie is rounded away from zero: past num, on num's side */
	if (2 * err == unit * den || -2 * err == unit * den)
		if ((err > 0) != (num > 0))
			abort();
	if (err < 0)
		err = -err;
	if (2 * err > unit * den)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_text((const char *)data, size);
	fuzz_double(data, size);
	fuzz_vwap(data, size);
	return 0;
}

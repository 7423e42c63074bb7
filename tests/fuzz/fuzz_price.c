/*
 * libFuzzer harness: price_parse, price_format and the JSON-number path
 * (tick_set_price_double).  A parsed price prints back to the same value
 * with at least its own decimals; a double taken as a price reads back
 * as the same double.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_text((const char *)data, size);
	fuzz_double(data, size);
	return 0;
}

/* lib/price.c: exact decimal parse and format, round trips and refusals. */
#include <stdint.h>
#include <string.h>

#include "price.h"
#include "tap.h"

/* in, decimals to print with, expected out */
static const struct { const char *in; int dec; const char *out; } trips[] = {
	{ "101.23", 2, "101.23" },
	{ "0.1", 1, "0.1" },
	{ "0.3", 2, "0.30" },
	{ "101.23000000", 8, "101.23000000" },
	{ "0.00000001", 8, "0.00000001" },
	{ "9999999999.99999999", 8, "9999999999.99999999" },
	{ "-9999999999.99999999", 8, "-9999999999.99999999" },
	{ "-0.5", 1, "-0.5" },
	{ "-0", 0, "0" },
	{ "0", 0, "0" },
	{ "007.10", 2, "7.10" },
	{ "1.005", 3, "1.005" },
	{ "2.675", 3, "2.675" },
	{ "4.35", 2, "4.35" },
	{ "0.1", 4, "0.1000" },
	{ "123.456", 2, "123.456" },	/* never drops a digit */
	{ "1234567890", 0, "1234567890" },
};

static const struct { const char *in; enum price_err err; } bad[] = {
	{ "", PRICE_EMPTY },
	{ "-", PRICE_SYNTAX },
	{ ".5", PRICE_SYNTAX },
	{ "5.", PRICE_SYNTAX },
	{ "+5", PRICE_SYNTAX },
	{ " 5", PRICE_SYNTAX },
	{ "5 ", PRICE_SYNTAX },
	{ "1e2", PRICE_SYNTAX },
	{ "nan", PRICE_SYNTAX },
	{ "inf", PRICE_SYNTAX },
	{ "0x1p3", PRICE_SYNTAX },
	{ "1,5", PRICE_SYNTAX },
	{ "1.2.3", PRICE_SYNTAX },
	{ "--1", PRICE_SYNTAX },
	{ "0.000000001", PRICE_TOO_PRECISE },
	{ "12345678901", PRICE_TOO_LARGE },
	{ "-12345678901.5", PRICE_TOO_LARGE },
};

/* vwap of (hi, lo, volume) at decimals, printed; "null" when refused. */
static const char *
vwap(int64_t hi, int64_t lo, int64_t volume, int decimals)
{
	static char	buf[PRICE_BUFSZ];
	int64_t		v;

	if (price_vwap(hi, lo, volume, decimals, &v) == -1)
		return "null";
	price_format(v, decimals, buf);
	return buf;
}

/*
 * price_vwap: notional / volume rounded half away from zero at the
 * symbol's decimals, beyond int64 notionals included.
 */
static void
test_vwap(void)
{
	/* 188.00 x 100 + 188.05 x 200 = 56410.00 (scaled 10^8) / 300 */
	tap_is_str(vwap(0, 5641000000000LL, 300, 2), "188.03",
	    "188.0333.. -> 188.03");
	tap_is_str(vwap(0, 5641000000000LL, 300, 8), "188.03333333",
	    "8 decimals");
	tap_is_str(vwap(0, 5641000000000LL, 300, 0), "188", "0 decimals");
	/* 1.005 exactly: half rounds away from zero, both signs. */
	tap_is_str(vwap(0, 201000000LL, 2, 2), "1.01", "1.005 -> 1.01");
	tap_is_str(vwap(0, -201000000LL, 2, 2), "-1.01", "-1.005 -> -1.01");
	tap_is_str(vwap(0, 200999999LL, 2, 2), "1.00", "1.0049999 -> 1.00");
	tap_is_str(vwap(0, -200999999LL, 2, 2), "-1.00",
	    "-1.0049999 -> -1.00");
	tap_is_str(vwap(0, 0, 5, 2), "0.00", "a notional of 0");
	tap_is_str(vwap(0, 100, 0, 2), "null", "volume 0: null");
	tap_is_str(vwap(0, 100, -1, 2), "null", "negative volume: null");
	/*
	 * Three ticks at 9,999,999,999.99999999 of size 10^12: the notional
	 * is 3 * 999999999999999999 * 10^12 = 2999999999999999997 * 10^12,
	 * hi = 2999999999999, lo = 999997000000000000.
	 */
	tap_is_str(vwap(2999999999999LL, 999997000000000000LL, 3000000000000LL,
	    8), "9999999999.99999999", "a notional far beyond int64");
	tap_is_str(vwap(2999999999999LL, 999997000000000000LL, 3000000000000LL,
	    2), "10000000000.00", "... rounded up to 2 decimals");
	/* hi and lo of mixed signs (the upsert may leave them so). */
	tap_is_str(vwap(1, -999999999900000000LL, 1, 2), "1.00",
	    "10^18 - (10^18 - 10^8) = 10^8: 1.00");
}

int
main(void)
{
	char		buf[PRICE_BUFSZ];
	int64_t		v;
	int		dec;
	size_t		i;

	for (i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
		enum price_err e = price_parse(trips[i].in,
		    strlen(trips[i].in), &v, &dec);
		tap_is_int(e, PRICE_OK, "parse %s", trips[i].in);
		price_format(v, trips[i].dec, buf);
		tap_is_str(buf, trips[i].out, "format %s with %d decimals",
		    trips[i].in, trips[i].dec);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_is_int(price_parse(bad[i].in, strlen(bad[i].in), &v, NULL),
		    bad[i].err, "refuse '%s' (%s)", bad[i].in,
		    price_strerror(bad[i].err));

	/* Length is honoured: no reading past len, no NUL needed. */
	tap_is_int(price_parse("1.25xyz", 3, &v, &dec), PRICE_OK, "len bound");
	tap_is_int(v, 120000000, "len bound value is 1.2");
	tap_is_int(dec, 1, "len bound decimals");

	/* Every 2-decimal price 0.00..99.99 survives the round trip. */
	{
		int bad_trips = 0;
		for (i = 0; i < 10000; i++) {
			char in[16];
			int n = snprintf(in, sizeof(in), "%zu.%02zu", i / 100,
			    i % 100);
			if (price_parse(in, (size_t)n, &v, &dec) != PRICE_OK ||
			    (price_format(v, dec, buf), strcmp(buf, in) != 0))
				bad_trips++;
		}
		tap_is_int(bad_trips, 0, "10000 two-decimal round trips exact");
	}
	tap_is_int(price_decimals_needed(10123000000LL), 2, "needed(101.23)");
	tap_is_int(price_decimals_needed(-1), 8, "needed(-0.00000001)");
	tap_is_int(price_decimals_needed(0), 0, "needed(0)");
	test_vwap();
	return tap_done();
}

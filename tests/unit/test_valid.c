/* lib/valid.c and lib/timeutil.c: strict validators at their boundaries. */
#include <stdint.h>
#include <string.h>

#include "timeutil.h"
#include "tap.h"
#include "valid.h"

#define S(x) x, strlen(x)

int
main(void)
{
	static const char *good_syms[] = { "AAPL", "BRK.B", "RDS-A", "^GSPC",
	    "EURUSD=X", "A", "0700", "ABCDEFGHIJKLMNOP", "BTC_USD" };
	static const char *bad_syms[] = { "", "aapl", "AAP L", ".A", "-A",
	    "ABCDEFGHIJKLMNOPQ", "A'B", "A;B", "A/B", "A%20", "\xc3\x84",
	    "A\nB", "=A" };
	static const char *bad_ints[] = { "", "-", "+1", " 1", "1 ", "01",
	    "1.0", "1e3", "0x10", "9223372036854775808", "99999999999999999999",
	    "-1", "１" };
	static const char *bad_dbl[] = { "nan", "NaN", "inf", "-inf",
	    "Infinity", "0x1p3", " 1", "1 ", "+1", ".5", "5.", "01", "1e",
	    "1e+", "1e999", "-1e999", "" };
	int64_t	 i64;
	double	 d;
	size_t	 i;

	for (i = 0; i < sizeof(good_syms) / sizeof(*good_syms); i++)
		tap_ok(valid_symbol(S(good_syms[i])) == 0, "symbol '%s' ok",
		    good_syms[i]);
	for (i = 0; i < sizeof(bad_syms) / sizeof(*bad_syms); i++)
		tap_ok(valid_symbol(S(bad_syms[i])) == -1, "symbol refused #%zu",
		    i);

	tap_ok(valid_int64(S("0"), 0, 10, &i64) == 0 && i64 == 0, "int 0");
	tap_ok(valid_int64(S("10"), 0, 10, &i64) == 0 && i64 == 10, "int max");
	tap_ok(valid_int64(S("11"), 0, 10, &i64) == -1, "int max+1");
	tap_ok(valid_int64(S("9223372036854775807"), 0, INT64_MAX, &i64) == 0
	    && i64 == INT64_MAX, "int64 max");
	tap_ok(valid_int64(S("-9223372036854775808"), INT64_MIN, 0, &i64) == 0
	    && i64 == INT64_MIN, "int64 min");
	tap_ok(valid_int64(S("-5"), -10, 10, &i64) == 0 && i64 == -5, "neg");
	tap_ok(valid_int64(S("-11"), -10, 10, &i64) == -1, "neg below min");
	for (i = 0; i < sizeof(bad_ints) / sizeof(*bad_ints); i++)
		tap_ok(valid_int64(S(bad_ints[i]), 0, INT64_MAX, &i64) == -1,
		    "int refused '%s'", bad_ints[i]);

	tap_ok(valid_double(S("101.23"), &d) == 0 && d == 101.23, "double");
	tap_ok(valid_double(S("-0"), &d) == 0, "double -0");
	tap_ok(valid_double(S("1.5e3"), &d) == 0 && d == 1500, "double exp");
	tap_ok(valid_double(S("1E-2"), &d) == 0, "double exp neg");
	for (i = 0; i < sizeof(bad_dbl) / sizeof(*bad_dbl); i++)
		tap_ok(valid_double(S(bad_dbl[i]), &d) == -1,
		    "double refused '%s'", bad_dbl[i]);

	tap_ok(valid_utf8(S("plain")) == 0, "utf8 ascii");
	tap_ok(valid_utf8(S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80")) == 0,
	    "utf8 2,3,4 bytes");
	tap_ok(valid_utf8(S("\xc3")) == -1, "utf8 truncated 2");
	tap_ok(valid_utf8(S("\xe2\x82")) == -1, "utf8 truncated 3");
	tap_ok(valid_utf8(S("\xc0\xaf")) == -1, "utf8 overlong");
	tap_ok(valid_utf8(S("\xed\xa0\x80")) == -1, "utf8 surrogate");
	tap_ok(valid_utf8(S("\xf4\x90\x80\x80")) == -1, "utf8 > U+10FFFF");
	tap_ok(valid_utf8(S("\xff")) == -1, "utf8 0xff");

	tap_ok(time_parse_ts(S("2026-11-28T09:30:00.123Z"), &i64) == 0 &&
	    i64 == 1795858200123LL, "iso with ms");
	tap_ok(time_parse_ts(S("2026-11-28 09:30:00+00:00"), &i64) == 0 &&
	    i64 == 1795858200000LL, "iso with space and +00:00");
	tap_ok(time_parse_ts(S("1795858200123"), &i64) == 0 &&
	    i64 == 1795858200123LL, "epoch ms");
	tap_ok(time_parse_ts(S("2024-02-29T00:00:00Z"), &i64) == 0, "leap day");
	tap_ok(time_parse_ts(S("2023-02-29T00:00:00Z"), &i64) == -1, "no Feb 29");
	tap_ok(time_parse_ts(S("2026-11-28T24:00:00Z"), &i64) == -1, "hour 24");
	tap_ok(time_parse_ts(S("2026-11-28T09:30:60Z"), &i64) == -1, "sec 60");
	tap_ok(time_parse_ts(S("2026-11-28T09:30:00"), &i64) == -1, "no zone");
	tap_ok(time_parse_ts(S("2026-11-28T09:30:00+01:00"), &i64) == -1,
	    "non-UTC offset refused");
	tap_ok(time_parse_ts(S("2026-11-28T09:30:00.Z"), &i64) == -1, "empty frac");
	tap_ok(time_parse_ts(S("1969-12-31T23:59:59Z"), &i64) == -1, "pre-epoch");
	tap_ok(time_parse_ts(S("253402300800000"), &i64) == -1, "after 9999");
	{
		char buf[ISO8601_BUFSZ];
		time_format_iso8601(1795858200123LL, buf);
		tap_is_str(buf, "2026-11-28T09:30:00.123Z", "format iso");
		time_format_iso8601(0, buf);
		tap_is_str(buf, "1970-01-01T00:00:00.000Z", "format epoch");
	}
	return tap_done();
}

/*
 * params.c: every validator at its boundaries, and the table rules
 * (unknown, not allowed, repeated, missing value, required).
 */
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "tap.h"
#include "timeutil.h"

#define ALL	((1u << P__MAX) - 1)

static struct params	 p;
static struct param_error err;

static enum http_status
parse(const char *q, unsigned allowed, unsigned required)
{
	memset(&err, 0, sizeof(err));
	return params_parse(q, allowed, required, &p, &err);
}

static void
good(const char *q, const char *what)
{
	tap_is_int(parse(q, ALL, 0), HTTP_OK, "accepted: %s", what);
}

static void
bad(const char *q, const char *code, const char *msg, const char *what)
{
	tap_is_int(parse(q, ALL, 0), HTTP_BAD_REQUEST, "refused: %s", what);
	tap_is_str(err.code, code, "%s: code", what);
	if (msg != NULL)
		tap_is_str(err.msg, msg, "%s: message", what);
}

static void
test_symbols(void)
{
	char	q[SYMSET_MAX * 4 + 16];
	size_t	n;
	int	i;

	good("symbol=ABCDEFGHIJKLMNOP", "16-character symbol");
	tap_is_str(p.symbol, "ABCDEFGHIJKLMNOP", "symbol stored");
	bad("symbol=ABCDEFGHIJKLMNOPQ", "bad_value", NULL, "17 characters");
	good("symbol=%5EGSPC", "^GSPC (index)");
	good("symbol=BRK.A", "BRK.A");
	bad("symbol=.A", "bad_value", NULL, "leading dot");
	bad("symbol=a", "bad_value", NULL, "lower case");
	good("symbols=A,B,C", "three symbols");
	tap_is_int((int)p.symbols.n, 3, "three stored");
	tap_is_str(p.symbols.name[2], "C", "in order");
	n = (size_t)snprintf(q, sizeof(q), "symbols=");
	for (i = 0; i < SYMSET_MAX; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "%sS%d",
		    i ? "," : "", i);
	good(q, "64 symbols");
	tap_is_int((int)p.symbols.n, SYMSET_MAX, "64 stored");
	snprintf(q + n, sizeof(q) - n, ",X");
	bad(q, "bad_value", "symbols takes at most 64 symbols", "65 symbols");
	bad("symbols=A,,B", "bad_value", NULL, "empty item");
	bad("symbols=A,", "bad_value", NULL, "trailing comma");
	bad("symbols=,A", "bad_value", NULL, "leading comma");
	good("symbols=AB,A", "a symbol that is a prefix of another");
	bad("symbols=A,B,A", "bad_value", "symbols names a symbol twice",
	    "a symbol twice");
}

static void
test_integers(void)
{
	good("since=0", "since 0");
	good("since=9223372036854775807", "since INT64_MAX");
	tap_is_int(p.since, INT64_MAX, "INT64_MAX stored");
	bad("since=9223372036854775808", "bad_value",
	    "since must be an integer >= 0", "since INT64_MAX + 1");
	bad("since=-0", "bad_value", NULL, "since -0");
	bad("since=01", "bad_value", NULL, "leading zero");
	bad("since=%201", "bad_value", NULL, "leading space");
	good("limit=1", "limit 1");
	good("limit=10000", "limit 10000");
	tap_is_int(p.limit, 10000, "limit stored");
	bad("limit=0", "bad_value", "limit must be an integer 1..10000",
	    "limit 0");
	bad("limit=10001", "bad_value", NULL, "limit 10001");
	good("timeout=3600", "timeout 3600");
	bad("timeout=3601", "bad_value", "timeout must be an integer 0..3600",
	    "timeout 3601");
	good("last_event_id=5", "last_event_id");
	tap_is_int(p.last_event_id, 5, "last_event_id stored");
	good("before=1", "before 1");
	tap_is_int(p.before, 1, "before stored");
	good("before=9223372036854775807", "before INT64_MAX");
	bad("before=0", "bad_value", "before must be an integer >= 1",
	    "before 0 (nothing is below it)");
	bad("before=9223372036854775808", "bad_value", NULL,
	    "before INT64_MAX + 1");
	bad("before=-1", "bad_value", NULL, "before -1");
	bad("before=01", "bad_value", NULL, "before with a leading zero");
}

static void
test_order(void)
{
	good("order=asc", "order asc");
	tap_is_int(p.desc, 0, "asc stored");
	good("order=desc", "order desc");
	tap_is_int(p.desc, 1, "desc stored");
	good("symbol=A", "no order");
	tap_is_int(p.desc, 0, "asc by default");
	bad("order=DESC", "bad_value", "order must be asc or desc",
	    "names are case-sensitive");
	bad("order=des", "bad_value", NULL, "no prefix");
	bad("order=descending", "bad_value", NULL, "no longer word");
	bad("order=desc%00", "bad_encoding", NULL, "no NUL");
	bad("order=asc&order=desc", "repeated_param", NULL, "given twice");
}

static void
test_times(void)
{
	good("from=0", "from 0");
	good("to=253402300799999", "to TS_MAX");
	tap_is_int(p.to, TS_MAX, "TS_MAX stored");
	bad("to=253402300800000", "bad_value", NULL, "TS_MAX + 1");
	good("from=2024-01-03T00:00:00Z", "ISO-8601");
	tap_is_int(p.from, 1704240000000LL, "ISO-8601 stored as ms");
	good("from=2024-01-03T00:00:00.5%2B00:00", "ISO-8601 +00:00 and .5");
	tap_is_int(p.from, 1704240000500LL, "fraction kept");
	bad("from=2023-02-29T00:00:00Z", "bad_value", NULL, "no Feb 29 in 2023");
	bad("from=-1", "bad_value", NULL, "negative ms");
}

static void
test_interval(void)
{
	int i;

	for (i = 0; i < IV__MAX; i++) {
		char q[32];

		snprintf(q, sizeof(q), "interval=%s", intervals[i].name);
		good(q, intervals[i].name);
		tap_is_int(p.interval, i, "%s stored", intervals[i].name);
	}
	tap_is_int(IV__MAX, 8, "the API serves all eight intervals");
	bad("interval=2h", "bad_value",
	    "interval must be one of 1m 5m 15m 30m 1h 4h 1d 1w", "2h");
	bad("interval=1W", "bad_value", NULL, "names are case-sensitive");
	bad("interval=1M", "bad_value", NULL, "names are case-sensitive");
	bad("interval=1m1", "bad_value", NULL, "no prefix match");
}

static void
test_table(void)
{
	bad("nope=1", "unknown_param", "unknown parameter 'nope'", "unknown key");
	bad("NOPE=1", "unknown_param", "unknown parameter", "odd key not echoed");
	bad("%3Cb%3E=1", "unknown_param", "unknown parameter", "markup not echoed");
	bad("limit=1&limit=1", "repeated_param", "parameter 'limit' given twice",
	    "repeated key, same value");
	bad("symbol", "missing_value", "parameter 'symbol' needs a value",
	    "key alone");
	bad("symbol=", "missing_value", NULL, "empty value");
	tap_is_int(parse("since=1", PBIT(P_SYMBOL), 0), HTTP_BAD_REQUEST,
	    "a key the route does not take");
	tap_is_str(err.code, "param_not_allowed", "code param_not_allowed");
	tap_is_int(parse("", PBIT(P_SYMBOL), PBIT(P_SYMBOL)), HTTP_BAD_REQUEST,
	    "a required key missing");
	tap_is_str(err.msg, "parameter 'symbol' is required", "names the key");
	tap_is_int(parse("symbol=A", PBIT(P_SYMBOL), PBIT(P_SYMBOL)), HTTP_OK,
	    "required key given");
	tap_is_int(p.present, PBIT(P_SYMBOL), "present has exactly its bit");
	tap_is_int(parse("s=%zz", ALL, 0), HTTP_BAD_REQUEST,
	    "encoding errors come first");
	tap_is_str(err.code, "bad_encoding", "code bad_encoding");
}

int
main(void)
{
	test_symbols();
	test_integers();
	test_times();
	test_interval();
	test_order();
	test_table();
	return tap_done();
}

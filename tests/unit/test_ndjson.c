/* ingest/ndjson_src.c through the line reader, and JSON-number prices. */
#include <stdlib.h>
#include <string.h>

#include "ingest_feed.h"
#include "tap.h"

#define TS	"1764322200000"	/* a time where the time is not the point */

/* price as a JSON number: the exact decimal kept, decimals as written */
static const struct { const char *json; long long want; int dec; } nums[] = {
	{ "101.23", 10123000000LL, 2 },
	{ "0.1", 10000000LL, 1 },
	{ "1.005", 100500000LL, 3 },
	{ "2.675", 267500000LL, 3 },
	{ "101.50", 10150000000LL, 1 },		/* zeros are lost in a double */
	{ "1e-05", 1000LL, 5 },
	{ "1.5E3", 150000000000LL, 0 },
	{ "9999999.99999999", 999999999999999LL, 8 },	/* 15 digits */
	{ "101", 10100000000LL, 0 },
	{ "-0.5", -50000000LL, 1 },
	{ "0", 0LL, 0 },
};

static const struct { const char *line, *why; } bad[] = {
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":0.1234567890123456}",
	  "price: number with more than 15 significant digits (send it as a string)" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":12345678901.5}",
	  "price: price has more than 10 integer digits" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1e-9}",
	  "price: price has more than 8 decimals" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":\"1e2\"}",
	  "price: price is not a plain decimal" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":true}", "price: wrong JSON type" },
	{ "{\"symbol\":5,\"ts\":" TS ",\"price\":1}", "symbol: wrong JSON type" },
	{ "{\"symbol\":\"a\",\"ts\":" TS ",\"price\":1}",
	  "symbol: not 1..16 of A-Z 0-9 . - _ ^ =" },
	{ "{\"ts\":" TS ",\"price\":1}", "symbol missing" },
	{ "{\"symbol\":\"A\",\"price\":1}", "ts missing" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":null}", "price missing" },
	{ "{\"symbol\":\"A\",\"ts\":-1,\"price\":1}", "ts: -1 ms since the epoch is "
	  "before 1980-01-01T00:00:00Z, the earliest integer ts taken" },
	{ "{\"symbol\":\"A\",\"ts\":1.5,\"price\":1}", "ts: wrong JSON type" },
	{ "{\"symbol\":\"A\",\"ts\":\"yesterday\",\"price\":1}",
	  "ts: not an integer (see --ts-unit) or ISO-8601 UTC" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1,\"size\":1.5}",
	  "size: wrong JSON type" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1,\"size\":-1}",
	  "size: not an integer in 0..1000000000000" },
	{ "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1,\"seq\":-1}", "seq: negative" },
	{ "[1,2]", "JSON: not an object" },
	{ "{\"symbol\":\"A\",\"symbol\":\"B\",\"ts\":" TS ",\"price\":1}",
	  "JSON: duplicate object key near '\"symbol\"'" },
	{ "{\"symbol\":\"A\"", "JSON: '}' expected near end of file" },
};

static void
test_numbers(void)
{
	struct feed	f;
	char		buf[256];
	size_t		i;
	int		n;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		n = snprintf(buf, sizeof(buf), "{\"symbol\":\"A\",\"ts\":" TS ","
		    "\"price\":%s}\n", nums[i].json);
		feed(&f, SRC_NDJSON, buf, (size_t)n);
		tap_is_int(f.nticks, 1, "number %s taken", nums[i].json);
		if (f.nrejects > 0)
			printf("# %s\n", f.rejects[0]);
		tap_is_int(f.ticks[0].price, nums[i].want, "number %s exact",
		    nums[i].json);
		tap_is_int(f.ticks[0].decimals, nums[i].dec, "number %s decimals",
		    nums[i].json);
	}
}

static void
test_bad(void)
{
	struct feed	f;
	char		want[TICK_WHYSZ + 8];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed(&f, SRC_NDJSON, bad[i].line, strlen(bad[i].line));
		tap_is_int(f.nrejects, 1, "refused: %s", bad[i].line);
		snprintf(want, sizeof(want), "1: %s", bad[i].why);
		tap_is_str(f.rejects[0], want, "reason for %s", bad[i].line);
	}
}

static void
test_lines(void)
{
	struct feed	 f;
	char		*buf;
	size_t		 n;

	feed(&f, SRC_NDJSON, "", 0);
	tap_ok(f.nticks == 0 && f.nrejects == 0, "empty input");
	FEED(&f, SRC_NDJSON, "\xEF\xBB\xBF{\"symbol\":\"EURUSD\",\"ts\":"
	    "\"2025-11-28T09:30:00Z\",\"price\":\"1.08520\",\"size\":1000,"
	    "\"seq\":7,\"venue\":\"X\",\"note\":null}\r\n\r\n  \n"
	    "{\"price\":\"2\",\"ts\":" TS ",\"symbol\":\"B\",\"size\":null}");
	tap_is_int(f.nticks, 2, "BOM, CRLF, blank lines, last line unterminated");
	tap_is_int(f.nrejects, 0, "nothing refused");
	tap_is_int(f.ticks[0].ts, 1764322200000LL, "ISO ts");
	tap_is_int(f.ticks[0].decimals, 5, "string keeps its zeros");
	tap_is_int(f.ticks[0].nkey, 7, "seq is the nkey");
	tap_is_int(f.lines[1], 4, "line numbers");
	tap_is_int(f.ticks[1].size, 0, "null size is absent");
	FEED(&f, SRC_NDJSON, "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":\"caf\xe9\"}\n"
	    "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1}\n");
	tap_ok(f.nticks == 1 && f.nrejects == 1, "non-UTF-8 line refused");
	tap_is_str(f.rejects[0], "1: not UTF-8", "reason");
	buf = malloc(6000);
	n = (size_t)sprintf(buf, "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1,\"x\":\"");
	memset(buf + n, 'x', 5000);
	n += 5000;
	n += (size_t)sprintf(buf + n, "\"}\n{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1}\n");
	feed(&f, SRC_NDJSON, buf, n);
	tap_ok(f.nticks == 1 && f.nrejects == 1, "overlong line refused");
	tap_is_str(f.rejects[0], "1: line longer than 4096 bytes", "reason");
	tap_is_int(f.lines[0], 2, "next line numbered right");
	free(buf);
}

/* A last line without its newline is held back; --complete parses it. */
static void
test_hold(void)
{
	struct feed f;

	FEED_HOLD(&f, SRC_NDJSON, "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1}\n"
	    "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":2");
	tap_ok(f.nticks == 1 && f.nrejects == 0, "held: the cut last object");
	tap_is_int(f.held, 2, "at its line");
	FEED(&f, SRC_NDJSON, "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":1}\n"
	    "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":2");
	tap_ok(f.nticks == 1 && f.nrejects == 1, "--complete: parsed, refused");
	FEED_HOLD(&f, SRC_NDJSON, "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":2}");
	tap_ok(f.nticks == 0 && f.nrejects == 0 && f.held == 1,
	    "held: a whole object without its newline");
	FEED_HOLD(&f, SRC_NDJSON, "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":2}\r");
	tap_ok(f.nticks == 0 && f.held == 1, "held: CRLF cut before LF");
	FEED_HOLD(&f, SRC_NDJSON, "{\"symbol\":\"A\",\"ts\":" TS ",\"price\":2}\r\n");
	tap_ok(f.nticks == 1 && f.held == 0, "CRLF whole");
}

int
main(void)
{
	test_numbers();
	test_bad();
	test_lines();
	test_hold();
	return tap_done();
}

/*
 * Integer timestamps and --ts-unit (issue 12): each unit's floor
 * (1980-01-01) and ceiling (9999-12-31), values of 10, 13, 15, 16 and 19
 * digits, and the unit a refused value looks like, through the CSV and
 * the NDJSON source (a number and a string) as tickfeed-ingest reads them.
 */
#include <stdio.h>
#include <string.h>

#include "ingest_feed.h"
#include "tap.h"

#define MS	TICK_TS_MS
#define S	TICK_TS_S
#define US	TICK_TS_US
#define NS	TICK_TS_NS

#define BEFORE(v, u)	"ts: " v " " u " since the epoch is before " \
			"1980-01-01T00:00:00Z, the earliest integer ts taken"
#define AFTER(v, u)	"ts: " v " " u " since the epoch is after " \
			"9999-12-31T23:59:59.999Z"
#define LOOKS(v, w, date, u) "ts: " v " looks like " w " since the epoch (" \
			date "); use --ts-unit " u

/* why NULL: taken as want (ms).  json 0: not a JSON number. */
static const struct {
	enum tick_ts_unit	 unit;
	const char		*ts;
	long long		 want;
	const char		*why;
	int			 json;
} cases[] = {
	{ MS, "315532799999", 0, BEFORE("315532799999", "ms"), 1 },
	{ MS, "315532800000", 315532800000LL, NULL, 1 },	/* the floor */
	{ MS, "1700000000", 0, LOOKS("1700000000", "seconds",
	    "2023-11-14T22:13:20Z", "s"), 1 },
	{ MS, "9999999999", 0, LOOKS("9999999999", "seconds",
	    "2286-11-20T17:46:39Z", "s"), 1 },
	{ MS, "1700000000123", 1700000000123LL, NULL, 1 },
	{ MS, "253402300799999", 253402300799999LL, NULL, 1 },	/* 15, max */
	{ MS, "253402300800000", 0, AFTER("253402300800000", "ms"), 1 },
	{ MS, "999999999999999", 0, LOOKS("999999999999999", "microseconds",
	    "2001-09-09T01:46:39.999Z", "us"), 1 },
	{ MS, "1700000000123456", 0, LOOKS("1700000000123456", "microseconds",
	    "2023-11-14T22:13:20.123Z", "us"), 1 },
	{ MS, "1700000000123456789", 0, LOOKS("1700000000123456789",
	    "nanoseconds", "2023-11-14T22:13:20.123Z", "ns"), 1 },
	{ MS, "9223372036854775807", 0, LOOKS("9223372036854775807",
	    "nanoseconds", "2262-04-11T23:47:16.854Z", "ns"), 1 },
	{ MS, "9223372036854775808", 0,
	    "ts: not an integer (see --ts-unit) or ISO-8601 UTC", 0 },
	{ MS, "0", 0, BEFORE("0", "ms"), 1 },
	{ MS, "-1", 0, BEFORE("-1", "ms"), 1 },
	{ MS, "01700000000123", 0,
	    "ts: not an integer (see --ts-unit) or ISO-8601 UTC", 0 },
	{ MS, "2023-11-14T22:13:20Z", 1700000000000LL, NULL, 0 },
	{ MS, "1975-01-01T00:00:00Z", 157766400000LL, NULL, 0 },

	{ S, "315532799", 0, BEFORE("315532799", "s"), 1 },
	{ S, "315532800", 315532800000LL, NULL, 1 },
	{ S, "1700000000", 1700000000000LL, NULL, 1 },
	{ S, "9999999999", 9999999999000LL, NULL, 1 },
	{ S, "253402300799", 253402300799000LL, NULL, 1 },
	{ S, "253402300800", 0, AFTER("253402300800", "s"), 1 },
	{ S, "1700000000123", 0, LOOKS("1700000000123", "milliseconds",
	    "2023-11-14T22:13:20.123Z", "ms"), 1 },
	{ S, "1700000000123456", 0, LOOKS("1700000000123456", "microseconds",
	    "2023-11-14T22:13:20.123Z", "us"), 1 },
	{ S, "1700000000123456789", 0, LOOKS("1700000000123456789",
	    "nanoseconds", "2023-11-14T22:13:20.123Z", "ns"), 1 },
	{ S, "2023-11-14T22:13:20.5Z", 1700000000500LL, NULL, 0 },

	{ US, "315532799999999", 0, BEFORE("315532799999999", "us"), 1 },
	{ US, "315532800000000", 315532800000LL, NULL, 1 },
	{ US, "1700000000123456", 1700000000123LL, NULL, 1 },
	{ US, "1700000000123999", 1700000000123LL, NULL, 1 },	/* cut */
	{ US, "253402300799999999", 253402300799999LL, NULL, 1 },
	{ US, "253402300800000000", 0, AFTER("253402300800000000", "us"), 1 },
	{ US, "1700000000", 0, LOOKS("1700000000", "seconds",
	    "2023-11-14T22:13:20Z", "s"), 1 },
	{ US, "1700000000123", 0, LOOKS("1700000000123", "milliseconds",
	    "2023-11-14T22:13:20.123Z", "ms"), 1 },
	{ US, "1700000000123456789", 0, LOOKS("1700000000123456789",
	    "nanoseconds", "2023-11-14T22:13:20.123Z", "ns"), 1 },

	{ NS, "315532799999999999", 0, BEFORE("315532799999999999", "ns"), 1 },
	{ NS, "315532800000000000", 315532800000LL, NULL, 1 },
	{ NS, "1700000000123456789", 1700000000123LL, NULL, 1 },
	{ NS, "1700000000123999999", 1700000000123LL, NULL, 1 },	/* cut */
	{ NS, "9223372036854775807", 9223372036854LL, NULL, 1 },
	{ NS, "1700000000", 0, LOOKS("1700000000", "seconds",
	    "2023-11-14T22:13:20Z", "s"), 1 },
	{ NS, "1700000000123", 0, LOOKS("1700000000123", "milliseconds",
	    "2023-11-14T22:13:20.123Z", "ms"), 1 },
	{ NS, "1700000000123456", 0, LOOKS("1700000000123456", "microseconds",
	    "2023-11-14T22:13:20.123Z", "us"), 1 },
	{ NS, "2023-11-14T22:13:20.123456789Z", 1700000000123LL, NULL, 0 },
};

/* One case fed as format (text: data), expecting it taken or refused. */
static void
check(enum src_format format, int i, const char *data, int line,
    const char *form)
{
	struct feed	f;
	char		want[TICK_WHYSZ + 32];
	const char	*unit = tick_ts_unit_names[cases[i].unit];

	feed_opts(&f, format, cases[i].unit, 1, data, strlen(data));
	if (cases[i].why == NULL) {
		tap_ok(f.nticks == 1 && f.nrejects == 0, "%s %s %s: taken",
		    form, unit, cases[i].ts);
		tap_is_int(f.nticks == 1 ? f.ticks[0].ts : -1, cases[i].want,
		    "%s %s %s: ms", form, unit, cases[i].ts);
	} else {
		tap_ok(f.nticks == 0 && f.nrejects == 1, "%s %s %s: refused",
		    form, unit, cases[i].ts);
		snprintf(want, sizeof(want), "%d: %s", line, cases[i].why);
		tap_is_str(f.rejects[0], want, "%s %s %s: says why", form,
		    unit, cases[i].ts);
	}
}

static void
test_cases(void)
{
	char	buf[256];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "symbol,ts,price\nA,%s,1\n",
		    cases[i].ts);
		check(SRC_CSV, (int)i, buf, 2, "csv");
		snprintf(buf, sizeof(buf), "{\"symbol\":\"A\",\"ts\":\"%s\","
		    "\"price\":1}\n", cases[i].ts);
		check(SRC_NDJSON, (int)i, buf, 1, "ndjson string");
		if (!cases[i].json)
			continue;
		snprintf(buf, sizeof(buf), "{\"symbol\":\"A\",\"ts\":%s,"
		    "\"price\":1}\n", cases[i].ts);
		check(SRC_NDJSON, (int)i, buf, 1, "ndjson number");
	}
}

/* The unit applies to the whole input, the floor after conversion. */
static void
test_input(void)
{
	struct feed	f;
	const char	csv[] = "symbol,ts,price,size,seq\n"
	    "A,1700000000,1,1,1\nA,1700000000,1,1,2\nA,1700000001,2,1,3\n";

	feed_opts(&f, SRC_CSV, TICK_TS_S, 1, csv, sizeof(csv) - 1);
	tap_is_int(f.nticks, 3, "a feed in seconds, --ts-unit s: all taken");
	tap_is_int(f.ticks[2].ts, 1700000001000LL, "as ms");
	feed_opts(&f, SRC_CSV, TICK_TS_MS, 1, csv, sizeof(csv) - 1);
	tap_is_int(f.nticks, 0, "the same read as ms: nothing taken");
	tap_is_int(f.nrejects, 3, "every line refused");
	tap_is_str(f.rejects[2], "4: ts: 1700000001 looks like seconds since "
	    "the epoch (2023-11-14T22:13:21Z); use --ts-unit s", "saying so");
	tap_is_int(tick_ts_unit_parse("us"), TICK_TS_US, "unit names parse");
	tap_is_int(tick_ts_unit_parse("sec"), -1, "others do not");
}

int
main(void)
{
	test_cases();
	test_input();
	return tap_done();
}

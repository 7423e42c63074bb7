/*
 * lib/interval.c: the interval table, bucket starts (UTC; 1w on Mondays,
 * floor division before 1970-01-05), nesting, and interval_cover()'s
 * spans tiling exactly the 1m buckets of a range with few rows, in UTC
 * and in zones whose days start off the UTC hour or last 23..25 hours.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "interval.h"
#include "tap.h"

#define MIN	60000LL
#define HOUR	(60 * MIN)
#define DAY	(24 * HOUR)
#define T0	1704240000000LL		/* 2024-01-03T00:00Z, a Wednesday */
#define MON	1704067200000LL		/* 2024-01-01T00:00Z, its Monday */

static void
test_table(void)
{
	static const int mins[IV__MAX] = { 1, 5, 15, 30, 60, 240, 1440, 10080 };
	enum interval	 iv;
	int		 i, ok = 1;

	for (i = 0; i < IV__MAX; i++)
		ok &= intervals[i].minutes == mins[i] &&
		    intervals[i].ms == mins[i] * MIN &&
		    interval_by_name(intervals[i].name,
		    strlen(intervals[i].name), &iv) == 0 && (int)iv == i;
	tap_ok(ok, "minutes, ms and names of all %d intervals", IV__MAX);
	tap_is_str(intervals[IV_1W].name, "1w", "1w named");
	tap_is_int(interval_by_name("1d", 2, &iv), 0, "1d found");
	tap_is_int(iv, IV_1D, "1d is IV_1D");
	tap_is_int(interval_by_name("1d", 1, &iv), -1, "a prefix is not a name");
	tap_is_int(interval_by_name("2h", 2, &iv), -1, "2h unknown");
}

static void
test_start(void)
{
	tap_is_int(interval_start(IV_1M, T0 + 59999), T0, "1m floor");
	tap_is_int(interval_start(IV_15M, T0 + 29 * MIN), T0 + 15 * MIN,
	    "15m floor");
	tap_is_int(interval_start(IV_4H, T0 + 5 * HOUR), T0 + 4 * HOUR,
	    "4h floor, UTC");
	tap_is_int(interval_start(IV_1D, T0 + DAY - 1), T0, "1d floor");
	tap_is_int(interval_start(IV_1W, T0), MON, "Wednesday -> Monday");
	tap_is_int(interval_start(IV_1W, MON), MON, "Monday 00:00 is a start");
	tap_is_int(interval_start(IV_1W, MON - 1), MON - 7 * DAY,
	    "Sunday 23:59:59.999 -> the Monday before");
	tap_is_int(interval_start(IV_1W, 4 * DAY), 4 * DAY,
	    "1970-01-05 was a Monday");
	tap_is_int(interval_start(IV_1W, 0), -3 * DAY,
	    "1970-01-01 is in the week of 1969-12-29 (floor, not truncation)");
	tap_is_int(interval_start(IV_1M, 0), 0, "ts 0");
}

/* Every bucket nests in the next level's bucket of the same ts. */
static void
test_nesting(void)
{
	int64_t	ts;
	int	i, k, ok = 1;

	srand(14);
	for (k = 0; k < 100000; k++) {
		ts = (int64_t)rand() * 1000003LL % 253402300800000LL;
		for (i = 1; i < IV__MAX; i++)
			ok &= interval_start((enum interval)i,
			    interval_start((enum interval)(i - 1), ts)) ==
			    interval_start((enum interval)i, ts);
	}
	tap_ok(ok, "each level's bucket lies in the next level's (100,000 ts)");
}

static int
span_cmp(const void *a, const void *b)
{
	const struct interval_span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Buckets of level iv in [lo, hi), walked one by one; -1 if misaligned. */
static int64_t
cover_rows(struct tzcal *cal, enum interval iv, int64_t lo, int64_t hi)
{
	int64_t	t = lo, end, n = 0;

	while (t < hi) {
		if (interval_bucket(cal, iv, t, &end) != t)
			return -1;
		t = end;
		n++;
	}
	return t == hi ? n : -1;
}

/* The spans tile [start1m(from), ceil1m(to)) with aligned whole buckets. */
static int
cover_ok(struct tzcal *cal, int64_t from, int64_t to, int64_t *rows)
{
	struct interval_span	sp[INTERVAL_COVER_MAX];
	int64_t			at, end, r;
	size_t			n, i;

	n = interval_cover(cal, from, to, sp);
	qsort(sp, n, sizeof(sp[0]), span_cmp);
	at = interval_start(IV_1M, from);
	end = interval_start(IV_1M, to) == to ? to :
	    interval_start(IV_1M, to) + MIN;
	*rows = 0;
	for (i = 0; i < n; i++) {
		if (sp[i].lo != at || sp[i].hi <= sp[i].lo ||
		    (r = cover_rows(cal, sp[i].iv, sp[i].lo, sp[i].hi)) < 0)
			return 0;
		*rows += r;
		at = sp[i].hi;
	}
	return at == end;
}

/* Random ranges in a zone: tiled, and bounded (extra: 1m rows a side). */
static void
test_cover_zone(const char *zone, int64_t extra)
{
	struct tzcal	cal;
	int64_t		from, to, rows, weeks;
	int		k, ok = 1, bounded = 1;

	tzcal_init(&cal, zone);
	srand(2);
	for (k = 0; k < 20000; k++) {
		from = (int64_t)rand() * 7919LL % (400 * DAY) + T0;
		to = from + 1 + (int64_t)rand() * 131LL % (k % 2 ? 3 * HOUR :
		    120 * DAY);
		ok &= cover_ok(&cal, from, to, &rows);
		weeks = (to - from) / (7 * DAY) + 1;
		bounded &= rows <= 2 * (59 + 24 + extra + 6) + weeks + 2;
	}
	tap_ok(ok, "%s: 20,000 random ranges tiled", zone);
	tap_ok(bounded, "%s: ... reading at most %lld rows + one a week", zone,
	    (long long)(2 * (59 + 24 + extra + 6) + 2));
}

static void
test_cover(void)
{
	struct interval_span	sp[INTERVAL_COVER_MAX];
	struct tzcal		utc, *cal = &utc;
	int64_t			from, to, rows, weeks;
	int			k, ok = 1, bounded = 1;

	tzcal_setup();
	tzcal_init(&utc, "UTC");

	tap_is_int(interval_cover(cal, T0, T0, sp), 0, "empty range: no span");
	tap_is_int(interval_cover(cal, T0 + 10 * HOUR + 50 * MIN,
	    T0 + 11 * HOUR + 10 * MIN, sp), 1, "10:50-11:10: one span");
	tap_ok(sp[0].iv == IV_1M && sp[0].hi - sp[0].lo == 20 * MIN,
	    "of twenty 1m buckets");
	tap_is_int(interval_cover(cal, T0 + 30001, T0 + 90001, sp), 1,
	    "partial minutes at both ends");
	tap_ok(sp[0].lo == T0 && sp[0].hi == T0 + 2 * MIN,
	    "round out to whole minutes");
	tap_is_int(interval_cover(cal, T0 + 10 * HOUR - 3 * MIN,
	    T0 + 30 * DAY + 5 * HOUR + 5 * MIN, sp), 7,
	    "a month across weeks: 1m 1h 1d 1w 1d 1h 1m");
	to = 253402300800000LL - 4 * DAY;	/* from 1970-01-05 */
	weeks = to / (7 * DAY);
	ok = cover_ok(cal, 0, 253402300800000LL, &rows);
	tap_ok(ok && rows == 4 + weeks + to % (7 * DAY) / DAY,
	    "all time: 4 days, %lld weeks, the rest in days", (long long)weeks);
	srand(1);
	for (k = 0; k < 200000; k++) {
		from = (int64_t)rand() * 7919LL % (400 * DAY) + T0;
		to = from + 1 + (int64_t)rand() * 131LL % (k % 2 ? 3 * HOUR :
		    120 * DAY);
		ok &= cover_ok(cal, from, to, &rows);
		weeks = (to - from) / (7 * DAY) + 1;
		bounded &= rows <= 2 * (59 + 23 + 6) + weeks + 2;
	}
	tap_ok(ok, "200,000 random ranges: spans tile the range's minutes");
	tap_ok(bounded, "... reading at most 176 rows + one a week");
}

int
main(void)
{
	test_table();
	test_start();
	test_nesting();
	test_cover();
	test_cover_zone("America/New_York", 0);
	test_cover_zone("Asia/Kathmandu", 59);
	test_cover_zone("America/Santiago", 0);
	return tap_done();
}

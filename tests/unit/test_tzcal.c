/*
 * lib/tzcal.c: day and week starts of a zone from the system's tz
 * database, against values computed independently (Python's zoneinfo,
 * the first instant whose local date is the day): New York's 23- and
 * 25-hour days of 2024-03-10 and 2024-11-03, Santiago's day whose
 * midnight does not exist (2024-09-08 starts at 01:00), Lord Howe's
 * half-hour change (a 24.5-hour day), Kathmandu's +05:45; UTC as plain
 * arithmetic; names refused.
 */
#include <stdint.h>
#include <stdio.h>

#include "tap.h"
#include "tzcal.h"

#define HOUR	3600000LL
#define DAY	(24 * HOUR)

struct day_case {
	const char	*zone;
	int64_t		 start, end;	/* [start, end) of one local date */
	const char	*what;
};

static const struct day_case days[] = {
	{ "America/New_York", 1709960400000LL, 1710046800000LL,
	    "NY 2024-03-09: 24 h from 05:00Z" },
	{ "America/New_York", 1710046800000LL, 1710129600000LL,
	    "NY 2024-03-10: 23 h (spring forward)" },
	{ "America/New_York", 1710129600000LL, 1710216000000LL,
	    "NY 2024-03-11: 24 h from 04:00Z" },
	{ "America/New_York", 1730520000000LL, 1730606400000LL,
	    "NY 2024-11-02: 24 h" },
	{ "America/New_York", 1730606400000LL, 1730696400000LL,
	    "NY 2024-11-03: 25 h (fall back)" },
	{ "America/Santiago", 1725681600000LL, 1725768000000LL,
	    "Santiago 2024-09-07: 24 h" },
	{ "America/Santiago", 1725768000000LL, 1725850800000LL,
	    "Santiago 2024-09-08: from 01:00 local (midnight skipped), 23 h" },
	{ "Australia/Lord_Howe", 1712408400000LL, 1712496600000LL,
	    "Lord Howe 2024-04-07: 24.5 h" },
	{ "Asia/Kathmandu", 1704219300000LL, 1704305700000LL,
	    "Kathmandu 2024-01-03: from 18:15Z" },
	{ "UTC", 1704240000000LL, 1704326400000LL, "UTC 2024-01-03" },
};

static void
test_days(void)
{
	struct tzcal	cal;
	int64_t		end, end2;
	size_t		i;
	int		ok;

	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		const struct day_case *d = &days[i];

		if (!tap_ok(tzcal_init(&cal, d->zone) == 0, "%s known",
		    d->zone))
			continue;
		/* Each instant of the day, probed at its ends and inside. */
		ok = tzcal_day(&cal, d->start, &end) == d->start &&
		    end == d->end;
		ok &= tzcal_day(&cal, d->end - 1, &end2) == d->start &&
		    end2 == d->end;
		ok &= tzcal_day(&cal, d->start + (d->end - d->start) / 2,
		    NULL) == d->start;
		ok &= tzcal_day(&cal, d->start - 1, &end2) < d->start &&
		    end2 == d->start;
		ok &= tzcal_day(&cal, d->end, NULL) == d->end;
		tap_ok(ok, "%s", d->what);
	}
}

static void
test_weeks(void)
{
	struct tzcal	cal;
	int64_t		end;

	tzcal_init(&cal, "America/New_York");
	/* 2024-03-04 Mon 05:00Z .. 2024-03-11 Mon 04:00Z: 167 hours. */
	tap_is_int(tzcal_week(&cal, 1710046800000LL + 3 * HOUR, &end),
	    1709528400000LL, "NY week of 2024-03-10 starts Monday 03-04");
	tap_is_int(end, 1710129600000LL, "... and ends Monday 03-11 04:00Z");
	tap_is_int(tzcal_week(&cal, 1710129600000LL, NULL), 1710129600000LL,
	    "Monday local midnight starts a week");
	tap_is_int(tzcal_week(&cal, 1710129600000LL - 1, NULL),
	    1709528400000LL, "a ms before it is the week before");
	tzcal_init(&cal, "UTC");
	tap_is_int(tzcal_week(&cal, 0, &end), -3 * DAY,
	    "UTC: 1970-01-01 is in the week of Monday 1969-12-29");
	tap_is_int(end, 4 * DAY, "... which ends on Monday 1970-01-05");
	tap_is_int(tzcal_day(&cal, -1, &end), -DAY, "UTC: floor before 1970");
}

/* Walking day by day through two years: days tile time, weeks too. */
static void
test_tiling(void)
{
	static const char *const zones[] = { "America/New_York",
	    "Europe/London", "Asia/Kathmandu", "America/Santiago",
	    "Australia/Lord_Howe", "UTC" };
	struct tzcal	cal;
	int64_t		t, end, wend, w0;
	size_t		z;
	int		ok, n, lens;

	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		tzcal_init(&cal, zones[z]);
		t = tzcal_day(&cal, 1704067200000LL, NULL);
		ok = 1;
		lens = 1;
		for (n = 0; n < 730; n++) {
			ok &= tzcal_day(&cal, t, &end) == t && end > t;
			lens &= end - t >= 23 * HOUR && end - t <= 25 * HOUR &&
			    t % 60000 == 0;
			w0 = tzcal_week(&cal, t, &wend);
			ok &= w0 <= t && t < wend &&
			    tzcal_day(&cal, w0, NULL) == w0;
			t = end;
		}
		tap_ok(ok, "%s: 730 days, each starting where the last ended, "
		    "inside its week", zones[z]);
		tap_ok(lens, "%s: every day 23..25 h, starting on a minute",
		    zones[z]);
	}
}

static void
test_names(void)
{
	static const char *const bad[] = { "", "Nowhere/City", "../etc/passwd",
	    "/usr/share/zoneinfo/UTC", "America/../UTC", "America//New_York",
	    "America/New_York/", "EST5EDT,M3.2.0,M11.1.0", "America/New York",
	    "./UTC", "zone.tab",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
	struct tzcal	cal;
	size_t		i;
	int		ok = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tzcal_known(bad[i])) {
			printf("# taken: '%s'\n", bad[i]);
			ok = 0;
		}
	tap_ok(ok, "%zu bad names refused (unknown, paths, POSIX rules, "
	    "not TZif, too long)", sizeof(bad) / sizeof(bad[0]));
	tap_ok(tzcal_known("UTC") && tzcal_known("Europe/London") &&
	    tzcal_known("Etc/GMT+5"), "UTC, Europe/London, Etc/GMT+5 taken");
	tzcal_init(&cal, "UTC");
	tap_is_int(tzcal_init(&cal, "Nowhere/City"), -1, "init refuses");
	tap_is_str(cal.zone, "UTC", "... and leaves the calendar as it was");
}

int
main(void)
{
	tzcal_setup();
	test_days();
	test_weeks();
	test_tiling();
	test_names();
	return tap_done();
}

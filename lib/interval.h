/*
 * The candle intervals, one closed table shared by ingest (which keeps a
 * rollup level per interval in the candles table, `iv` = minutes) and the
 * app (which serves them all).  The intraday buckets (1m .. 4h) are
 * UTC-aligned: a bucket starts at ts - ts mod len.  1d and 1w follow the
 * store's trading calendar (tzcal.h): local midnight, Monday's local
 * midnight; in UTC, 1w starts on Monday 00:00 UTC (1970-01-05 was a
 * Monday).  The intraday levels nest in each other, days in weeks, and 1m
 * buckets in days of any zone (whole-minute offsets); in UTC every level
 * nests in the next.
 */
#ifndef TICKFEED_INTERVAL_H
#define TICKFEED_INTERVAL_H

#include <stddef.h>
#include <stdint.h>

#include "tzcal.h"

enum interval {
	IV_1M,
	IV_5M,
	IV_15M,
	IV_30M,
	IV_1H,
	IV_4H,
	IV_1D,
	IV_1W,
	IV__MAX
};

struct interval_def {
	const char	*name;		/* e.g. "15m" */
	int		 minutes;	/* candles.iv */
	int64_t		 ms;
};

extern const struct interval_def intervals[IV__MAX];

/* A run of whole buckets of one level: start times in [lo, hi). */
struct interval_span {
	enum interval	 iv;
	int64_t		 lo, hi;
};
#define INTERVAL_COVER_MAX	9

/*
 * The start of the iv bucket that holds ts (any ts, floor division), in
 * UTC: a UTC store's buckets.
 */
int64_t	interval_start(enum interval iv, int64_t ts);
/*
 * The start of the iv bucket that holds ts, 1d and 1w in cal's zone, and
 * in *end (may be NULL) the start of the next one.  cal may be NULL for
 * the intraday levels.
 */
int64_t	interval_bucket(struct tzcal *cal, enum interval iv, int64_t ts,
	    int64_t *end);
/*
 * The 1m buckets that overlap [from, to), as at most INTERVAL_COVER_MAX
 * spans of 1m, 1h, 1d and 1w buckets of cal's zone: 1m up to the first
 * whole hour, 1h up to the first whole day (1m again for the minutes of
 * a zone whose days do not start on the hour), 1d up to the first Monday,
 * then weeks, and the same down towards to.  So an aggregate over the
 * range reads at most 2 * (59 + 24 + 59 + 6) rows plus one a week (the
 * middle 59 only in zones with offsets off the hour).  Returns the number
 * of spans written to out (0 when from >= to).
 */
size_t	interval_cover(struct tzcal *cal, int64_t from, int64_t to,
	    struct interval_span out[INTERVAL_COVER_MAX]);
/* The interval named by exactly len bytes of s: 0 and *out, or -1. */
int	interval_by_name(const char *s, size_t len, enum interval *out);

#endif

/*
 * The candle intervals, one closed table shared by ingest (which keeps a
 * rollup level per interval in the candles table, `iv` = minutes) and the
 * app (which serves the levels the API names).  Buckets are UTC-aligned:
 * a bucket starts at ts - ts mod len, except 1w, which starts on Monday
 * 00:00 UTC (1970-01-05 was a Monday).  Each interval's buckets nest in
 * the next one's, so a level can be built from the level below it.
 */
#ifndef TICKFEED_INTERVAL_H
#define TICKFEED_INTERVAL_H

#include <stddef.h>
#include <stdint.h>

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
	int		 api;		/* accepted by the API's interval= */
};

extern const struct interval_def intervals[IV__MAX];

/* A run of whole buckets of one level: start times in [lo, hi). */
struct interval_span {
	enum interval	 iv;
	int64_t		 lo, hi;
};
#define INTERVAL_COVER_MAX	7

/* The start of the iv bucket that holds ts (any ts, floor division). */
int64_t	interval_start(enum interval iv, int64_t ts);
/*
 * The 1m buckets that overlap [from, to), as at most INTERVAL_COVER_MAX
 * spans of 1m, 1h, 1d and 1w buckets (the coarsest that fit): 1m up to
 * the first whole hour, 1h up to the first whole day, 1d up to the first
 * Monday, then weeks, and the same down towards to.  So an aggregate over
 * the range reads at most 2 * (59 + 23 + 6) rows plus one a week.
 * Returns the number of spans written to out (0 when from >= to).
 */
size_t	interval_cover(int64_t from, int64_t to,
	    struct interval_span out[INTERVAL_COVER_MAX]);
/* The interval named by exactly len bytes of s: 0 and *out, or -1. */
int	interval_by_name(const char *s, size_t len, enum interval *out);

#endif

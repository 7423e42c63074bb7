#include <string.h>

#include "interval.h"

#define MINUTE_MS	60000LL
/* 1w buckets start on Mondays: 1970-01-05T00:00Z, 4 days after the epoch. */
#define WEEK_OFFSET_MS	(4 * 1440 * MINUTE_MS)

#define IV(n, m, a)	{ n, m, (m) * MINUTE_MS, a }

const struct interval_def intervals[IV__MAX] = {
	[IV_1M] = IV("1m", 1, 1),
	[IV_5M] = IV("5m", 5, 1),
	[IV_15M] = IV("15m", 15, 1),
	[IV_30M] = IV("30m", 30, 0),
	[IV_1H] = IV("1h", 60, 1),
	[IV_4H] = IV("4h", 240, 0),
	[IV_1D] = IV("1d", 1440, 1),
	[IV_1W] = IV("1w", 10080, 0),
};

int64_t
interval_start(enum interval iv, int64_t ts)
{
	int64_t	len = intervals[iv].ms, off, r;

	off = iv == IV_1W ? WEEK_OFFSET_MS : 0;
	r = (ts - off) % len;
	if (r < 0)
		r += len;
	return ts - r;
}

int
interval_by_name(const char *s, size_t len, enum interval *out)
{
	int i;

	for (i = 0; i < IV__MAX; i++)
		if (strlen(intervals[i].name) == len &&
		    memcmp(intervals[i].name, s, len) == 0) {
			*out = (enum interval)i;
			return 0;
		}
	return -1;
}

/* The first iv bucket start at or after ts. */
static int64_t
interval_ceil(enum interval iv, int64_t ts)
{
	int64_t t = interval_start(iv, ts);

	return t == ts ? t : t + intervals[iv].ms;
}

size_t
interval_cover(int64_t from, int64_t to,
    struct interval_span out[INTERVAL_COVER_MAX])
{
	static const enum interval lv[] = { IV_1M, IV_1H, IV_1D, IV_1W };
	int64_t	 lo, hi, nlo, nhi;
	size_t	 n = 0, i;

	if (from >= to)
		return 0;
	lo = interval_start(IV_1M, from);
	hi = interval_ceil(IV_1M, to);
	for (i = 0; i + 1 < sizeof(lv) / sizeof(lv[0]); i++) {
		nlo = interval_ceil(lv[i + 1], lo);
		nhi = interval_start(lv[i + 1], hi);
		if (nlo >= nhi) {
			out[n++] = (struct interval_span){ lv[i], lo, hi };
			return n;
		}
		if (lo < nlo)
			out[n++] = (struct interval_span){ lv[i], lo, nlo };
		if (nhi < hi)
			out[n++] = (struct interval_span){ lv[i], nhi, hi };
		lo = nlo;
		hi = nhi;
	}
	out[n++] = (struct interval_span){ lv[i], lo, hi };
	return n;
}

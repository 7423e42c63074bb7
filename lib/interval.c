#include <string.h>

#include "interval.h"

#define MINUTE_MS	60000LL
/* 1w buckets start on Mondays: 1970-01-05T00:00Z, 4 days after the epoch. */
#define WEEK_OFFSET_MS	(4 * 1440 * MINUTE_MS)

#define IV(n, m)	{ n, m, (m) * MINUTE_MS }

const struct interval_def intervals[IV__MAX] = {
	[IV_1M] = IV("1m", 1),
	[IV_5M] = IV("5m", 5),
	[IV_15M] = IV("15m", 15),
	[IV_30M] = IV("30m", 30),
	[IV_1H] = IV("1h", 60),
	[IV_4H] = IV("4h", 240),
	[IV_1D] = IV("1d", 1440),
	[IV_1W] = IV("1w", 10080),
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

int64_t
interval_bucket(struct tzcal *cal, enum interval iv, int64_t ts, int64_t *end)
{
	int64_t t;

	if (iv == IV_1D)
		return tzcal_day(cal, ts, end);
	if (iv == IV_1W)
		return tzcal_week(cal, ts, end);
	t = interval_start(iv, ts);
	if (end != NULL)
		*end = t + intervals[iv].ms;
	return t;
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
interval_ceil(struct tzcal *cal, enum interval iv, int64_t ts)
{
	int64_t	end, t = interval_bucket(cal, iv, ts, &end);

	return t == ts ? t : end;
}

/* Appends [lo, hi) of level iv to out unless it is empty. */
static void
cover_add(struct interval_span *out, size_t *n, enum interval iv,
    int64_t lo, int64_t hi)
{
	if (lo < hi)
		out[(*n)++] = (struct interval_span){ iv, lo, hi };
}

/* Whole minutes [lo, hi): 1m up to the first hour, hours, 1m after. */
static void
cover_intraday(struct interval_span *out, size_t *n, int64_t lo, int64_t hi)
{
	int64_t	hlo = interval_ceil(NULL, IV_1H, lo);
	int64_t	hhi = interval_start(IV_1H, hi);

	if (hlo >= hhi) {
		cover_add(out, n, IV_1M, lo, hi);
		return;
	}
	cover_add(out, n, IV_1M, lo, hlo);
	cover_add(out, n, IV_1H, hlo, hhi);
	cover_add(out, n, IV_1M, hhi, hi);
}

size_t
interval_cover(struct tzcal *cal, int64_t from, int64_t to,
    struct interval_span out[INTERVAL_COVER_MAX])
{
	int64_t	lo, hi, dlo, dhi, wlo, whi;
	size_t	n = 0;

	if (from >= to)
		return 0;
	lo = interval_start(IV_1M, from);
	hi = interval_ceil(NULL, IV_1M, to);
	dlo = interval_ceil(cal, IV_1D, lo);
	dhi = interval_bucket(cal, IV_1D, hi, NULL);
	if (dlo >= dhi) {
		cover_intraday(out, &n, lo, hi);
		return n;
	}
	cover_intraday(out, &n, lo, dlo);
	wlo = interval_ceil(cal, IV_1W, dlo);
	whi = interval_bucket(cal, IV_1W, dhi, NULL);
	if (wlo >= whi)
		cover_add(out, &n, IV_1D, dlo, dhi);
	else {
		cover_add(out, &n, IV_1D, dlo, wlo);
		cover_add(out, &n, IV_1W, wlo, whi);
		cover_add(out, &n, IV_1D, whi, dhi);
	}
	cover_intraday(out, &n, dhi, hi);
	return n;
}

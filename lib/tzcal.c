#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tzcal.h"

#define DAY_S		86400LL
#define TZ_DIR_DEFAULT	"/usr/share/zoneinfo"
/* No zone is further than this from UTC (the tz database: -12..+14 h). */
#define TZ_OFF_BOUND	(16 * 3600LL)

static pthread_mutex_t	tz_lock = PTHREAD_MUTEX_INITIALIZER;
static char		tz_current[TZ_NAME_MAX + 2];	/* ":" + zone */

void
tzcal_setup(void)
{
	pthread_mutex_lock(&tz_lock);
	if (tz_current[0] == '\0') {
		setenv("TZ", ":UTC", 1);
		tzset();
		strcpy(tz_current, ":UTC");
	}
	pthread_mutex_unlock(&tz_lock);
}

int
tzcal_name_ok(const char *z)
{
	size_t	n = strlen(z), i, part = 0;

	if (n == 0 || n > TZ_NAME_MAX || z[0] == '/' || z[n - 1] == '/')
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || z[i] == '/') {
			/* an empty, "." or ".." part */
			if (part == 0 || (part <= 2 && z[i - 1] == '.' &&
			    (part == 1 || z[i - 2] == '.')))
				return 0;
			part = 0;
			continue;
		}
		if (!((z[i] >= 'A' && z[i] <= 'Z') || (z[i] >= 'a' &&
		    z[i] <= 'z') || (z[i] >= '0' && z[i] <= '9') ||
		    strchr("_+-.", z[i]) != NULL))
			return 0;
		part++;
	}
	return 1;
}

/* A TZif file under the tz directory (lock held: reads TZDIR). */
static int
tz_file_ok(const char *zone)
{
	const char	*dir = getenv("TZDIR");
	char		 path[512], magic[4];
	int		 fd, ok;

	if (dir == NULL || *dir == '\0')
		dir = TZ_DIR_DEFAULT;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, zone) >=
	    sizeof(path))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	ok = read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

int
tzcal_known(const char *zone)
{
	int ok;

	if (strcmp(zone, "UTC") == 0)
		return 1;
	if (!tzcal_name_ok(zone))
		return 0;
	pthread_mutex_lock(&tz_lock);
	ok = tz_file_ok(zone);
	pthread_mutex_unlock(&tz_lock);
	return ok;
}

int
tzcal_init(struct tzcal *cal, const char *zone)
{
	if (!tzcal_known(zone))
		return -1;
	memset(cal, 0, sizeof(*cal));
	strcpy(cal->zone, zone);
	cal->utc = strcmp(zone, "UTC") == 0;
	return 0;
}

/* Floor division, for instants before 1970. */
static int64_t
fdiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Seconds east of UTC in force at instant s (seconds). */
static int64_t
tz_offset(const struct tzcal *cal, int64_t s)
{
	struct tm	tm;
	time_t		t = (time_t)s;
	int64_t		off = 0;

	if (cal->utc)
		return 0;
	pthread_mutex_lock(&tz_lock);
	if (strcmp(tz_current + 1, cal->zone) != 0) {
		tz_current[0] = ':';
		strcpy(tz_current + 1, cal->zone);
		setenv("TZ", tz_current, 1);
		tzset();
	}
	if (localtime_r(&t, &tm) != NULL)
		off = tm.tm_gmtoff;
	pthread_mutex_unlock(&tz_lock);
	return off;
}

/* The local date (days since 1970-01-01) at instant s. */
static int64_t
tz_date(const struct tzcal *cal, int64_t s)
{
	return fdiv(s + tz_offset(cal, s), DAY_S);
}

/*
 * The first instant (seconds) of local date d: local midnight through the
 * offset in force then, found by iterating t = midnight - offset(t); when
 * midnight does not exist (a gap), the first instant whose date is d, by
 * bisection between instants surely before and after.
 */
static int64_t
tz_resolve(const struct tzcal *cal, int64_t d)
{
	int64_t	l0 = d * DAY_S, t, t2, lo, hi, mid;
	int	i;

	t = l0 - tz_offset(cal, l0);
	for (i = 0; i < 4; i++) {
		t2 = l0 - tz_offset(cal, t);
		if (t2 == t)
			break;
		t = t2;
	}
	if (t + tz_offset(cal, t) == l0)
		return t;
	lo = l0 - TZ_OFF_BOUND;		/* date < d */
	hi = l0 + TZ_OFF_BOUND;		/* date >= d */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz_date(cal, mid) >= d)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

int64_t
tzcal_day(struct tzcal *cal, int64_t ts, int64_t *end)
{
	int64_t	d;

	if (cal->utc) {
		d = fdiv(ts, DAY_S * 1000);
		cal->day_lo = d * DAY_S * 1000;
		cal->day_hi = cal->day_lo + DAY_S * 1000;
	} else if (!(cal->day_lo <= ts && ts < cal->day_hi)) {
		d = tz_date(cal, fdiv(ts, 1000));
		cal->day_lo = tz_resolve(cal, d) * 1000;
		cal->day_hi = tz_resolve(cal, d + 1) * 1000;
	}
	if (end != NULL)
		*end = cal->day_hi;
	return cal->day_lo;
}

int64_t
tzcal_week(struct tzcal *cal, int64_t ts, int64_t *end)
{
	int64_t	d;

	if (cal->utc || !(cal->week_lo <= ts && ts < cal->week_hi)) {
		d = cal->utc ? fdiv(ts, DAY_S * 1000) :
		    tz_date(cal, fdiv(ts, 1000));
		d -= ((d % 7) + 7 + 3) % 7;	/* 1970-01-01 was a Thursday */
		cal->week_lo = cal->utc ? d * DAY_S * 1000 :
		    tz_resolve(cal, d) * 1000;
		cal->week_hi = cal->utc ? cal->week_lo + 7 * DAY_S * 1000 :
		    tz_resolve(cal, d + 7) * 1000;
	}
	if (end != NULL)
		*end = cal->week_hi;
	return cal->week_lo;
}

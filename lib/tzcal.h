/*
 * The trading calendar: where the days and weeks of a time zone start.
 * A store has one zone (settings 'tz', a name of the system's tz
 * database, default "UTC"); its 1d candles start at local midnight and
 * its 1w candles at Monday's local midnight (ISO weeks), so a day across
 * a daylight saving change lasts 23 or 25 hours.
 *
 * "UTC" is plain arithmetic.  Any other zone asks libc: TZ=:ZONE, tzset(),
 * localtime_r() for the UTC offset at an instant.  TZ is process-wide, so
 * every such call holds one lock and sets TZ only when the zone differs
 * from the last one used.  tzcal_setup(), called before any thread starts,
 * puts a TZ variable in the environment, so that a later setenv() only
 * swaps that variable's pointer (glibc keeps the old strings) and never
 * moves the environment under a thread reading it.  Nothing else in the
 * programs reads local time.
 *
 * A day's start is the first instant of its local date: local midnight
 * resolved through the offset in force then; where midnight falls in a
 * gap (a zone that springs forward at 00:00), the end of the gap.  Zone
 * offsets are whole minutes (every zone since 1972), so a day starts on a
 * UTC minute and the 1m candles make up the days of any zone.  XXX A zone
 * that sets its clock back across midnight has a local date twice; the
 * day is the one the offset iteration finds.
 */
#ifndef TICKFEED_TZCAL_H
#define TICKFEED_TZCAL_H

#include <stdint.h>

#define TZ_NAME_MAX	64
#define TZ_DEFAULT	"UTC"

struct tzcal {
	char	 zone[TZ_NAME_MAX + 1];
	int	 utc;			/* "UTC": no libc */
	int64_t	 day_lo, day_hi;	/* the last day looked up, ms */
	int64_t	 week_lo, week_hi;
};

/* Before threads: TZ set in the environment (see above). */
void	tzcal_setup(void);
/*
 * Whether zone is a name the calendar takes: "UTC", or 1..TZ_NAME_MAX of
 * A-Z a-z 0-9 _ + - . / naming a TZif file of the tz database ($TZDIR or
 * /usr/share/zoneinfo), no "." or ".." part, not absolute.  1 or 0.
 */
int	tzcal_known(const char *zone);
/* The name rule of tzcal_known() alone, no file looked at: 1 or 0. */
int	tzcal_name_ok(const char *zone);
/* Sets cal to zone; 0, or -1 when !tzcal_known(zone) (cal unchanged). */
int	tzcal_init(struct tzcal *, const char *zone);
/* The start of the day holding ts (ms), and in *end (may be NULL) the next. */
int64_t	tzcal_day(struct tzcal *, int64_t ts, int64_t *end);
/* The same for the week (Monday 00:00 local) holding ts. */
int64_t	tzcal_week(struct tzcal *, int64_t ts, int64_t *end);

#endif

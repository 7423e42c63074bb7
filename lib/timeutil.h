/* Time in tickfeed: int64 milliseconds since the epoch, UTC. */
#ifndef TICKFEED_TIMEUTIL_H
#define TICKFEED_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Earliest and latest accepted times: 1970-01-01 .. 9999-12-31T23:59:59.999Z */
#define TS_MIN		0LL
#define TS_MAX		253402300799999LL
#define ISO8601_BUFSZ	32

/*
 * Parses exactly len bytes as ISO-8601 UTC, the forms
 * YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+00:00) (a space may stand for 'T';
 * fractions beyond ms are truncated).  Dates are checked (no Feb 30), leap
 * seconds refused.  Returns 0 and sets *ms, or -1.
 */
int	time_parse_iso8601(const char *s, size_t len, int64_t *ms);
/* Either all digits (ms since the epoch) or ISO-8601, range TS_MIN..TS_MAX. */
int	time_parse_ts(const char *s, size_t len, int64_t *ms);
/* Writes YYYY-MM-DDTHH:MM:SS.mmmZ into buf[ISO8601_BUFSZ]; returns length. */
size_t	time_format_iso8601(int64_t ms, char *buf);
/* Wall clock and monotonic clock in ms. */
int64_t	time_now_ms(void);
int64_t	time_mono_ms(void);
int64_t	time_mono_us(void);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t	time_days_from_civil(int64_t y, unsigned m, unsigned d);
void	time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif

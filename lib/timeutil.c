#include <stdio.h>
#include <time.h>

#include "timeutil.h"
#include "valid.h"

/* H. Hinnant's days_from_civil: exact for the whole proleptic calendar. */
int64_t
time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t		era;
	unsigned	doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Reads n digits at s[*i]; returns -1 if any is not a digit. */
static int
digits(const char *s, size_t len, size_t *i, int n, unsigned *out)
{
	unsigned v = 0;

	if (*i + (size_t)n > len)
		return -1;
	while (n-- > 0) {
		char c = s[(*i)++];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (unsigned)(c - '0');
	}
	*out = v;
	return 0;
}

static int
expect(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return -1;
	(*i)++;
	return 0;
}

static unsigned
days_in_month(unsigned y, unsigned m)
{
	static const unsigned char mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

int
time_parse_iso8601(const char *s, size_t len, int64_t *ms)
{
	size_t		i = 0;
	unsigned	y, mo, d, h, mi, sec, frac = 0, scale = 100;

	if (digits(s, len, &i, 4, &y) || expect(s, len, &i, '-') ||
	    digits(s, len, &i, 2, &mo) || expect(s, len, &i, '-') ||
	    digits(s, len, &i, 2, &d))
		return -1;
	if (i >= len || (s[i] != 'T' && s[i] != ' '))
		return -1;
	i++;
	if (digits(s, len, &i, 2, &h) || expect(s, len, &i, ':') ||
	    digits(s, len, &i, 2, &mi) || expect(s, len, &i, ':') ||
	    digits(s, len, &i, 2, &sec))
		return -1;
	if (i < len && s[i] == '.') {
		size_t start = ++i;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (unsigned)(s[i] - '0') * scale;
			scale /= 10;
		}
		if (i == start || i - start > 9)
			return -1;
	}
	if (i + 1 == len && s[i] == 'Z')
		i++;
	else if (i + 6 == len && (s[i] == '+' || s[i] == '-') &&
	    s[i + 1] == '0' && s[i + 2] == '0' && s[i + 3] == ':' &&
	    s[i + 4] == '0' && s[i + 5] == '0')
		i += 6;
	else
		return -1;
	if (i != len)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		return -1;
	*ms = ((time_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 +
	    (int64_t)sec * 1000 + frac;
	return 0;
}

int
time_parse_ts(const char *s, size_t len, int64_t *ms)
{
	if (valid_int64(s, len, TS_MIN, TS_MAX, ms) == 0)
		return 0;
	return time_parse_iso8601(s, len, ms);
}

size_t
time_format_iso8601(int64_t ms, char *buf)
{
	int64_t		days, rem, y;
	unsigned	m, d;
	int		n;

	days = ms / 86400000;
	rem = ms % 86400000;
	if (rem < 0) {
		rem += 86400000;
		days--;
	}
	time_civil_from_days(days, &y, &m, &d);
	n = snprintf(buf, ISO8601_BUFSZ, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
	    (long long)y, m, d, (int)(rem / 3600000), (int)(rem / 60000 % 60),
	    (int)(rem / 1000 % 60), (int)(rem % 1000));
	return n < 0 ? 0 : (size_t)n;
}

int64_t
time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

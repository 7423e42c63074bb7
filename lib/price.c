#include <stdint.h>
#include <string.h>

#include "price.h"

static const char *const price_errors[PRICE_ERR__MAX] = {
	[PRICE_OK] = "ok",
	[PRICE_EMPTY] = "empty price",
	[PRICE_SYNTAX] = "price is not a plain decimal",
	[PRICE_TOO_PRECISE] = "price has more than 8 decimals",
	[PRICE_TOO_LARGE] = "price has more than 10 integer digits",
};

const char *
price_strerror(enum price_err e)
{
	if ((unsigned)e >= PRICE_ERR__MAX)
		return "unknown price error";
	return price_errors[e];
}

/*
 * A small state machine over the bytes: sign, integer digits, point,
 * fraction digits.  Accumulates into an int64 that cannot overflow because
 * the digit counts are bounded first (10 + 8 digits = 18).
 */
enum price_err
price_parse(const char *s, size_t len, int64_t *out, int *decimals)
{
	size_t	 i = 0, idigits = 0, fdigits = 0;
	int64_t	 v = 0;
	int	 neg = 0;

	if (len == 0)
		return PRICE_EMPTY;
	if (s[0] == '-') {
		neg = 1;
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (++idigits > PRICE_INT_DIGITS_MAX)
			return PRICE_TOO_LARGE;
		v = v * 10 + (s[i] - '0');
	}
	if (idigits == 0)
		return PRICE_SYNTAX;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++fdigits > PRICE_DECIMALS)
				return PRICE_TOO_PRECISE;
			v = v * 10 + (s[i] - '0');
		}
		if (fdigits == 0)
			return PRICE_SYNTAX;
	}
	if (i != len)
		return PRICE_SYNTAX;
	for (i = fdigits; i < PRICE_DECIMALS; i++)
		v *= 10;
	*out = neg ? -v : v;
	if (decimals != NULL)
		*decimals = (int)fdigits;
	return PRICE_OK;
}

int
price_decimals_needed(int64_t v)
{
	int d = PRICE_DECIMALS;

	if (v < 0)
		v = -(v % PRICE_SCALE);
	v %= PRICE_SCALE;
	while (d > 0 && v % 10 == 0) {
		v /= 10;
		d--;
	}
	return d;
}

size_t
price_format(int64_t v, int decimals, char *buf)
{
	char		 tmp[PRICE_BUFSZ];
	uint64_t	 u, ipart, fpart;
	size_t		 n = 0, t = 0;
	int		 need, i;

	if (decimals < 0)
		decimals = 0;
	if (decimals > PRICE_DECIMALS)
		decimals = PRICE_DECIMALS;
	need = price_decimals_needed(v);
	if (need > decimals)
		decimals = need;
	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	ipart = u / PRICE_SCALE;
	fpart = u % PRICE_SCALE;
	if (v < 0)
		buf[n++] = '-';
	do {
		tmp[t++] = (char)('0' + ipart % 10);
		ipart /= 10;
	} while (ipart > 0);
	while (t > 0)
		buf[n++] = tmp[--t];
	if (decimals > 0) {
		for (i = decimals; i < PRICE_DECIMALS; i++)
			fpart /= 10;
		buf[n++] = '.';
		for (i = decimals - 1; i >= 0; i--) {
			buf[n + (size_t)i] = (char)('0' + fpart % 10);
			fpart /= 10;
		}
		n += (size_t)decimals;
	}
	buf[n] = '\0';
	return n;
}

int
price_vwap(int64_t hi, int64_t lo, int64_t volume, int decimals, int64_t *out)
{
	__int128	num, den, q, r, unit = 1;
	int		i;

	if (volume <= 0)
		return -1;
	if (decimals < 0)
		decimals = 0;
	for (i = decimals; i < PRICE_DECIMALS; i++)
		unit *= 10;
	num = (__int128)hi * 1000000000000000000LL + lo;
	den = (__int128)volume * unit;
	q = num / den;
	r = num % den;
	if (2 * (r < 0 ? -r : r) >= den)
		q += num < 0 ? -1 : 1;
	q *= unit;
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*out = (int64_t)q;
	return 0;
}

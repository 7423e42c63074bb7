#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
valid_symbol(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > SYMBOL_MAX)
		return -1;
	if (!(is_digit(s[0]) || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '^'))
		return -1;
	for (i = 1; i < len; i++) {
		char c = s[i];
		if (is_digit(c) || (c >= 'A' && c <= 'Z'))
			continue;
		if (c == '.' || c == '-' || c == '_' || c == '^' || c == '=')
			continue;
		return -1;
	}
	return 0;
}

int
valid_int64(const char *s, size_t len, int64_t min, int64_t max,
    int64_t *out)
{
	size_t		 i = 0, digits;
	uint64_t	 u = 0, limit;
	int		 neg = 0;

	if (len > 0 && s[0] == '-') {
		if (min >= 0)
			return -1;
		neg = 1;
		i = 1;
	}
	digits = len - i;
	if (digits == 0 || digits > 19)
		return -1;
	if (digits > 1 && s[i] == '0')
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			return -1;
		if (u > (limit - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		u = u * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg) {
		if (u == (uint64_t)INT64_MAX + 1) {
			if (min > INT64_MIN)
				return -1;
			*out = INT64_MIN;
			return 0;
		}
		if (-(int64_t)u < min)
			return -1;
		*out = -(int64_t)u;
	} else {
		if ((int64_t)u > max || (int64_t)u < min)
			return -1;
		*out = (int64_t)u;
	}
	return 0;
}

/* Checks the RFC 8259 number grammar; returns 0 if s[0..len) matches. */
static int
json_number_syntax(const char *s, size_t len)
{
	size_t i = 0, start;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9')
		while (i < len && is_digit(s[i]))
			i++;
	else
		return -1;
	if (i < len && s[i] == '.') {
		start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return -1;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return -1;
	}
	return i == len ? 0 : -1;
}

int
valid_double(const char *s, size_t len, double *out)
{
	char	 buf[65];
	char	*end;
	double	 d;

	if (len == 0 || len >= sizeof(buf) || json_number_syntax(s, len) != 0)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	d = strtod(buf, &end);
	if (end != buf + len || !isfinite(d) || errno == ERANGE)
		return -1;
	*out = d;
	return 0;
}

int
valid_utf8(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		unsigned char c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else
			return -1;
		if (len - i <= n)
			return -1;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		i += n + 1;
	}
	return 0;
}

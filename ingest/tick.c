#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "price.h"
#include "tick.h"
#include "timeutil.h"

const char *const tick_field_names[TICK_FIELD__MAX] = {
	[TICK_SYMBOL] = "symbol",
	[TICK_TS] = "ts",
	[TICK_PRICE] = "price",
	[TICK_SIZE] = "size",
	[TICK_SEQ] = "seq",
};

const char *const tick_ts_unit_names[TICK_TS_UNIT__MAX] = {
	[TICK_TS_MS] = "ms",
	[TICK_TS_S] = "s",
	[TICK_TS_US] = "us",
	[TICK_TS_NS] = "ns",
};

/* The same in words, for messages. */
static const char *const tick_ts_unit_words[TICK_TS_UNIT__MAX] = {
	[TICK_TS_MS] = "milliseconds",
	[TICK_TS_S] = "seconds",
	[TICK_TS_US] = "microseconds",
	[TICK_TS_NS] = "nanoseconds",
};

#define TICK_REQUIRED	((1u << TICK_SYMBOL) | (1u << TICK_TS) | \
			 (1u << TICK_PRICE))

int
tick_ts_unit_parse(const char *name)
{
	int u;

	for (u = 0; u < TICK_TS_UNIT__MAX; u++)
		if (strcmp(name, tick_ts_unit_names[u]) == 0)
			return u;
	return -1;
}

int
tick_field_lookup(const char *name, size_t len)
{
	int f;

	for (f = 0; f < TICK_FIELD__MAX; f++)
		if (strlen(tick_field_names[f]) == len &&
		    strncasecmp(tick_field_names[f], name, len) == 0)
			return f;
	return -1;
}

void
tick_reset(struct tick *t)
{
	memset(t, 0, sizeof(*t));
	t->seq = -1;
}

/* Marks f as seen; -1 with a reason when it already was. */
static int
tick_mark(struct tick *t, enum tick_field f, char *why)
{
	if (t->seen & (1u << f)) {
		snprintf(why, TICK_WHYSZ, "%s given twice", tick_field_names[f]);
		return -1;
	}
	t->seen |= 1u << f;
	return 0;
}

static int
tick_set_price(struct tick *t, const char *s, size_t len, char *why)
{
	enum price_err e;

	e = price_parse(s, len, &t->price, &t->decimals);
	if (e != PRICE_OK) {
		snprintf(why, TICK_WHYSZ, "price: %s", price_strerror(e));
		return -1;
	}
	return tick_mark(t, TICK_PRICE, why);
}

int
tick_set_field(struct tick *t, enum tick_field f, const char *s, size_t len,
    char *why)
{
	int64_t v;

	if (len == 0 && (f == TICK_SIZE || f == TICK_SEQ))
		return 0;	/* an empty optional column is an absent one */
	switch (f) {
	case TICK_SYMBOL:
		if (valid_symbol(s, len) == -1) {
			snprintf(why, TICK_WHYSZ, "symbol: not 1..%d of "
			    "A-Z 0-9 . - _ ^ =", SYMBOL_MAX);
			return -1;
		}
		memcpy(t->symbol, s, len);
		t->symbol[len] = '\0';
		return tick_mark(t, f, why);
	case TICK_TS:
		if (valid_int64(s, len, INT64_MIN, INT64_MAX, &v) == 0)
			return tick_set_int(t, f, v, why);
		if (time_parse_iso8601(s, len, &v) == -1) {
			snprintf(why, TICK_WHYSZ, "ts: not an integer (see "
			    "--ts-unit) or ISO-8601 UTC");
			return -1;
		}
		t->ts = v;
		return tick_mark(t, f, why);
	case TICK_PRICE:
		return tick_set_price(t, s, len, why);
	case TICK_SIZE:
	case TICK_SEQ:
		if (valid_int64(s, len, 0, f == TICK_SIZE ? TICK_SIZE_MAX :
		    INT64_MAX, &v) == -1) {
			snprintf(why, TICK_WHYSZ, "%s: not an integer in "
			    "0..%lld", tick_field_names[f], f == TICK_SIZE ?
			    (long long)TICK_SIZE_MAX : (long long)INT64_MAX);
			return -1;
		}
		return tick_set_int(t, f, v, why);
	default:
		snprintf(why, TICK_WHYSZ, "unknown field");
		return -1;
	}
}

int
tick_set_int(struct tick *t, enum tick_field f, int64_t v, char *why)
{
	char	buf[24];
	int	n;

	switch (f) {
	case TICK_TS:
		t->ts = v;	/* in the feed's unit: see tick_finish() */
		t->ts_int = 1;
		break;
	case TICK_SIZE:
		if (v < 0 || v > TICK_SIZE_MAX) {
			snprintf(why, TICK_WHYSZ, "size: not an integer in "
			    "0..%lld", (long long)TICK_SIZE_MAX);
			return -1;
		}
		t->size = v;
		break;
	case TICK_SEQ:
		if (v < 0) {
			snprintf(why, TICK_WHYSZ, "seq: negative");
			return -1;
		}
		t->seq = v;
		break;
	case TICK_PRICE:
		n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
		return tick_set_price(t, buf, (size_t)n, why);
	default:
		snprintf(why, TICK_WHYSZ, "%s: not an integer field",
		    tick_field_names[f]);
		return -1;
	}
	return tick_mark(t, f, why);
}

/*
 * Writes the p significant digits dig[] with decimal exponent e (value
 * 0.dig * 10^(e+1)) as a plain decimal into out; the caller bounded e.
 */
static size_t
tick_plain_decimal(int neg, const char *dig, int p, int e, char *out)
{
	int	ilen = e + 1, i;
	size_t	n = 0;

	if (neg)
		out[n++] = '-';
	if (ilen <= 0) {
		out[n++] = '0';
		out[n++] = '.';
		for (i = 0; i < -ilen; i++)
			out[n++] = '0';
		for (i = 0; i < p; i++)
			out[n++] = dig[i];
	} else {
		for (i = 0; i < ilen; i++)
			out[n++] = i < p ? dig[i] : '0';
		if (p > ilen) {
			out[n++] = '.';
			for (i = ilen; i < p; i++)
				out[n++] = dig[i];
		}
	}
	out[n] = '\0';
	return n;
}

int
tick_set_price_double(struct tick *t, double d, char *why)
{
	char	 sci[40], dig[24], plain[PRICE_BUFSZ + 8];
	char	*mant, *ex;
	int	 p, e, nd = 0;
	size_t	 i;

	if (!isfinite(d)) {
		snprintf(why, TICK_WHYSZ, "price: not a finite number");
		return -1;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(sci, sizeof(sci), "%.*e", p - 1, d);
		if (strtod(sci, NULL) == d)
			break;
	}
	if (p > TICK_JSON_DIGITS_MAX) {
		snprintf(why, TICK_WHYSZ, "price: number with more than %d "
		    "significant digits (send it as a string)",
		    TICK_JSON_DIGITS_MAX);
		return -1;
	}
	mant = sci[0] == '-' ? sci + 1 : sci;
	ex = strchr(mant, 'e');
	e = atoi(ex + 1);
	for (i = 0; mant + i < ex; i++)
		if (mant[i] != '.')
			dig[nd++] = mant[i];
	if (e + 1 > PRICE_INT_DIGITS_MAX) {
		snprintf(why, TICK_WHYSZ, "price: %s",
		    price_strerror(PRICE_TOO_LARGE));
		return -1;
	}
	if (nd - (e + 1) > PRICE_DECIMALS) {
		snprintf(why, TICK_WHYSZ, "price: %s",
		    price_strerror(PRICE_TOO_PRECISE));
		return -1;
	}
	i = tick_plain_decimal(sci[0] == '-', dig, nd, e, plain);
	return tick_set_price(t, plain, i, why);
}

/* splitmix64's finaliser: a well-mixed 64-bit value from any input. */
static uint64_t
tick_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int64_t
tick_hash_nkey(int64_t price, int64_t size)
{
	uint64_t h;

	h = tick_mix((uint64_t)price ^ tick_mix((uint64_t)size +
	    0x9e3779b97f4a7c15ULL));
	return -1 - (int64_t)(h >> 1);
}

/*
 * Integer ts v in unit u as ms into *ms; 0 when that is a time taken
 * (TICK_TS_FLOOR..TS_MAX), -1 below it, 1 above it.
 */
static int
tick_ts_ms(int64_t v, enum tick_ts_unit u, int64_t *ms)
{
	if (v < 0)
		return -1;
	switch (u) {
	case TICK_TS_S:
		if (v > TS_MAX / 1000)
			return 1;
		*ms = v * 1000;
		break;
	case TICK_TS_US:
		*ms = v / 1000;
		break;
	case TICK_TS_NS:
		*ms = v / 1000000;
		break;
	default:
		*ms = v;
		break;
	}
	return *ms < TICK_TS_FLOOR ? -1 : *ms > TS_MAX ? 1 : 0;
}

/* ms as ISO-8601, without ".000" on a whole second. */
static void
tick_ts_text(int64_t ms, char *buf)
{
	size_t n = time_format_iso8601(ms, buf);

	if (n > 5 && strcmp(buf + n - 5, ".000Z") == 0)
		strcpy(buf + n - 5, "Z");
}

/* t->ts from the feed's unit to ms; -1 with why when it is no time. */
static int
tick_ts_finish(struct tick *t, enum tick_ts_unit unit, char *why)
{
	char	text[ISO8601_BUFSZ];
	int64_t	ms;
	int	u, rc;

	if (!t->ts_int)
		return 0;
	if ((rc = tick_ts_ms(t->ts, unit, &ms)) == 0) {
		t->ts = ms;
		t->ts_int = 0;
		return 0;
	}
	for (u = 0; u < TICK_TS_UNIT__MAX; u++)
		if (u != (int)unit &&
		    tick_ts_ms(t->ts, (enum tick_ts_unit)u, &ms) == 0) {
			tick_ts_text(ms, text);
			snprintf(why, TICK_WHYSZ, "ts: %lld looks like %s since "
			    "the epoch (%s); use --ts-unit %s", (long long)t->ts,
			    tick_ts_unit_words[u], text, tick_ts_unit_names[u]);
			return -1;
		}
	snprintf(why, TICK_WHYSZ, rc < 0 ? "ts: %lld %s since the epoch is "
	    "before " TICK_TS_FLOOR_TEXT ", the earliest integer ts taken" :
	    "ts: %lld %s since the epoch is after 9999-12-31T23:59:59.999Z",
	    (long long)t->ts, tick_ts_unit_names[unit]);
	return -1;
}

int
tick_finish(struct tick *t, enum tick_ts_unit unit, char *why)
{
	int f;

	if ((t->seen & TICK_REQUIRED) != TICK_REQUIRED) {
		for (f = 0; f < TICK_FIELD__MAX; f++)
			if ((TICK_REQUIRED & (1u << f)) && !(t->seen & (1u << f)))
				break;
		snprintf(why, TICK_WHYSZ, "%s missing", tick_field_names[f]);
		return -1;
	}
	if (tick_ts_finish(t, unit, why) == -1)
		return -1;
	t->nkey = t->seq >= 0 ? t->seq : tick_hash_nkey(t->price, t->size);
	return 0;
}

/*
 * libFuzzer harness for the parameter validators: params_parse() against
 * every route's closed table (cgi-bin/params.c, routes.c) and the lib/
 * validators under it (valid.c, timeutil.c).  The first input byte picks
 * the route, the rest is the raw query string.  Besides "no crash, no
 * sanitizer report", it checks what the validators promise:
 *   - an accepted query holds only allowed keys, every required one, and
 *     values in range: symbols valid and distinct, at most SYMSET_MAX,
 *     limit 1..LIMIT_MAX, times TS_MIN..TS_MAX, timeout 0..3600,
 *     before 1..INT64_MAX, order asc or desc (and only with order=), an
 *     interval of the table, spelled as its name;
 *   - a refused one has a status 400, 414 or 503, a code and a message
 *     of printable ASCII (it is echoed into JSON and logs);
 *   - valid_int64 accepts only the canonical spelling of a number (it
 *     prints back as the same bytes; "-0" aside, which its contract
 *     allows when min < 0); valid_double only finite numbers;
 *     an accepted time prints as ISO-8601 and parses back to itself;
 *   - tzcal_known (TICKFEED_TZ, set-tz, the store's zone) takes only a
 *     relative name without "." or ".." parts, of at most TZ_NAME_MAX
 *     bytes, and the calendar it makes has days that hold their instant.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "routes.h"
#include "timeutil.h"
#include "tzcal.h"
#include "valid.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static void
fuzz_check(int cond)
{
	if (!cond)
		abort();
}

static int
fuzz_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static void
fuzz_accepted(const struct route *r, const struct params *p)
{
	int i, j;

	fuzz_check((p->present & ~r->allowed) == 0);
	fuzz_check((p->present & r->required) == r->required);
	if (p->present & PBIT(P_SYMBOL))
		fuzz_check(valid_symbol(p->symbol, strlen(p->symbol)) == 0);
	fuzz_check(p->symbols.n <= SYMSET_MAX);
	for (i = 0; i < (int)p->symbols.n; i++) {
		fuzz_check(valid_symbol(p->symbols.name[i],
		    strlen(p->symbols.name[i])) == 0);
		for (j = 0; j < i; j++)
			fuzz_check(strcmp(p->symbols.name[i], p->symbols.name[j]) != 0);
	}
	if (p->present & PBIT(P_LIMIT))
		fuzz_check(p->limit >= 1 && p->limit <= LIMIT_MAX);
	if (p->present & PBIT(P_FROM))
		fuzz_check(p->from >= TS_MIN && p->from <= TS_MAX);
	if (p->present & PBIT(P_TO))
		fuzz_check(p->to >= TS_MIN && p->to <= TS_MAX);
	if (p->present & PBIT(P_TIMEOUT))
		fuzz_check(p->timeout >= 0 && p->timeout <= 3600);
	if (p->present & PBIT(P_INTERVAL))
		fuzz_check((unsigned)p->interval < IV__MAX);
	else
		fuzz_check(p->interval == IV_1M);
	if (p->present & PBIT(P_BEFORE))
		fuzz_check(p->before >= 1);
	else
		fuzz_check(p->before == 0);
	fuzz_check(p->desc == 0 || (p->desc == 1 &&
	    (p->present & PBIT(P_ORDER))));
	fuzz_check(p->since >= 0 && p->last_event_id >= 0);
}

/* An accepted interval= or order= was spelled exactly as its name. */
static void
fuzz_spelling(const char *q, const struct params *p)
{
	char want[32];

	if (p->present & PBIT(P_INTERVAL)) {
		snprintf(want, sizeof(want), "interval=%s",
		    intervals[p->interval].name);
		fuzz_check(strstr(q, want) != NULL ||
		    strstr(q, "%") != NULL || strstr(q, "+") != NULL);
	}
	if (p->present & PBIT(P_ORDER))
		fuzz_check(strstr(q, p->desc ? "order=desc" : "order=asc") !=
		    NULL || strstr(q, "%") != NULL);
}

static void
fuzz_query(const struct route *r, const char *q)
{
	struct params		p;
	struct param_error	err;
	enum http_status	st;

	memset(&err, 0, sizeof(err));
	st = params_parse(q, r->allowed, r->required, &p, &err);
	if (st == HTTP_OK) {
		fuzz_accepted(r, &p);
		fuzz_spelling(q, &p);
		return;
	}
	fuzz_check(st == HTTP_BAD_REQUEST || st == HTTP_URI_TOO_LONG ||
	    st == HTTP_UNAVAILABLE);
	fuzz_check(err.code != NULL && *err.code != '\0');
	fuzz_check(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	fuzz_check(err.msg[0] != '\0' && fuzz_printable(err.msg));
}

/* The lib/ validators on the same bytes, with their round trips. */
static void
fuzz_validators(const char *s, size_t n)
{
	char	buf[32], iso[ISO8601_BUFSZ];
	int64_t	v, ms, back;
	double	d;

	/* "-0" is within valid.h's contract when min < 0: it is 0. */
	if (valid_int64(s, n, INT64_MIN, INT64_MAX, &v) == 0 &&
	    !(n == 2 && memcmp(s, "-0", 2) == 0)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
		fuzz_check(strlen(buf) == n && memcmp(buf, s, n) == 0);
	}
	if (valid_double(s, n, &d) == 0)
		fuzz_check(isfinite(d));
	if (time_parse_ts(s, n, &ms) == 0) {
		fuzz_check(ms >= TS_MIN && ms <= TS_MAX);
		time_format_iso8601(ms, iso);
		fuzz_check(time_parse_iso8601(iso, strlen(iso), &back) == 0 &&
		    back == ms);
	}
	(void)valid_symbol(s, n);
	(void)valid_utf8(s, n);
}

static void
fuzz_zone(const char *z, const unsigned char *data, size_t size)
{
	struct tzcal	cal;
	int64_t		ts = 0, lo, hi;
	size_t		n = strlen(z);

	if (!tzcal_known(z))
		return;
	fuzz_check(n >= 1 && n <= TZ_NAME_MAX && z[0] != '/' &&
	    strstr(z, "/../") == NULL && strncmp(z, "../", 3) != 0 &&
	    strcmp(z, "..") != 0);
	fuzz_check(tzcal_init(&cal, z) == 0);
	if (size >= sizeof(ts))
		memcpy(&ts, data, sizeof(ts));
	ts = (int64_t)((uint64_t)ts % 253402300800000ULL);
	lo = tzcal_day(&cal, ts, &hi);
	fuzz_check(lo <= ts && ts < hi);
	lo = tzcal_week(&cal, ts, &hi);
	fuzz_check(lo <= ts && ts < hi);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char	*q;

	if (size == 0)
		return 0;
	if ((q = malloc(size)) == NULL)
		return 0;
	memcpy(q, data + 1, size - 1);
	q[size - 1] = '\0';
	fuzz_query(&routes[data[0] % ROUTE__MAX], q);
	fuzz_validators((const char *)data + 1, size - 1);
	fuzz_zone(q, data, size);
	free(q);
	return 0;
}

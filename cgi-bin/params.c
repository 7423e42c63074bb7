/*
 * The closed table of query parameters (bgplgd's qsargs[]): each key has
 * one typed validator that stores the value in struct params or returns
 * 400 with a message naming the rule.  Routes say which keys they take
 * (routes.c); anything else is refused before a handler runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "timeutil.h"

typedef enum http_status (*param_fn)(struct params *, enum param,
    const char *, size_t, struct param_error *);

struct param_def {
	const char	*name;
	param_fn	 fn;
	int64_t		 min, max;	/* integers only */
	size_t		 off;		/* the int64_t field in struct params */
};

static enum http_status	p_symbol(struct params *, enum param, const char *,
			    size_t, struct param_error *);
static enum http_status	p_symbols(struct params *, enum param, const char *,
			    size_t, struct param_error *);
static enum http_status	p_int(struct params *, enum param, const char *,
			    size_t, struct param_error *);
static enum http_status	p_time(struct params *, enum param, const char *,
			    size_t, struct param_error *);
static enum http_status	p_interval(struct params *, enum param,
			    const char *, size_t, struct param_error *);
static enum http_status	p_order(struct params *, enum param, const char *,
			    size_t, struct param_error *);

#define P_INT(n, lo, hi, f) { n, p_int, lo, hi, offsetof(struct params, f) }
#define P_TIME(n, f) { n, p_time, TS_MIN, TS_MAX, offsetof(struct params, f) }

static const struct param_def params[P__MAX] = {
	[P_SYMBOL] = { "symbol", p_symbol, 0, 0, 0 },
	[P_SYMBOLS] = { "symbols", p_symbols, 0, 0, 0 },
	[P_SINCE] = P_INT("since", 0, INT64_MAX, since),
	[P_FROM] = P_TIME("from", from),
	[P_TO] = P_TIME("to", to),
	[P_LIMIT] = P_INT("limit", 1, LIMIT_MAX, limit),
	[P_INTERVAL] = { "interval", p_interval, 0, 0, 0 },
	[P_TIMEOUT] = P_INT("timeout", 0, 3600, timeout),
	[P_LAST_EVENT_ID] = P_INT("last_event_id", 0, INT64_MAX, last_event_id),
	[P_BEFORE] = P_INT("before", 1, INT64_MAX, before),
	[P_ORDER] = { "order", p_order, 0, 0, 0 },
};


__attribute__((format(printf, 3, 4)))
static enum http_status
param_reject(struct param_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return HTTP_BAD_REQUEST;
}

static enum http_status
p_symbol(struct params *out, enum param p, const char *v, size_t n,
    struct param_error *err)
{
	if (valid_symbol(v, n) == -1)
		return param_reject(err, "bad_value", "%s must be 1..%d of "
		    "A-Z 0-9 . - _ ^ =, starting with A-Z, 0-9 or ^",
		    params[p].name, SYMBOL_MAX);
	memcpy(out->symbol, v, n);
	out->symbol[n] = '\0';
	return HTTP_OK;
}

/* Comma-separated symbols, each valid, none twice, at most SYMSET_MAX. */
static enum http_status
p_symbols(struct params *out, enum param p, const char *v, size_t n,
    struct param_error *err)
{
	switch (symset_parse(&out->symbols, v, n)) {
	case SYMSET_OK:
		return HTTP_OK;
	case SYMSET_TOO_MANY:
		return param_reject(err, "bad_value", "%s takes at most %d "
		    "symbols", params[p].name, SYMSET_MAX);
	case SYMSET_REPEATED:
		return param_reject(err, "bad_value", "%s names a symbol "
		    "twice", params[p].name);
	default:
		return param_reject(err, "bad_value", "%s must be a "
		    "comma-separated list of symbols (1..%d of A-Z 0-9 . - _ "
		    "^ =)", params[p].name, SYMBOL_MAX);
	}
}

static enum http_status
p_int(struct params *out, enum param p, const char *v, size_t n,
    struct param_error *err)
{
	const struct param_def	*d = &params[p];
	int64_t			*field = (int64_t *)((char *)out + d->off);

	if (valid_int64(v, n, d->min, d->max, field) == -1) {
		if (d->max == INT64_MAX)
			return param_reject(err, "bad_value", "%s must be an "
			    "integer >= %lld", d->name, (long long)d->min);
		return param_reject(err, "bad_value", "%s must be an "
		    "integer %lld..%lld", d->name, (long long)d->min,
		    (long long)d->max);
	}
	return HTTP_OK;
}

static enum http_status
p_time(struct params *out, enum param p, const char *v, size_t n,
    struct param_error *err)
{
	const struct param_def	*d = &params[p];
	int64_t			*field = (int64_t *)((char *)out + d->off);

	if (time_parse_ts(v, n, field) == -1)
		return param_reject(err, "bad_value", "%s must be ms since "
		    "the epoch or ISO-8601 UTC, 1970..9999", d->name);
	return HTTP_OK;
}

static enum http_status
p_interval(struct params *out, enum param p, const char *v, size_t n,
    struct param_error *err)
{
	enum interval iv;

	if (interval_by_name(v, n, &iv) == 0) {
		out->interval = iv;
		return HTTP_OK;
	}
	return param_reject(err, "bad_value", "%s must be one of 1m 5m 15m "
	    "30m 1h 4h 1d 1w", params[p].name);
}

static enum http_status
p_order(struct params *out, enum param p, const char *v, size_t n,
    struct param_error *err)
{
	if (n == 3 && memcmp(v, "asc", 3) == 0)
		out->desc = 0;
	else if (n == 4 && memcmp(v, "desc", 4) == 0)
		out->desc = 1;
	else
		return param_reject(err, "bad_value", "%s must be asc or desc",
		    params[p].name);
	return HTTP_OK;
}

/* Names are echoed only when short and plain, never raw client bytes. */
static int
param_echoable(const char *key)
{
	size_t i, n = strlen(key);

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || key[i] == '_' ||
		    (key[i] >= '0' && key[i] <= '9')))
			return 0;
	return 1;
}

enum http_status
params_set(struct params *out, const char *key, const char *value,
    size_t vlen, unsigned allowed, struct param_error *err)
{
	int p;

	for (p = 0; p < P__MAX; p++)
		if (strcmp(params[p].name, key) == 0)
			break;
	if (p == P__MAX)
		return param_echoable(key) ?
		    param_reject(err, "unknown_param", "unknown parameter "
		    "'%s'", key) :
		    param_reject(err, "unknown_param", "unknown parameter");
	if (!(allowed & PBIT(p)))
		return param_reject(err, "param_not_allowed", "parameter "
		    "'%s' is not taken by this endpoint", key);
	if (out->present & PBIT(p))
		return param_reject(err, "repeated_param", "parameter '%s' "
		    "given twice", key);
	if (value == NULL || vlen == 0)
		return param_reject(err, "missing_value", "parameter '%s' "
		    "needs a value", key);
	out->present |= PBIT(p);
	return params[p].fn(out, (enum param)p, value, vlen, err);
}

struct parse_ctx {
	struct params	*out;
	unsigned	 allowed;
};

static enum http_status
params_pair(void *arg, const char *key, const char *value, size_t vlen,
    struct param_error *err)
{
	struct parse_ctx *c = arg;

	return params_set(c->out, key, value, vlen, c->allowed, err);
}

enum http_status
params_parse(const char *query, unsigned allowed, unsigned required,
    struct params *out, struct param_error *err)
{
	struct parse_ctx	 c = { out, allowed };
	enum http_status	 st;
	int			 p;

	memset(out, 0, sizeof(*out));
	if ((st = qs_each(query, params_pair, &c, err)) != HTTP_OK)
		return st;
	for (p = 0; p < P__MAX; p++)
		if ((required & PBIT(p)) && !(out->present & PBIT(p)))
			return param_reject(err, "missing_param", "parameter "
			    "'%s' is required", params[p].name);
	return HTTP_OK;
}

int
param_cursor(const char *s, size_t len, long long *out)
{
	int64_t v;

	if (valid_int64(s, len, 0, INT64_MAX, &v) == -1)
		return -1;
	*out = v;
	return 0;
}

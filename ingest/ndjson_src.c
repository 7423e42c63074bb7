/*
 * NDJSON feeds: one JSON object (RFC 8259) per line with the keys symbol,
 * ts, price, size, seq; other keys are ignored, a null is an absent key.
 * ts is an integer (ms, or --ts-unit) or an ISO-8601 string; price a decimal string (exact,
 * through price_parse) or a JSON number.  jansson decodes a number with a
 * fraction into a double, so tick_set_price_double() recovers the shortest
 * decimal that reads back as that double and refuses more than 15
 * significant digits: within that bound the recovered text is the one the
 * source wrote, up to trailing zeros ("101.50" arrives as 101.5; send a
 * string to keep the zeros in the symbol's decimals).
 * XXX a number with more digits than the double keeps
 * (101.230000000000000001) is taken as 101.23: jansson gives no raw text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "src.h"
#include "valid.h"

struct ndjson_src {
	const struct tick_sink	*sink;
	enum tick_ts_unit	 unit;
	enum src_status		 status;
};

static void *
ndjson_src_open(const struct tick_sink *sink, enum tick_ts_unit unit)
{
	struct ndjson_src *ns;

	if ((ns = calloc(1, sizeof(*ns))) == NULL)
		return NULL;
	ns->sink = sink;
	ns->unit = unit;
	return ns;
}

/* One key's value into t; -1 with why. */
static int
ndjson_src_value(struct tick *t, enum tick_field f, json_t *v, char *why)
{
	switch (json_typeof(v)) {
	case JSON_NULL:
		return 0;
	case JSON_STRING:
		return tick_set_field(t, f, json_string_value(v),
		    json_string_length(v), why);
	case JSON_INTEGER:
		if (f != TICK_SYMBOL)
			return tick_set_int(t, f, json_integer_value(v), why);
		break;
	case JSON_REAL:
		if (f == TICK_PRICE)
			return tick_set_price_double(t, json_real_value(v),
			    why);
		break;
	default:
		break;
	}
	snprintf(why, TICK_WHYSZ, "%s: wrong JSON type", tick_field_names[f]);
	return -1;
}

/* Parses one object into t, integer ts in unit; -1 with why. */
static int
ndjson_src_object(const char *s, size_t len, enum tick_ts_unit unit,
    struct tick *t, char *why)
{
	json_error_t	 jerr;
	json_t		*o, *v;
	const char	*key;
	int		 f, rc = 0;

	o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		snprintf(why, TICK_WHYSZ, "JSON: %.200s", jerr.text);
		return -1;
	}
	if (!json_is_object(o)) {
		snprintf(why, TICK_WHYSZ, "JSON: not an object");
		rc = -1;
		goto out;
	}
	json_object_foreach(o, key, v) {
		f = tick_field_lookup(key, strlen(key));
		if (f >= 0 && (rc = ndjson_src_value(t, (enum tick_field)f, v,
		    why)) == -1)
			goto out;
	}
	rc = tick_finish(t, unit, why);
out:
	json_decref(o);
	return rc;
}

static int
ndjson_src_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static enum src_status
ndjson_src_line(void *arg, const char *s, size_t len, long lineno)
{
	struct ndjson_src	*ns = arg;
	struct tick		 t;
	char			 why[TICK_WHYSZ];

	if (ns->status != SRC_OK)
		return ns->status;
	if (len > 0 && s[len - 1] == '\n')
		len--;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (ndjson_src_blank(s, len))
		return SRC_OK;
	tick_reset(&t);
	if (valid_utf8(s, len) == -1) {
		ns->sink->reject(ns->sink->arg, lineno, "not UTF-8");
		return SRC_OK;
	}
	if (ndjson_src_object(s, len, ns->unit, &t, why) == -1)
		ns->sink->reject(ns->sink->arg, lineno, why);
	else if (ns->sink->tick(ns->sink->arg, &t, lineno) == -1)
		ns->status = SRC_STOP;
	return ns->status;
}

static void
ndjson_src_break(void *arg)
{
	(void)arg;	/* lines are independent: nothing in progress */
}

static long
ndjson_src_record_line(const void *arg)
{
	(void)arg;	/* a record is one line */
	return 0;
}

static enum src_status
ndjson_src_end(void *arg)
{
	struct ndjson_src *ns = arg;

	return ns->status;
}

static void
ndjson_src_close(void *arg)
{
	free(arg);
}

const struct src_ops ndjson_src_ops = {
	.open = ndjson_src_open,
	.line = ndjson_src_line,
	.brk = ndjson_src_break,
	.record_line = ndjson_src_record_line,
	.end = ndjson_src_end,
	.close = ndjson_src_close,
};

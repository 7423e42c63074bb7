/* Stream entries: the format, its parser and its writer (entry.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "price.h"
#include "tick.h"
#include "timeutil.h"

/* The largest price magnitude the store takes: 10 digits . 8 digits. */
#define ENTRY_PRICE_MAX	999999999999999999LL

const char *const entry_field_names[ENTRY_F__MAX] = {
	[ENTRY_F_V] = "v",
	[ENTRY_F_EPOCH] = "epoch",
	[ENTRY_F_PREV] = "prev",
	[ENTRY_F_T] = "t",
	[ENTRY_F_PRUNE] = "prune",
	[ENTRY_F_TZ] = "tz",
	[ENTRY_F_SYMS] = "syms",
	[ENTRY_F_TICKS] = "ticks",
};

int
entry_id_cmp(struct entry_id a, struct entry_id b)
{
	if (a.ms != b.ms)
		return a.ms < b.ms ? -1 : 1;
	if (a.seq != b.seq)
		return a.seq < b.seq ? -1 : 1;
	return 0;
}

int
entry_id_parse(const char *s, size_t len, struct entry_id *id)
{
	const char *dash = memchr(s, '-', len);

	if (dash == NULL)
		return -1;
	return valid_int64(s, (size_t)(dash - s), 0, INT64_MAX, &id->ms) ||
	    valid_int64(dash + 1, len - (size_t)(dash - s) - 1, 0, INT64_MAX,
	    &id->seq) ? -1 : 0;
}

char *
entry_id_format(struct entry_id id, char *buf)
{
	snprintf(buf, ENTRY_ID_BUFSZ, "%" PRId64 "-%" PRId64, id.ms, id.seq);
	return buf;
}

/* A cursor over one field's bytes, for the list fields. */
struct entry_scan {
	const char	*p, *end;
};

/*
 * The next token ending at sep (or, when last, at the end of the field
 * or sep) into *tok and *len.  0, or -1 when the field ends first.
 */
static int
entry_token(struct entry_scan *sc, char sep, int last, const char **tok,
    size_t *len)
{
	const char *q;

	q = memchr(sc->p, sep, (size_t)(sc->end - sc->p));
	if (q == NULL && !last)
		return -1;
	if (q == NULL)
		q = sc->end;
	*tok = sc->p;
	*len = (size_t)(q - sc->p);
	sc->p = q < sc->end ? q + 1 : q;
	return 0;
}

static int
entry_int(struct entry_scan *sc, char sep, int last, int64_t min,
    int64_t max, int64_t *out)
{
	const char	*tok;
	size_t		 len;

	if (entry_token(sc, sep, last, &tok, &len) == -1)
		return -1;
	return valid_int64(tok, len, min, max, out);
}

static int
entry_sym_cmp(const void *a, const void *b)
{
	const struct entry_sym *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

const struct entry_sym *
entry_sym(const struct entry *e, int64_t sid)
{
	struct entry_sym key = { .id = sid };

	return bsearch(&key, e->syms, e->nsyms, sizeof(e->syms[0]),
	    entry_sym_cmp);
}

/* syms: ID:SYMBOL:DECIMALS separated by single spaces. */
static int
entry_parse_syms(struct entry *e, const char *s, size_t len, char *why)
{
	struct entry_scan	 sc = { s, s + len };
	struct entry_sym	*y;
	const char		*tok;
	size_t			 n, i;
	int64_t			 dec;

	while (sc.p < sc.end) {
		if (e->nsyms == ENTRY_TICKS_MAX)
			goto fail;
		y = &e->syms[e->nsyms];
		if (entry_int(&sc, ':', 0, 1, INT64_MAX, &y->id) == -1 ||
		    entry_token(&sc, ':', 0, &tok, &n) == -1 ||
		    valid_symbol(tok, n) == -1 ||
		    entry_int(&sc, ' ', 1, 0, PRICE_DECIMALS, &dec) == -1 ||
		    (sc.p == sc.end && sc.p[-1] == ' '))
			goto fail;
		memcpy(y->name, tok, n);
		y->name[n] = '\0';
		y->decimals = (int)dec;
		for (i = 0; i < e->nsyms; i++)
			if (strcmp(e->syms[i].name, y->name) == 0)
				goto fail;
		e->nsyms++;
	}
	qsort(e->syms, e->nsyms, sizeof(e->syms[0]), entry_sym_cmp);
	for (i = 1; i < e->nsyms; i++)
		if (e->syms[i].id == e->syms[i - 1].id)
			goto fail;
	return 0;
fail:
	snprintf(why, ENTRY_WHYSZ, "syms: symbol %zu: want ID:SYMBOL:DECIMALS "
	    "(distinct, decimals 0..%d, at most %d)", e->nsyms + 1,
	    PRICE_DECIMALS, ENTRY_TICKS_MAX);
	return -1;
}

/* One line of ticks: SYMBOL_ID,TS,PRICE,SIZE,NKEY\n. */
static int
entry_parse_tick(struct entry_scan *sc, struct entry_tick *t)
{
	const char	*q = memchr(sc->p, '\n', (size_t)(sc->end - sc->p));
	struct entry_scan line;

	if (q == NULL)
		return -1;
	line.p = sc->p;
	line.end = q;
	sc->p = q + 1;
	return entry_int(&line, ',', 0, 1, INT64_MAX, &t->sid) ||
	    entry_int(&line, ',', 0, TS_MIN, TS_MAX, &t->ts) ||
	    entry_int(&line, ',', 0, -ENTRY_PRICE_MAX, ENTRY_PRICE_MAX,
	    &t->price) ||
	    entry_int(&line, ',', 0, 0, TICK_SIZE_MAX, &t->size) ||
	    entry_int(&line, '\n', 1, INT64_MIN, INT64_MAX, &t->nkey) ? -1 : 0;
}

/* ticks: every line parses, names a listed symbol; every symbol used. */
static int
entry_parse_ticks(struct entry *e, const char *s, size_t len, char *why)
{
	struct entry_scan	 sc = { s, s + len };
	unsigned char		 used[ENTRY_TICKS_MAX] = { 0 };
	const struct entry_sym	*y;
	size_t			 i;

	while (sc.p < sc.end) {
		if (e->nticks == ENTRY_TICKS_MAX) {
			snprintf(why, ENTRY_WHYSZ, "ticks: more than %d lines",
			    ENTRY_TICKS_MAX);
			return -1;
		}
		if (entry_parse_tick(&sc, &e->ticks[e->nticks]) == -1 ||
		    (y = entry_sym(e, e->ticks[e->nticks].sid)) == NULL) {
			snprintf(why, ENTRY_WHYSZ, "ticks: line %zu: want "
			    "SYMBOL_ID,TS,PRICE,SIZE,NKEY and a newline, the "
			    "symbol listed in syms, each number in range",
			    e->nticks + 1);
			return -1;
		}
		used[y - e->syms] = 1;
		e->nticks++;
	}
	for (i = 0; i < e->nsyms; i++)
		if (!used[i]) {
			snprintf(why, ENTRY_WHYSZ, "syms: %s is named by no "
			    "tick", e->syms[i].name);
			return -1;
		}
	return 0;
}

/* The scalar fields; 0 or -1 with why. */
static int
entry_parse_scalar(struct entry *e, enum entry_field f, const char *s,
    size_t len, char *why)
{
	struct entry_scan	sc = { s, s + len };
	int64_t			v;

	switch (f) {
	case ENTRY_F_V:
		if (valid_int64(s, len, 0, INT64_MAX, &v) == 0 &&
		    v == ENTRY_VERSION)
			return 0;
		snprintf(why, ENTRY_WHYSZ, "v: version %d expected",
		    ENTRY_VERSION);
		return -1;
	case ENTRY_F_EPOCH:
		if (valid_int64(s, len, 1, INT64_MAX, &e->epoch) == 0)
			return 0;
		break;
	case ENTRY_F_PREV:
		if (entry_id_parse(s, len, &e->prev) == 0)
			return 0;
		break;
	case ENTRY_F_T:
		if (valid_int64(s, len, TS_MIN, TS_MAX, &e->t) == 0)
			return 0;
		break;
	case ENTRY_F_PRUNE:
		if (entry_int(&sc, ',', 0, TS_MIN, TS_MAX + 1, &e->prune_ts) ==
		    0 && entry_int(&sc, '\n', 1, 0, INT64_MAX, &e->prune_id) ==
		    0 && sc.p == sc.end && (len == 0 || s[len - 1] != '\n'))
			return 0;
		break;
	case ENTRY_F_TZ:
		if (len > 0 && len <= TZ_NAME_MAX && memchr(s, '\0', len) ==
		    NULL) {
			memcpy(e->tz, s, len);
			e->tz[len] = '\0';
			if (tzcal_name_ok(e->tz))
				return 0;
		}
		snprintf(why, ENTRY_WHYSZ, "tz: not a zone name (1..%d of "
		    "A-Z a-z 0-9 _ + - . /, no empty, . or .. part)",
		    TZ_NAME_MAX);
		return -1;
	default:
		break;
	}
	snprintf(why, ENTRY_WHYSZ, "%s: not a valid value",
	    entry_field_names[f]);
	return -1;
}

/* The field called key, or -1. */
static int
entry_field_lookup(const char *key, size_t len)
{
	int f;

	for (f = 0; f < ENTRY_F__MAX; f++)
		if (strlen(entry_field_names[f]) == len &&
		    memcmp(entry_field_names[f], key, len) == 0)
			return f;
	return -1;
}

/* The rules between fields (entry.h); 0 or -1 with why. */
static int
entry_check(const struct entry *e, char *why)
{
	if (entry_id_cmp(e->prev, e->id) >= 0) {
		snprintf(why, ENTRY_WHYSZ, "prev: not before the entry's ID");
		return -1;
	}
	if (e->prune_id > e->id.ms) {
		snprintf(why, ENTRY_WHYSZ, "prune: id beyond the entry's cursor");
		return -1;
	}
	if (e->nticks > 0 && (e->id.seq != 0 ||
	    e->id.ms - e->prev.ms != (int64_t)e->nticks)) {
		snprintf(why, ENTRY_WHYSZ, "ticks: %zu lines, but the ID says "
		    "%" PRId64 " (ID - prev, SEQ 0)", e->nticks,
		    e->id.seq != 0 ? 0 : e->id.ms - e->prev.ms);
		return -1;
	}
	if (e->nticks == 0 && e->id.ms != e->prev.ms) {
		snprintf(why, ENTRY_WHYSZ, "ticks: none, but the ID moves the "
		    "cursor from %" PRId64 " to %" PRId64, e->prev.ms, e->id.ms);
		return -1;
	}
	return 0;
}

int
entry_parse(struct entry *e, const char *id, size_t idlen,
    const struct entry_kv *kv, size_t nkv, char *why)
{
	const struct entry_kv	*val[ENTRY_F__MAX] = { 0 };
	size_t			 i;
	int			 f;

	memset(e, 0, offsetof(struct entry, syms));
	if (entry_id_parse(id, idlen, &e->id) == -1) {
		snprintf(why, ENTRY_WHYSZ, "the stream ID is not MS-SEQ");
		return -1;
	}
	for (i = 0; i < nkv; i++) {
		if ((f = entry_field_lookup(kv[i].key, kv[i].klen)) == -1 ||
		    val[f] != NULL) {
			snprintf(why, ENTRY_WHYSZ, "field %zu: %s", i + 1, f < 0 ?
			    "unknown" : "given twice");
			return -1;
		}
		val[f] = &kv[i];
	}
	for (f = 0; f < ENTRY_F__MAX; f++) {
		if (val[f] == NULL) {
			snprintf(why, ENTRY_WHYSZ, "%s: missing",
			    entry_field_names[f]);
			return -1;
		}
		if (f == ENTRY_F_SYMS || f == ENTRY_F_TICKS)
			continue;
		if (entry_parse_scalar(e, (enum entry_field)f, val[f]->val,
		    val[f]->vlen, why) == -1)
			return -1;
	}
	if (entry_parse_syms(e, val[ENTRY_F_SYMS]->val,
	    val[ENTRY_F_SYMS]->vlen, why) == -1 ||
	    entry_parse_ticks(e, val[ENTRY_F_TICKS]->val,
	    val[ENTRY_F_TICKS]->vlen, why) == -1)
		return -1;
	return entry_check(e, why);
}

int
entry_encode(const struct entry *e, struct buf val[ENTRY_F__MAX])
{
	char			 id[ENTRY_ID_BUFSZ];
	const struct entry_tick	*t;
	size_t			 i;
	int			 f, oom = 0;

	for (f = 0; f < ENTRY_F__MAX; f++)
		buf_reset(&val[f]);
	buf_printf(&val[ENTRY_F_V], "%d", ENTRY_VERSION);
	buf_printf(&val[ENTRY_F_EPOCH], "%" PRId64, e->epoch);
	buf_addz(&val[ENTRY_F_PREV], entry_id_format(e->prev, id));
	buf_printf(&val[ENTRY_F_T], "%" PRId64, e->t);
	buf_printf(&val[ENTRY_F_PRUNE], "%" PRId64 ",%" PRId64, e->prune_ts,
	    e->prune_id);
	buf_addz(&val[ENTRY_F_TZ], e->tz);
	for (i = 0; i < e->nsyms; i++)
		buf_printf(&val[ENTRY_F_SYMS], "%s%" PRId64 ":%s:%d",
		    i ? " " : "", e->syms[i].id, e->syms[i].name,
		    e->syms[i].decimals);
	for (i = 0; i < e->nticks; i++) {
		t = &e->ticks[i];
		buf_printf(&val[ENTRY_F_TICKS], "%" PRId64 ",%" PRId64 ",%"
		    PRId64 ",%" PRId64 ",%" PRId64 "\n", t->sid, t->ts,
		    t->price, t->size, t->nkey);
	}
	for (f = 0; f < ENTRY_F__MAX; f++)
		oom |= val[f].oom;
	return oom ? -1 : 0;
}

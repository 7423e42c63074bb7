/*
 * What every tick a parser delivers must satisfy, and what holding back
 * an unterminated last line may change (fuzz_csv, fuzz_ndjson).
 */
#ifndef TICKFEED_FUZZ_CHECK_H
#define TICKFEED_FUZZ_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "price.h"
#include "tick.h"
#include "timeutil.h"
#include "valid.h"

static void
fuzz_check_tick(const struct tick *t)
{
	char	buf[PRICE_BUFSZ];
	int64_t	v;
	size_t	n;

	if (valid_symbol(t->symbol, strlen(t->symbol)) != 0 ||
	    t->ts_int || t->ts < TS_MIN || t->ts > TS_MAX ||
	    t->size < 0 || t->size > TICK_SIZE_MAX ||
	    t->decimals < 0 || t->decimals > PRICE_DECIMALS ||
	    (t->seq >= 0 && t->nkey != t->seq) ||
	    (t->seq < 0 && t->nkey >= 0))
		abort();
	n = price_format(t->price, t->decimals, buf);
	if (price_parse(buf, n, &v, NULL) != PRICE_OK || v != t->price)
		abort();
}

static void
fuzz_check_feed(const struct feed *f)
{
	int i;

	for (i = 0; i < f->nticks && i < FEED_MAX; i++)
		fuzz_check_tick(&f->ticks[i]);
}

static int
fuzz_same_tick(const struct tick *a, const struct tick *b)
{
	return strcmp(a->symbol, b->symbol) == 0 && a->ts == b->ts &&
	    a->price == b->price && a->size == b->size &&
	    a->nkey == b->nkey && a->decimals == b->decimals;
}

/*
 * The same bytes with a last line taken (take) and held back (hold):
 * holding changes nothing before that line, so what hold delivered is
 * the start of what take delivered, and without a held line all of it.
 * Only an input ending without a newline holds a line.
 */
static void
fuzz_check_hold(const struct feed *take, const struct feed *hold,
    const uint8_t *data, size_t size)
{
	int i;

	if (hold->held < 0 || (hold->held > 0 &&
	    (size == 0 || data[size - 1] == '\n')))
		abort();
	if (hold->nticks > take->nticks || hold->nrejects > take->nrejects)
		abort();
	if (hold->held == 0 && (hold->nticks != take->nticks ||
	    hold->nrejects != take->nrejects || hold->status != take->status))
		abort();
	for (i = 0; i < hold->nticks && i < FEED_MAX; i++)
		if (!fuzz_same_tick(&hold->ticks[i], &take->ticks[i]) ||
		    hold->lines[i] != take->lines[i])
			abort();
	for (i = 0; i < hold->nrejects && i < FEED_MAX; i++)
		if (strcmp(hold->rejects[i], take->rejects[i]) != 0)
			abort();
}

/*
 * data through format, its last line taken and held back, in a --ts-unit
 * picked by its length (the fuzzer varies lengths: every unit is run).
 */
static void
fuzz_feed_all(enum src_format format, const uint8_t *data, size_t size)
{
	static struct feed	take, hold;
	enum tick_ts_unit	u = (enum tick_ts_unit)(size % TICK_TS_UNIT__MAX);

	feed_opts(&take, format, u, 0, (const char *)data, size);
	fuzz_check_feed(&take);
	feed_opts(&hold, format, u, 1, (const char *)data, size);
	fuzz_check_feed(&hold);
	fuzz_check_hold(&take, &hold, data, size);
}

#endif

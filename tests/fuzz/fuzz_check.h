/* What every tick a parser delivers must satisfy (fuzz_csv, fuzz_ndjson). */
#ifndef TICKFEED_FUZZ_CHECK_H
#define TICKFEED_FUZZ_CHECK_H

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
	    t->ts < TS_MIN || t->ts > TS_MAX ||
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

#endif

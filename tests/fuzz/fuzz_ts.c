/*
 * libFuzzer harness: timestamps.
 *  - time_parse_ts (ms digits or ISO-8601 UTC): an accepted time lies in
 *    range and survives format and parse.
 *  - the ts field of a tick in every --ts-unit: an integer is taken
 *    exactly when its value scaled to ms (computed here in 128 bits, not
 *    by the code under test) lies in TICK_TS_FLOOR..TS_MAX, and is then
 *    that value; at most one unit takes it, and a unit that refuses it
 *    names that one ("use --ts-unit X") or none.  ISO-8601 text is taken
 *    as written in every unit.  Anything else is refused in every unit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tick.h"
#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOT_A_TIME	"ts: not an integer (see --ts-unit) or ISO-8601 UTC"

static void
check_parse_ts(const char *s, size_t size)
{
	char	buf[ISO8601_BUFSZ];
	int64_t	ms, back;
	size_t	n;

	if (time_parse_ts(s, size, &ms) != 0)
		return;
	if (ms < TS_MIN || ms > TS_MAX)
		abort();
	n = time_format_iso8601(ms, buf);
	if (time_parse_iso8601(buf, n, &back) != 0 || back != ms)
		abort();
}

/* v in unit u as ms, by the definition of the units. */
static __int128
oracle_ms(int64_t v, int u)
{
	switch (u) {
	case TICK_TS_S:
		return (__int128)v * 1000;
	case TICK_TS_US:
		return v / 1000;
	case TICK_TS_NS:
		return v / 1000000;
	default:
		return v;
	}
}

/* The unit a refusal names ("... use --ts-unit X"), or -1. */
static int
named_unit(const char *why)
{
	const char *p = strstr(why, "; use --ts-unit ");

	return p == NULL ? -1 : tick_ts_unit_parse(p + 16);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	struct tick	 t;
	char		 why[TICK_WHYSZ];
	int64_t		 v, iso, ms[TICK_TS_UNIT__MAX];
	__int128	 want;
	int		 u, ok[TICK_TS_UNIT__MAX], named[TICK_TS_UNIT__MAX];
	int		 is_int, is_iso, taker = -1;

	check_parse_ts(s, size);
	is_int = valid_int64(s, size, INT64_MIN, INT64_MAX, &v) == 0;
	is_iso = time_parse_iso8601(s, size, &iso) == 0;
	for (u = 0; u < TICK_TS_UNIT__MAX; u++) {
		tick_reset(&t);
		why[0] = '\0';
		if (tick_set_field(&t, TICK_SYMBOL, "A", 1, why) != 0 ||
		    tick_set_field(&t, TICK_PRICE, "1", 1, why) != 0)
			abort();
		ok[u] = tick_set_field(&t, TICK_TS, s, size, why) == 0 &&
		    tick_finish(&t, (enum tick_ts_unit)u, why) == 0;
		ms[u] = t.ts;
		named[u] = ok[u] ? -1 : named_unit(why);
		if (!ok[u] && strncmp(why, "ts: ", 4) != 0)
			abort();
		if (!is_int && !is_iso && (ok[u] || strcmp(why, NOT_A_TIME)))
			abort();
		if (is_iso && (!ok[u] || ms[u] != iso))
			abort();
		if (is_int) {
			want = oracle_ms(v, u);
			if (ok[u] != (v >= 0 && want >= TICK_TS_FLOOR &&
			    want <= TS_MAX) || (ok[u] && ms[u] != want))
				abort();
			if (ok[u] && taker != -1)
				abort();	/* two units fit */
			if (ok[u])
				taker = u;
		}
	}
	for (u = 0; is_int && u < TICK_TS_UNIT__MAX; u++)
		if (!ok[u] && named[u] != taker)
			abort();
	return 0;
}

/*
 * Fuzzes the stream entry parser (ingest/entry.c), the one reader of
 * bytes from Redis.  The input is NUL-separated: the stream ID, then
 * field name and value pairs (at most 16, as replicate takes).  Checks
 * the contract, not just "no crash": an accepted entry keeps the rules
 * of entry.h (ids implicit and counted, prune within the cursor, every
 * tick's symbol listed, the zone a name), and writing it out and reading
 * it back gives the same bytes again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

#define FUZZ_KV_MAX	16

static struct entry	e, back;

static void
fuzz_check(void)
{
	struct buf	val[ENTRY_F__MAX], again[ENTRY_F__MAX];
	struct entry_kv	kv[ENTRY_F__MAX];
	char		why[ENTRY_WHYSZ], id[ENTRY_ID_BUFSZ];
	size_t		i;
	int		f;

	if (entry_id_cmp(e.prev, e.id) >= 0 || e.prune_id > e.id.ms ||
	    e.nticks > ENTRY_TICKS_MAX || e.nsyms > e.nticks ||
	    (e.nticks > 0 && (e.id.seq != 0 ||
	    e.id.ms - e.prev.ms != (int64_t)e.nticks)) ||
	    (e.nticks == 0 && e.id.ms != e.prev.ms) || !tzcal_name_ok(e.tz))
		abort();
	for (i = 0; i < e.nticks; i++)
		if (entry_sym(&e, e.ticks[i].sid) == NULL)
			abort();
	memset(val, 0, sizeof(val));
	memset(again, 0, sizeof(again));
	if (entry_encode(&e, val) == -1)
		abort();
	for (f = 0; f < ENTRY_F__MAX; f++)
		kv[f] = (struct entry_kv){ entry_field_names[f],
		    val[f].len ? val[f].p : "", strlen(entry_field_names[f]),
		    val[f].len };
	entry_id_format(e.id, id);
	if (entry_parse(&back, id, strlen(id), kv, ENTRY_F__MAX, why) != 0 ||
	    entry_encode(&back, again) == -1)
		abort();
	for (f = 0; f < ENTRY_F__MAX; f++)
		if (val[f].len != again[f].len || (val[f].len &&
		    memcmp(val[f].p, again[f].p, val[f].len) != 0))
			abort();
	for (f = 0; f < ENTRY_F__MAX; f++) {
		buf_free(&val[f]);
		buf_free(&again[f]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *z;
	const char	*part[1 + 2 * FUZZ_KV_MAX];
	size_t		 len[1 + 2 * FUZZ_KV_MAX], n = 0, i;
	struct entry_kv	 kv[FUZZ_KV_MAX];
	char		 why[ENTRY_WHYSZ];

	while (n < 1 + 2 * FUZZ_KV_MAX) {
		z = memchr(p, '\0', (size_t)(end - p));
		part[n] = p;
		len[n++] = (size_t)((z ? z : end) - p);
		if (z == NULL)
			break;
		p = z + 1;
	}
	if (n % 2 == 0)
		n--;		/* a name without its value */
	for (i = 1; i < n; i += 2)
		kv[i / 2] = (struct entry_kv){ part[i], part[i + 1], len[i],
		    len[i + 1] };
	why[0] = '\0';
	if (entry_parse(&e, part[0], len[0], kv, n / 2, why) == 0)
		fuzz_check();
	else if (why[0] == '\0' || strlen(why) >= ENTRY_WHYSZ)
		abort();
	return 0;
}

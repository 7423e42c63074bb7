/*
 * Fuzzes what clients send the waiting endpoints besides the query
 * string's own parser: cursors (Last-Event-ID carries any bytes a client
 * likes) and symbol lists as the watcher takes them.  Input starting with
 * byte 0x01 is a symbol list, anything else a cursor.  Checks the
 * contracts, not just "no crash": an accepted cursor prints back to the
 * same bytes; an accepted list is sorted, without repeats, every name a
 * valid symbol, and parses again to the same set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wait.h"
#include "watch.h"

static void
fuzz_cursor(const char *s, size_t n)
{
	long long	v;
	char		buf[32];

	if (wait_cursor_parse(s, n, &v) != 0)
		return;
	if (v < 0 || (size_t)snprintf(buf, sizeof(buf), "%lld", v) != n ||
	    memcmp(buf, s, n) != 0)
		abort();
}

static void
fuzz_syms(const char *s, size_t n)
{
	struct watch_syms	a, b;
	char			csv[WATCH_SYMS_MAX * (SYMBOL_MAX + 1) + 1];
	size_t			i, off = 0;

	if (watch_syms_parse(&a, s, n) != 0)
		return;
	for (i = 0; i < a.n; i++) {
		if (valid_symbol(a.name[i], strlen(a.name[i])) != 0 ||
		    (i > 0 && strcmp(a.name[i - 1], a.name[i]) >= 0))
			abort();
		off += (size_t)snprintf(csv + off, sizeof(csv) - off, "%s%s",
		    i ? "," : "", a.name[i]);
	}
	if (watch_syms_parse(&b, csv, off) != 0 ||
	    watch_syms_cmp(&a, &b) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 1)
		fuzz_syms((const char *)data + 1, size - 1);
	else
		fuzz_cursor((const char *)data, size);
	return 0;
}

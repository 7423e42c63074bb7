/*
 * Fuzzes what clients send the waiting endpoints besides the query
 * string's own parser: cursors (Last-Event-ID carries any bytes a client
 * likes) and symbol lists (symset_parse).  Input starting with byte 0x01
 * is a symbol list, anything else a cursor.  Checks the contracts, not
 * just "no crash": an accepted cursor prints back to the same bytes; an
 * accepted list holds 1..64 valid names without repeats, prints back to
 * the same bytes, and sorts to as many names in strict order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "symset.h"

static void
fuzz_cursor(const char *s, size_t n)
{
	long long	v;
	char		buf[32];

	if (param_cursor(s, n, &v) != 0)
		return;
	if (v < 0 || (size_t)snprintf(buf, sizeof(buf), "%lld", v) != n ||
	    memcmp(buf, s, n) != 0)
		abort();
}

static void
fuzz_syms(const char *s, size_t n)
{
	struct symset	a, b;
	char		csv[SYMSET_MAX * (SYMBOL_MAX + 1) + 1];
	size_t		i, j, off = 0;

	if (symset_parse(&a, s, n) != SYMSET_OK)
		return;
	if (a.n == 0 || a.n > SYMSET_MAX)
		abort();
	for (i = 0; i < a.n; i++) {
		if (valid_symbol(a.name[i], strlen(a.name[i])) != 0)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(a.name[j], a.name[i]) == 0)
				abort();
		off += (size_t)snprintf(csv + off, sizeof(csv) - off, "%s%s",
		    i ? "," : "", a.name[i]);
	}
	if (off != n || memcmp(csv, s, n) != 0 ||
	    symset_parse(&b, csv, off) != SYMSET_OK || symset_cmp(&a, &b) != 0)
		abort();
	symset_sort(&b);
	for (i = 1; i < b.n; i++)
		if (strcmp(b.name[i - 1], b.name[i]) >= 0)
			abort();
	if (b.n != a.n)
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

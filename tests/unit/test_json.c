/*
 * jsonw.c: the exact JSON writer: separators, escapes, integers at their
 * limits, prices with the symbol's decimals, and the allocation-failure
 * latch (every allocation failed in turn: NULL, never a partial answer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "price.h"
#include "tap.h"

static char *
build_sample(struct buf *jw, size_t *len)
{
	struct tick t = { 1001, "BRK.A", 1704240000123LL, 54700000000000LL, 1,
	    0 };

	jw_obj_open(jw);
	jw_kv_int(jw, "cursor", 1234);
	jw_key(jw, "ticks");
	jw_arr_open(jw);
	jw_tick(jw, &t);
	t.symbol = NULL;
	t.price = 10123000000LL;
	t.decimals = 2;
	jw_tick(jw, &t);
	jw_arr_close(jw);
	jw_key(jw, "more");
	jw_bool(jw, 0);
	jw_key(jw, "none");
	jw_null(jw);
	jw_obj_close(jw);
	return buf_take(jw, len);
}

static void
test_structure(void)
{
	struct buf	 jw;
	char		*s;
	size_t		 len = 0;

	buf_init(&jw);
	s = build_sample(&jw, &len);
	tap_is_str(s, "{\"cursor\":1234,\"ticks\":[{\"id\":1001,\"symbol\":"
	    "\"BRK.A\",\"ts\":1704240000123,\"price\":547000,\"size\":1},"
	    "{\"id\":1001,\"ts\":1704240000123,\"price\":101.23,\"size\":1}],"
	    "\"more\":false,\"none\":null}", "nested object, arrays, commas");
	tap_is_int(len, s ? strlen(s) : 0, "length reported");
	free(s);
	buf_init(&jw);
	jw_arr_open(&jw);
	jw_arr_open(&jw);
	jw_arr_close(&jw);
	jw_obj_open(&jw);
	jw_obj_close(&jw);
	jw_int(&jw, 0);
	jw_arr_close(&jw);
	s = buf_take(&jw, &len);
	tap_is_str(s, "[[],{},0]", "empty containers in an array");
	free(s);
}

static void
test_values(void)
{
	struct buf	 jw;
	char		*s;
	size_t		 len;

	buf_init(&jw);
	jw_arr_open(&jw);
	jw_int(&jw, INT64_MIN);
	jw_int(&jw, INT64_MAX);
	jw_int(&jw, -1);
	jw_price(&jw, 10000000LL, 2);		/* 0.1 */
	jw_price(&jw, -10123000000LL, 2);
	jw_price(&jw, 109498000LL, 5);
	jw_price(&jw, 12345678LL, 2);		/* needs all 8 */
	jw_cents(&jw, 65);
	jw_cents(&jw, -120);
	jw_cents(&jw, 0);
	jw_arr_close(&jw);
	s = buf_take(&jw, &len);
	tap_is_str(s, "[-9223372036854775808,9223372036854775807,-1,0.10,"
	    "-101.23,1.09498,0.12345678,0.65,-1.20,0.00]",
	    "integers at their limits, exact prices and percentages");
	free(s);
}

static void
test_escapes(void)
{
	struct buf	 jw;
	char		*s;
	size_t		 len;

	buf_init(&jw);
	jw_obj_open(&jw);
	jw_kv_strz(&jw, "k\"", "a\"b\\c\n\t\x01/\xc3\xa9");
	jw_key(&jw, "nul");
	jw_str(&jw, "a\0b", 3);
	jw_obj_close(&jw);
	s = buf_take(&jw, &len);
	tap_is_str(s, "{\"k\\\"\":\"a\\\"b\\\\c\\u000a\\u0009\\u0001/\xc3\xa9\","
	    "\"nul\":\"a\\u0000b\"}", "RFC 8259 escapes, UTF-8 passes through");
	free(s);
}

static int fail_after;

static void *
failing_realloc(void *p, size_t n)
{
	if (fail_after-- <= 0)
		return NULL;
	return realloc(p, n);
}

/* Fails the 1st, 2nd, ... allocation until a build needs none more. */
static void
test_alloc_failures(void)
{
	struct buf	 jw;
	char		*s;
	size_t		 len;
	int		 n, failed = 0;

	for (n = 0; n < 64; n++) {
		fail_after = n;
		buf_set_alloc(failing_realloc);
		buf_init(&jw);
		s = build_sample(&jw, &len);
		buf_set_alloc(NULL);
		if (s != NULL) {
			tap_ok(strncmp(s, "{\"cursor\":1234,", 15) == 0,
			    "with %d allocations allowed: the whole answer", n);
			free(s);
			break;
		}
		failed++;
	}
	tap_ok(failed >= 1, "at least one allocation failure seen (%d)", failed);
	tap_ok(n < 64, "an allocation budget that suffices was found (%d)", n);
	buf_init(&jw);
	fail_after = 0;
	buf_set_alloc(failing_realloc);
	buf_addz(&jw, "x");
	buf_set_alloc(NULL);
	buf_addz(&jw, "y");
	tap_ok(jw.oom, "a failure latches: later writes do nothing");
	tap_ok(buf_take(&jw, &len) == NULL, "and the result is NULL");
}

int
main(void)
{
	test_structure();
	test_values();
	test_escapes();
	test_alloc_failures();
	return tap_done();
}

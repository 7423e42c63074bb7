/*
 * Symbol sets (cgi-bin/symset.c): the one parser of symbols= lists, at
 * every boundary, and the sorted form the waiting machinery matches and
 * groups by.
 */
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "symset.h"
#include "tap.h"

static enum symset_err
parse(struct symset *s, const char *csv)
{
	return symset_parse(s, csv, strlen(csv));
}

static void
test_parse(void)
{
	struct symset	a;
	char		many[64 * 4 + 8];
	int		i;

	tap_is_int(parse(&a, "MSFT,AAPL"), SYMSET_OK, "two symbols");
	tap_is_int((int)a.n, 2, "two stored");
	tap_is_str(a.name[0], "MSFT", "in the order given: MSFT first");
	tap_is_str(a.name[1], "AAPL", "AAPL second");
	tap_is_int(parse(&a, "MSFT,AAPL,MSFT"), SYMSET_REPEATED,
	    "a repeat is refused");
	tap_is_int(parse(&a, "AB,A"), SYMSET_OK,
	    "a symbol that is a prefix of another is not a repeat");
	tap_is_int(parse(&a, "AAPL,"), SYMSET_BAD_NAME, "trailing comma");
	tap_is_int(parse(&a, ",AAPL"), SYMSET_BAD_NAME, "leading comma");
	tap_is_int(parse(&a, "A,,B"), SYMSET_BAD_NAME, "empty item");
	tap_is_int(parse(&a, ""), SYMSET_BAD_NAME, "empty list");
	tap_is_int(parse(&a, "aapl"), SYMSET_BAD_NAME, "lower case");
	tap_is_int(parse(&a, "ABCDEFGHIJKLMNOPQ"), SYMSET_BAD_NAME,
	    "17 characters");
	tap_is_int(parse(&a, "ABCDEFGHIJKLMNOP"), SYMSET_OK, "16 characters");
	tap_is_int(symset_parse(&a, "AAPL,MSFT", 4), SYMSET_OK,
	    "only len bytes are read");
	tap_is_int((int)a.n, 1, "one symbol within len");
	many[0] = '\0';
	for (i = 0; i < 64; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "%sS%02d", i ? "," : "", i);
	tap_is_int(parse(&a, many), SYMSET_OK, "64 symbols");
	tap_is_int((int)a.n, SYMSET_MAX, "64 stored");
	strcat(many, ",S99");
	tap_is_int(parse(&a, many), SYMSET_TOO_MANY, "65 symbols");
}

static void
test_sorted(void)
{
	struct symset	a, b, all = { 0 };

	parse(&a, "MSFT,AAPL");
	symset_sort(&a);
	tap_is_str(a.name[0], "AAPL", "sorted: AAPL first");
	tap_is_str(a.name[1], "MSFT", "sorted: MSFT second");
	tap_ok(symset_has(&a, "MSFT") && !symset_has(&a, "IBM"),
	    "membership");
	parse(&b, "AAPL,MSFT");
	symset_sort(&b);
	tap_is_int(symset_cmp(&a, &b), 0, "same set, other order: equal");
	tap_is_int(symset_hash(HASH32_INIT, &a), symset_hash(HASH32_INIT, &b),
	    "equal sets hash alike");
	tap_ok(symset_has(&all, "ANY"), "the empty set is every symbol");
	tap_ok(symset_cmp(&a, &all) != 0, "every symbol differs from a list");
	memcpy(a.name[2], "AAPL", 5);	/* a set made by hand, with a repeat */
	a.n = 3;
	symset_sort(&a);
	tap_is_int((int)a.n, 2, "sorting folds repeats");
}

int
main(void)
{
	test_parse();
	test_sorted();
	return tap_done();
}

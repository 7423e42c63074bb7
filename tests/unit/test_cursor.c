/*
 * Cursors as clients send them (since=, last_event_id=, Last-Event-ID):
 * digits only, 0..INT64_MAX, every length boundary.
 */
#include <string.h>

#include "params.h"
#include "tap.h"

static void
check(const char *s, int want_rc, long long want, const char *what)
{
	long long	v = -7;
	int		rc = param_cursor(s, strlen(s), &v);

	tap_is_int(rc, want_rc, "%s: rc", what);
	tap_is_int(v, want_rc == 0 ? want : -7, "%s: value", what);
}

int
main(void)
{
	check("0", 0, 0, "zero");
	check("1", 0, 1, "one");
	check("1795858200123", 0, 1795858200123LL, "a big id");
	check("9223372036854775807", 0, 9223372036854775807LL, "INT64_MAX");
	check("9223372036854775808", -1, 0, "INT64_MAX + 1");
	check("99999999999999999999", -1, 0, "20 digits");
	check("", -1, 0, "empty");
	check("-1", -1, 0, "negative");
	check("+1", -1, 0, "plus sign");
	check(" 1", -1, 0, "leading space");
	check("1 ", -1, 0, "trailing space");
	check("01", -1, 0, "leading zero");
	check("1x", -1, 0, "trailing garbage");
	check("0x10", -1, 0, "hex");
	check("1e3", -1, 0, "exponent");
	tap_is_int(param_cursor("12345", 3, &(long long){ 0 }), 0,
	    "only len bytes are read");
	return tap_done();
}

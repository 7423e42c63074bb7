/*
 * qs.c: splitting and decoding query strings (liburiparser) and the raw
 * checks before it, at every length boundary.
 */
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "tap.h"

struct seen {
	int	n;
	char	out[4096];
};

/* Records "key=value;" (value "(null)" when there was no '='). */
static enum http_status
record(void *arg, const char *key, const char *value, size_t vlen,
    struct param_error *err)
{
	struct seen	*s = arg;
	size_t		 used = strlen(s->out);

	(void)err;
	s->n++;
	snprintf(s->out + used, sizeof(s->out) - used, "%s=%s(%zu);", key,
	    value ? value : "(null)", vlen);
	return HTTP_OK;
}

static enum http_status
run(const char *q, struct seen *s, struct param_error *err)
{
	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	return qs_each(q, record, s, err);
}

static void
check_ok(const char *q, int n, const char *want, const char *what)
{
	struct seen		s;
	struct param_error	err;

	tap_is_int(run(q, &s, &err), HTTP_OK, "%s: accepted", what);
	tap_is_int(s.n, n, "%s: %d pairs", what, n);
	tap_is_str(s.out, want, "%s: decoded", what);
}

static void
check_bad(const char *q, enum http_status st, const char *code,
    const char *msg, const char *what)
{
	struct seen		s;
	struct param_error	err;

	tap_is_int(run(q, &s, &err), st, "%s: status", what);
	tap_is_str(err.code, code, "%s: code", what);
	tap_is_str(err.msg, msg, "%s: message", what);
	tap_is_int(s.n, 0, "%s: no pair reached the validators", what);
}

int
main(void)
{
	char q[QS_MAX + 2];

	check_ok("", 0, "", "empty query");
	check_ok("a=1&b=2", 2, "a=1(1);b=2(1);", "two pairs in order");
	check_ok("a", 1, "a=(null)(0);", "key without '='");
	check_ok("a=", 1, "a=(0);", "empty value");
	check_ok("a=1&&b=2&", 2, "a=1(1);b=2(1);", "empty pairs skipped");
	check_ok("s=A%2CB", 1, "s=A,B(3);", "%2C decodes to a comma");
	check_ok("s=%41%61", 1, "s=Aa(2);", "hex digits of both cases");
	check_ok("s=A+B", 1, "s=A B(3);", "'+' is a space");
	check_ok("%73=1", 1, "s=1(1);", "keys are decoded too");
	check_ok("s=%C3%A9", 1, "s=\xc3\xa9(2);", "escaped UTF-8 passes to the validators");

	check_bad("s=%", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 2", "lone % at the end");
	check_bad("s=%4", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 2", "% with one digit at the end");
	check_bad("s=%4g", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 2", "% with a non-hex digit");
	check_bad("s=%00", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 2", "%00");
	check_bad("s=a b", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 3", "raw space");
	check_bad("s=\x7f", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 2", "raw DEL");
	check_bad("\x80", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 0", "raw high byte first");
	check_bad("s=\t", HTTP_BAD_REQUEST, "bad_encoding",
	    "malformed query string at byte 2", "raw tab");

	/* Length: QS_MAX bytes pass, one more is 414. */
	memset(q, 'a', QS_MAX);
	q[0] = 's';
	q[1] = '=';
	q[QS_MAX] = '\0';
	{
		struct seen		s;
		struct param_error	err;

		tap_is_int(run(q, &s, &err), HTTP_OK, "%d bytes accepted",
		    QS_MAX);
		tap_is_int(strlen(s.out), 2 + (QS_MAX - 2) + strlen("(2046);"),
		    "the whole value reached the validator");
	}
	q[QS_MAX] = 'a';
	q[QS_MAX + 1] = '\0';
	check_bad(q, HTTP_URI_TOO_LONG, "uri_too_long",
	    "query string longer than 2048 bytes", "QS_MAX + 1 bytes");
	return tap_done();
}

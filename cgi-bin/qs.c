/*
 * Query-string splitting and decoding.  liburiparser does the decoding
 * (uriDissectQueryMallocExA: '&' separates pairs, '+' is a space, %XX is
 * unescaped); it leaves a malformed escape as it is, so the raw string is
 * checked first: every '%' must start %XX, %00 is refused (it would cut a
 * C string), and only printable ASCII may appear unescaped.
 */
#include <stdio.h>
#include <string.h>
#include <uriparser/Uri.h>

#include "params.h"

static int
qs_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* HTTP_OK when the raw query is well-formed, else 400 or 414. */
static enum http_status
qs_check_raw(const char *q, size_t len, struct param_error *err)
{
	size_t i;

	if (len > QS_MAX) {
		err->code = "uri_too_long";
		snprintf(err->msg, sizeof(err->msg),
		    "query string longer than %d bytes", QS_MAX);
		return HTTP_URI_TOO_LONG;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)q[i] <= 0x20 || (unsigned char)q[i] >= 0x7f)
			goto bad;
		if (q[i] != '%')
			continue;
		if (len - i < 3)
			goto bad;
		if (!qs_hex(q[i + 1]) || !qs_hex(q[i + 2]))
			goto bad;
		if (q[i + 1] == '0' && q[i + 2] == '0')
			goto bad;
		i += 2;
	}
	return HTTP_OK;
bad:
	err->code = "bad_encoding";
	snprintf(err->msg, sizeof(err->msg),
	    "malformed query string at byte %zu", i);
	return HTTP_BAD_REQUEST;
}

enum http_status
qs_each(const char *query, qs_fn fn, void *arg, struct param_error *err)
{
	UriQueryListA		*list = NULL, *it;
	int			 count;
	size_t			 len = strlen(query);
	enum http_status	 st;

	if ((st = qs_check_raw(query, len, err)) != HTTP_OK || len == 0)
		return st;
	if (uriDissectQueryMallocExA(&list, &count, query, query + len,
	    URI_TRUE, URI_BR_DONT_TOUCH) != URI_SUCCESS) {
		err->code = "out_of_memory";
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return HTTP_UNAVAILABLE;
	}
	for (it = list; it != NULL; it = it->next) {
		st = fn(arg, it->key, it->value,
		    it->value ? strlen(it->value) : 0, err);
		if (st != HTTP_OK)
			break;
	}
	uriFreeQueryListA(list);
	return st;
}

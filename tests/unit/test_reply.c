/*
 * reply.c: ETags (FNV-1a of the body), If-None-Match matching (RFC 9110
 * 13.1.2, weak comparison), status lines, and the exact head of an answer.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "req.h"
#include "reply.h"
#include "tap.h"

static void
test_etag(void)
{
	char e[ETAG_SZ];

	etag_of("", 0, e);
	tap_is_str(e, "\"cbf29ce484222325\"", "FNV-1a 64 offset basis for ''");
	etag_of("a", 1, e);
	tap_is_str(e, "\"af63dc4c8601ec8c\"", "FNV-1a 64 of 'a'");
	tap_ok(etag_matches("\"af63dc4c8601ec8c\"", e), "exact tag");
	tap_ok(etag_matches("W/\"af63dc4c8601ec8c\"", e), "weak form matches");
	tap_ok(etag_matches("\"x\", \"af63dc4c8601ec8c\"", e), "in a list");
	tap_ok(etag_matches("\"x\",\t\"af63dc4c8601ec8c\" ", e), "tabs, spaces");
	tap_ok(etag_matches("*", e), "* matches any");
	tap_ok(!etag_matches("\"af63dc4c8601ec8d\"", e), "other tag");
	tap_ok(!etag_matches("af63dc4c8601ec8c", e), "unquoted is another tag");
	tap_ok(!etag_matches("\"af63dc4c8601ec8c", e), "unterminated");
	tap_ok(!etag_matches("", e), "empty header");
	tap_ok(!etag_matches(NULL, e), "no header");
	tap_ok(!etag_matches("*", ""), "no tag: nothing matches, not even *");
	tap_ok(!etag_matches(",,,", e), "commas only");
}

static void
test_statuses(void)
{
	static const struct {
		enum http_status	st;
		int			code;
	} want[] = {
		{ HTTP_OK, 200 }, { HTTP_NO_CONTENT, 204 },
		{ HTTP_NOT_MODIFIED, 304 }, { HTTP_BAD_REQUEST, 400 },
		{ HTTP_NOT_FOUND, 404 }, { HTTP_METHOD_NOT_ALLOWED, 405 },
		{ HTTP_GONE, 410 }, { HTTP_PAYLOAD_TOO_LARGE, 413 },
		{ HTTP_URI_TOO_LONG, 414 }, { HTTP_INTERNAL_ERROR, 500 },
		{ HTTP_UNAVAILABLE, 503 },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		tap_is_int(http_status_code(want[i].st), want[i].code,
		    "status %d: %s", want[i].code,
		    http_status_reason(want[i].st));
	tap_is_int(http_status_code(HTTP_STATUS__MAX), 500, "out of range: 500");
}

static void
test_answer(void)
{
	struct answer	 a;
	char		*body = strdup("{\"x\":1}");

	strcpy(cfg.cors_origin, "https://charts.example.org");
	tap_is_int(answer_build(&a, "application/json", CACHE_REVALIDATE, body,
	    7), 0, "answer built");
	tap_is_int(a.len - a.head_len, 7, "body length");
	tap_ok(a.len >= a.head_len && memcmp(a.bytes + a.head_len, "{\"x\":1}",
	    7) == 0, "body after the head");
	a.bytes[a.head_len] = '\0';
	tap_is_str(a.bytes, "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\nContent-Length: 7\r\n"
	    "X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\n"
	    "ETag: \"bdd3d53c3a0b3fd6\"\r\n"
	    "Access-Control-Allow-Origin: https://charts.example.org\r\n"
	    "Access-Control-Expose-Headers: ETag\r\n\r\n", "exact head");
	tap_is_str(a.etag, "\"bdd3d53c3a0b3fd6\"", "ETag kept beside the bytes");
	answer_free(&a);
	body = strdup("{}");
	tap_is_int(answer_build(&a, "text/plain", CACHE_NONE, body, 2), 0,
	    "uncached answer built");
	tap_is_str(a.etag, "", "no-store answers carry no ETag");
	tap_ok(memmem(a.bytes, a.head_len, "\r\nETag:", 7) == NULL,
	    "and no ETag header");
	answer_free(&a);
}

int
main(void)
{
	test_etag();
	test_statuses();
	test_answer();
	return tap_done();
}

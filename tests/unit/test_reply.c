/*
 * reply.c: ETags (FNV-1a of the body), If-None-Match matching (RFC 9110
 * 13.1.2, weak comparison), status lines, the exact head of an answer,
 * Accept-Encoding (RFC 9110 12.5.3) at its boundaries, and the gzipped
 * form of an answer: its exact head, its bytes inflating to the body.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

static void
test_accept(void)
{
	static const struct {
		const char	*ae;
		int		 want;
	} c[] = {
		{ "gzip", 1 }, { "GZIP", 1 }, { "x-gzip", 1 }, { "X-Gzip", 1 },
		{ "gzip, deflate, br", 1 }, { "br,gzip", 1 }, { " gzip ", 1 },
		{ "gzip;q=1", 1 }, { "gzip;q=1.000", 1 }, { "gzip; q=0.001", 1 },
		{ "gzip ;\tQ=0.5", 1 }, { "gzip;q=1.", 1 }, { "*", 1 },
		{ "deflate, *;q=0.1", 1 }, { "*;q=0, gzip", 1 },
		{ "gzip;q=0, gzip", 1 },
		{ NULL, 0 }, { "", 0 }, { "identity", 0 }, { "deflate, br", 0 },
		{ "gzip;q=0", 0 }, { "gzip;q=0.000", 0 }, { "gzip;q=0.", 0 },
		{ "gzip;q=0, *", 0 }, { "*;q=0", 0 }, { "gzipx", 0 },
		{ "xgzip", 0 }, { "gzi", 0 }, { "gzip;q=", 0 },
		{ "gzip;q=1.5", 0 }, { "gzip;q=2", 0 }, { "gzip;q=0.0001", 0 },
		{ "gzip;q=-1", 0 }, { "gzip;level=1", 0 }, { "gzip;q=1.001", 0 },
		{ "g zip", 0 }, { ",,,", 0 }, { ";q=1", 0 }, { "gzip;", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		tap_is_int(accept_gzip(c[i].ae), c[i].want,
		    "Accept-Encoding: %s%s%s", c[i].ae ? "'" : "",
		    c[i].ae ? c[i].ae : "(none)", c[i].ae ? "'" : "");
}

static void
test_gzip(void)
{
	static const char row[] = "{\"t\":1704240000000,\"open\":189.10},";
	struct answer	 a;
	char		 body[600], back[700];
	uLongf		 n = sizeof(back);
	z_stream	 z;
	size_t		 i;
	int		 ok;

	for (i = 0; i < sizeof(body); i++)
		body[i] = row[i % (sizeof(row) - 1)];
	tap_is_int(answer_build(&a, "application/json", CACHE_REVALIDATE,
	    memcpy(malloc(sizeof(body)), body, sizeof(body)), sizeof(body)), 0,
	    "a 600-byte answer built");
	if (!tap_ok(a.gz != NULL && a.gz_len - a.gz_head_len < sizeof(body),
	    "with a smaller gzipped form"))
		return;
	tap_ok(memmem(a.bytes, a.head_len, "\r\nVary: Accept-Encoding\r\n",
	    25) != NULL, "the plain one says Vary");
	a.gz[a.gz_head_len - 1] = '\0';
	tap_ok(strstr(a.gz, "\r\nETag: W/\"") != NULL &&
	    strstr(a.gz, "\r\nContent-Encoding: gzip\r\nVary: "
	    "Accept-Encoding\r\n") != NULL, "gzip head: weak ETag, encoding, Vary");
	a.gz[a.gz_head_len - 1] = '\n';
	memset(&z, 0, sizeof(z));
	ok = inflateInit2(&z, 15 + 16) == Z_OK;
	z.next_in = (Bytef *)a.gz + a.gz_head_len;
	z.avail_in = (uInt)(a.gz_len - a.gz_head_len);
	z.next_out = (Bytef *)back;
	z.avail_out = (uInt)n;
	ok = ok && inflate(&z, Z_FINISH) == Z_STREAM_END &&
	    z.total_out == sizeof(body) && memcmp(back, body, sizeof(body)) == 0;
	inflateEnd(&z);
	tap_ok(ok, "inflates to the very body");
	answer_free(&a);
	tap_is_int(answer_build(&a, "application/json", CACHE_REVALIDATE,
	    strdup("{\"cursor\":1}"), 12), 0, "a 12-byte answer built");
	tap_ok(a.gz == NULL && memmem(a.bytes, a.head_len, "Vary", 4) == NULL,
	    "under GZIP_MIN: no gzipped form, no Vary");
	answer_free(&a);
	tap_is_int(answer_build(&a, "application/json", CACHE_NONE,
	    memcpy(malloc(sizeof(body)), body, sizeof(body)), sizeof(body)), 0,
	    "an uncached 600-byte answer built");
	tap_ok(a.gz == NULL, "no-store answers are not gzipped by the app");
	answer_free(&a);
}

int
main(void)
{
	test_etag();
	test_statuses();
	test_answer();
	test_accept();
	test_gzip();
	return tap_done();
}

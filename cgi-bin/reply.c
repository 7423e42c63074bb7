#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include <zlib.h>

#include "config.h"
#include "hash.h"
#include "log.h"
#include "req.h"
#include "reply.h"

#define HEAD_MAX	1024	/* our heads are a few hundred bytes */
#define REPLY_PREFLIGHT(more)						\
	"Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"		\
	"Access-Control-Allow-Headers: If-None-Match, Last-Event-ID, "	\
	"Cache-Control" more "\r\nAccess-Control-Max-Age: 86400\r\n"
/* RFC 9110 11.6.1, RFC 6750 3: on every 401 (API keys, auth.h). */
#define REPLY_WWW_AUTH	"WWW-Authenticate: Bearer realm=\"tickfeed\"\r\n"
#define REPLY_OOM_BODY	\
	"{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\"}}"

static const char *const cache_controls[CACHE_POLICY__MAX] = {
	[CACHE_REVALIDATE] = "no-cache",
	[CACHE_NONE] = "no-store",
};

void
etag_of(const char *body, size_t len, char out[ETAG_SZ])
{
	uint64_t h = hash64(HASH64_INIT, body, len);

	snprintf(out, ETAG_SZ, "\"%016llx\"", (unsigned long long)h);
}

/* Compares one list member (spaces trimmed, W/ dropped) with etag. */
static int
etag_member(const char *s, size_t n, const char *etag)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == 'W' && s[1] == '/')
		s += 2, n -= 2;
	if (n == 1 && *s == '*')
		return 1;
	return n == strlen(etag) && memcmp(s, etag, n) == 0;
}

int
etag_matches(const char *inm, const char *etag)
{
	const char *comma;

	if (inm == NULL || etag[0] == '\0')
		return 0;
	for (;; inm = comma + 1) {
		if ((comma = strchr(inm, ',')) == NULL)
			return etag_member(inm, strlen(inm), etag);
		if (etag_member(inm, (size_t)(comma - inm), etag))
			return 1;
	}
}

/* A weight of 0: "0", "0.", "0.0" .. "0.000" (RFC 9110 12.4.2). */
static int
accept_q_zero(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || v[0] != '0' || n > 5 || (n > 1 && v[1] != '.'))
		return 0;
	for (i = 2; i < n; i++)
		if (v[i] != '0')
			return 0;
	return 1;
}

/* A weight above 0: "1" .. "1.000", or "0.d" .. "0.ddd" not all zero. */
static int
accept_q_some(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > 5 || (v[0] != '0' && v[0] != '1') ||
	    (n > 1 && v[1] != '.'))
		return 0;
	for (i = 2; i < n; i++)
		if (v[i] < '0' || v[i] > (v[0] == '1' ? '0' : '9'))
			return 0;
	return !accept_q_zero(v, n);
}

/*
 * One member, s[0..n): its coding's name in *name and *nlen, and whether
 * its weight allows it: 1 yes, 0 no (q=0), -1 malformed.
 */
static int
accept_member(const char *s, size_t n, const char **name, size_t *nlen)
{
	const char	*semi, *v;
	size_t		 k;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	semi = memchr(s, ';', n);
	k = semi != NULL ? (size_t)(semi - s) : n;
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	*name = s;
	*nlen = k;
	if (semi == NULL)
		return 1;
	v = semi + 1;
	n -= (size_t)(v - s);
	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	if (n < 2 || (v[0] != 'q' && v[0] != 'Q') || v[1] != '=')
		return -1;
	if (accept_q_zero(v + 2, n - 2))
		return 0;
	return accept_q_some(v + 2, n - 2) ? 1 : -1;
}

static int
accept_is(const char *name, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(name, word, n) == 0;
}

int
accept_gzip(const char *ae)
{
	const char	*comma, *name;
	size_t		 n, nlen;
	int		 ok, gzip = -1, star = -1;

	if (ae == NULL)
		return 0;
	for (;; ae = comma + 1) {
		comma = strchr(ae, ',');
		n = comma != NULL ? (size_t)(comma - ae) : strlen(ae);
		ok = accept_member(ae, n, &name, &nlen);
		if (accept_is(name, nlen, "gzip") ||
		    accept_is(name, nlen, "x-gzip"))
			gzip = ok == 1 ? 1 : gzip == 1 ? 1 : 0;
		else if (accept_is(name, nlen, "*"))
			star = ok == 1 ? 1 : star == 1 ? 1 : 0;
		if (comma == NULL)
			break;
	}
	return gzip != -1 ? gzip : star == 1;
}

/* Writes a head into buf[HEAD_MAX]; returns its length (0 if it overflowed). */
static size_t
reply_head(char *buf, enum http_status st, const char *ctype, size_t clen,
    enum cache_policy cp, const char *etag, const char *extra)
{
	int n;

	n = snprintf(buf, HEAD_MAX, "Status: %d %s\r\n", http_status_code(st),
	    http_status_reason(st));
	if (ctype != NULL)
		n += snprintf(buf + n, HEAD_MAX - (size_t)n, "Content-Type: %s"
		    "\r\nContent-Length: %zu\r\nX-Content-Type-Options: "
		    "nosniff\r\n", ctype, clen);
	n += snprintf(buf + n, HEAD_MAX - (size_t)n, "Cache-Control: %s\r\n"
	    "%s%s%sAccess-Control-Allow-Origin: %s\r\n"
	    "Access-Control-Expose-Headers: ETag\r\n%s\r\n",
	    cache_controls[cp], etag[0] ? "ETag: " : "", etag,
	    etag[0] ? "\r\n" : "", cfg.cors_origin, extra);
	return n > 0 && n < HEAD_MAX ? (size_t)n : 0;
}

#define VARY_AE		"Vary: Accept-Encoding\r\n"
#define GZIP_EXTRA	"Content-Encoding: gzip\r\n" VARY_AE

/*
 * body[0..len) gzipped (a gzip header: deflateInit2's windowBits + 16)
 * into a new buffer of *zlen bytes, when that is smaller; NULL otherwise.
 */
static char *
gzip_body(const char *body, size_t len, size_t *zlen)
{
	z_stream	 z;
	char		*out;
	size_t		 cap = len;	/* bigger would not be worth it */

	memset(&z, 0, sizeof(z));
	if ((out = malloc(cap)) == NULL)
		return NULL;
	if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*zlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* The gzipped reply beside a's; a->gz stays NULL when not worth it. */
static void
answer_gzip(struct answer *a, const char *ctype, const char *body,
    size_t len)
{
	char	 head[HEAD_MAX], weak[ETAG_SZ + 2];
	char	*z;
	size_t	 zlen, hlen;

	if (len < GZIP_MIN || len > UINT32_MAX ||
	    (z = gzip_body(body, len, &zlen)) == NULL)
		return;
	snprintf(weak, sizeof(weak), "W/%s", a->etag);
	if ((hlen = reply_head(head, HTTP_OK, ctype, zlen, CACHE_REVALIDATE,
	    weak, GZIP_EXTRA)) != 0 &&
	    (a->gz = malloc(hlen + zlen)) != NULL) {
		memcpy(a->gz, head, hlen);
		memcpy(a->gz + hlen, z, zlen);
		a->gz_head_len = hlen;
		a->gz_len = hlen + zlen;
	}
	free(z);
}

int
answer_build(struct answer *a, const char *ctype, enum cache_policy cp,
    char *body, size_t len)
{
	char	head[HEAD_MAX];
	size_t	hlen;

	memset(a, 0, sizeof(*a));
	if (cp != CACHE_NONE)
		etag_of(body, len, a->etag);
	if (cp == CACHE_REVALIDATE)
		answer_gzip(a, ctype, body, len);
	if ((hlen = reply_head(head, HTTP_OK, ctype, len, cp, a->etag,
	    a->gz != NULL ? VARY_AE : "")) == 0 ||
	    (a->bytes = malloc(hlen + len)) == NULL) {
		free(a->gz);
		a->gz = NULL;
		free(body);
		return -1;
	}
	memcpy(a->bytes, head, hlen);
	memcpy(a->bytes + hlen, body, len);
	a->head_len = hlen;
	a->len = hlen + len;
	free(body);
	return 0;
}

void
answer_free(struct answer *a)
{
	free(a->bytes);
	free(a->gz);
	memset(a, 0, sizeof(*a));
}

void
reply_answer(struct req *req, const struct answer *a)
{
	char	head[HEAD_MAX], weak[ETAG_SZ + 2];
	size_t	n;
	int	gz;

	gz = a->gz != NULL &&
	    accept_gzip(req_getenv(req, "HTTP_ACCEPT_ENCODING"));
	if (etag_matches(req_getenv(req, "HTTP_IF_NONE_MATCH"), a->etag)) {
		/* The tag of the answer it would have had (RFC 9110 15.4.5). */
		snprintf(weak, sizeof(weak), "%s%s", gz ? "W/" : "", a->etag);
		req->status = HTTP_NOT_MODIFIED;
		n = reply_head(head, HTTP_NOT_MODIFIED, NULL, 0,
		    CACHE_REVALIDATE, weak, a->gz != NULL ? VARY_AE : "");
		req_write(req, head, n);
		return;
	}
	req->status = HTTP_OK;
	if (gz)
		req_write(req, a->gz, req->method == METHOD_HEAD ?
		    a->gz_head_len : a->gz_len);
	else
		req_write(req, a->bytes, req->method == METHOD_HEAD ?
		    a->head_len : a->len);
}

void
reply_json(struct req *req, enum cache_policy cp, char *body, size_t len)
{
	struct answer a;

	if (answer_build(&a, "application/json", cp, body, len) == -1) {
		reply_error(req, HTTP_UNAVAILABLE, "out_of_memory",
		    "out of memory");
		return;
	}
	reply_answer(req, &a);
	answer_free(&a);
}

/* The error object as bytes, built with jansson; NULL on ENOMEM. */
static char *
reply_error_body(const char *code, const char *msg)
{
	json_t	*o;
	char	*s;

	o = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

void
reply_error(struct req *req, enum http_status st, const char *code,
    const char *fmt, ...)
{
	char		 head[HEAD_MAX], msg[512];
	char		*body;
	const char	*extra = "", *text;
	size_t		 hlen, blen;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (st == HTTP_METHOD_NOT_ALLOWED)
		extra = "Allow: GET, HEAD, OPTIONS\r\n";
	else if (st == HTTP_UNAUTHORIZED)
		extra = REPLY_WWW_AUTH;
	/* Out of memory for the error itself: a fixed one that needs none. */
	if ((body = reply_error_body(code, msg)) == NULL)
		st = HTTP_UNAVAILABLE;
	text = body != NULL ? body : REPLY_OOM_BODY;
	blen = strlen(text);
	hlen = reply_head(head, st, "application/json", blen, CACHE_NONE, "",
	    extra);
	req->status = st;
	req_write(req, head, hlen);
	if (req->method != METHOD_HEAD)
		req_write(req, text, blen);
	free(body);
}

void
reply_preflight(struct req *req)
{
	char	head[HEAD_MAX];
	size_t	n;

	/* With keys on, a page on another origin sends Authorization. */
	n = reply_head(head, HTTP_NO_CONTENT, NULL, 0, CACHE_NONE, "",
	    cfg.keys_path == NULL ? REPLY_PREFLIGHT("") :
	    REPLY_PREFLIGHT(", Authorization"));
	req->status = HTTP_NO_CONTENT;
	req_write(req, head, n);
}

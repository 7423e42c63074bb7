/*
 * Every byte of a reply's head is written here, and reply_error() is the
 * only function that writes an error: always the API's JSON error object
 * (API.md, "Errors") with the matching status.  Answers carry CORS headers
 * from the configuration; answers to polling endpoints carry an ETag (a
 * hash of the body) and turn into 304 on a matching If-None-Match.
 *
 * Those answers are also kept gzipped (RFC 9110 8.4.1.3), made once with
 * the answer (which the cache then shares), when they are GZIP_MIN bytes
 * or more: a client whose Accept-Encoding takes gzip gets those bytes
 * with Content-Encoding: gzip and the weak form of the ETag, W/"...", as
 * nginx's gzip would give it; both answers say Vary: Accept-Encoding.  So
 * a web server in front compresses nothing (an encoded answer is passed
 * as it is) and a polling client costs no compression per request.
 */
#ifndef TICKFEED_REPLY_H
#define TICKFEED_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"


/* What a client may cache, per endpoint (Cache-Control). */
enum cache_policy {
	CACHE_REVALIDATE,	/* "no-cache": keep, but ask with If-None-Match */
	CACHE_NONE,		/* "no-store": health, metrics, errors */
	CACHE_POLICY__MAX
};

#define ETAG_SZ	24		/* "\"" + 16 hex + "\"" + NUL, rounded */
#define GZIP_MIN	256	/* smaller bodies grow when gzipped */
#define GZIP_LEVEL	1	/* most of level 6's saving on JSON, less CPU */

/* A complete reply as bytes: head (through the blank line) + body. */
struct answer {
	char	*bytes;
	size_t	 len;
	size_t	 head_len;
	char	*gz;		/* the gzipped reply, or NULL */
	size_t	 gz_len;
	size_t	 gz_head_len;
	char	 etag[ETAG_SZ];	/* empty when the reply has none */
};

struct req;

/*
 * Builds the answer for a 200 with body (taken over: freed here on
 * failure) of content type ctype, with its gzipped form when the policy
 * is CACHE_REVALIDATE and the body is GZIP_MIN bytes or more (and
 * shrinks).  Returns 0, or -1 on ENOMEM (a failed gzip only leaves the
 * answer without its gzipped form).
 */
int		 answer_build(struct answer *, const char *ctype,
		    enum cache_policy, char *body, size_t len);
void		 answer_free(struct answer *);

/*
 * Sends an answer as the request asks: whole for GET, head only for HEAD,
 * a bodiless 304 when If-None-Match matches its ETag; gzipped when it has
 * a gzipped form and Accept-Encoding takes gzip.
 */
void		 reply_answer(struct req *, const struct answer *);

/* Builds and sends a 200 JSON answer from body (taken). */
void		 reply_json(struct req *, enum cache_policy, char *body,
		    size_t len);

/*
 * Sends {"error":{"code":code,"message":...}} with status.  405 adds
 * Allow, 401 WWW-Authenticate (auth.h); errors are never cached.  code is one of those in API.md.
 */
void		 reply_error(struct req *, enum http_status, const char *code,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * 204 to a CORS preflight (OPTIONS) on a known route; it needs no key,
 * and with keys on it allows the Authorization header.
 */
void		 reply_preflight(struct req *);

/*
 * Whether an Accept-Encoding value takes gzip (RFC 9110 12.5.3): "gzip"
 * or "x-gzip" (any case) listed with a weight above 0, or else "*" with
 * one.  NULL, empty, or a member with a malformed weight: no.  1 or 0.
 */
int		 accept_gzip(const char *accept_encoding);
/* Weak comparison of an If-None-Match list with etag (RFC 9110 13.1.2). */
int		 etag_matches(const char *if_none_match, const char *etag);
/* "\"" 16 hex digits of FNV-1a 64 over the body "\"". */
void		 etag_of(const char *body, size_t len, char out[ETAG_SZ]);

#endif

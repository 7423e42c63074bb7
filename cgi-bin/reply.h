/*
 * Every byte of a reply's head is written here, and reply_error() is the
 * only function that writes an error: always the API's JSON error object
 * (API.md, "Errors") with the matching status.  Answers carry CORS headers
 * from the configuration; answers to polling endpoints carry an ETag (a
 * hash of the body) and turn into 304 on a matching If-None-Match.
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

/* A complete reply as bytes: head (through the blank line) + body. */
struct answer {
	char	*bytes;
	size_t	 len;
	size_t	 head_len;
	char	 etag[ETAG_SZ];	/* empty when the reply has none */
};

struct req;

/*
 * Builds the answer for a 200 with body (taken over: freed here on
 * failure) of content type ctype.  Returns 0, or -1 on ENOMEM.
 */
int		 answer_build(struct answer *, const char *ctype,
		    enum cache_policy, char *body, size_t len);
void		 answer_free(struct answer *);

/*
 * Sends an answer as the request asks: whole for GET, head only for HEAD,
 * a bodiless 304 when If-None-Match matches its ETag.
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

/* Weak comparison of an If-None-Match list with etag (RFC 9110 13.1.2). */
int		 etag_matches(const char *if_none_match, const char *etag);
/* "\"" 16 hex digits of FNV-1a 64 over the body "\"". */
void		 etag_of(const char *body, size_t len, char out[ETAG_SZ]);

#endif

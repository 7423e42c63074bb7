/*
 * One HTTP request from accept to finish.  Every accepted request lives in
 * its own heap allocation (struct req), so a handler may keep it past its
 * own return: a long-poll or stream handler answers HANDLER_PARKED, and
 * whichever thread later writes the answer calls req_finish(), which
 * flushes, records metrics, ends the FastCGI request and frees it.
 *
 * Three ways in (main.c): FastCGI on a listening socket we opened
 * (--listen), FastCGI on fd 0 (mod_fcgid, spawn-fcgi), and plain CGI
 * (RFC 3875: environment, stdin, stdout; one request, then exit).
 */
#ifndef TICKFEED_REQ_H
#define TICKFEED_REQ_H

#include <stddef.h>
#include <stdint.h>
#include <fcgiapp.h>

#include "http.h"
#include "params.h"

/* Set by main() when requests come over a unix socket. */
extern int req_unix_socket;

enum method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_OPTIONS,
	METHOD_OTHER,
	METHOD__MAX
};

enum handler_result {
	HANDLER_DONE,		/* answered: the caller finishes the request */
	HANDLER_PARKED,		/* kept: someone calls req_finish() later */
	HANDLER_RESULT__MAX
};

struct route;
struct worker;

struct req {
	FCGX_Request		 fcgx;
	int			 cgi;		/* plain CGI: environ + stdio */
	enum method		 method;
	const struct route	*route;		/* NULL until routed */
	int			 route_id;	/* its id; -1 until routed */
	int			 computing;	/* the shared answer is ours to make */
	uint64_t		 token;		/* what it depends on (cache.h) */
	const char		*query;		/* QUERY_STRING (never NULL) */
	struct params		 params;
	enum http_status	 status;	/* what was answered */
	int64_t			 start_us;	/* monotonic, for the histogram */
};

/* A request handler; runs on a worker thread, with that worker. */
typedef enum handler_result (*handler_fn)(struct req *, struct worker *);

/* Allocates a FastCGI request on listening socket sock; NULL on ENOMEM. */
struct req	*req_new_fcgi(int sock);
/* The one plain-CGI request of this process. */
struct req	*req_new_cgi(void);
/* Call after accept: reads method and query, starts the clock. */
void		 req_begin(struct req *);

/* A request header or CGI variable (RFC 3875 section 4.1), or NULL. */
const char	*req_getenv(const struct req *, const char *);
/* Writes n bytes to the client; 0, or -1 when the client has gone. */
int		 req_write(struct req *, const void *, size_t);
int		 req_flush(struct req *);
/*
 * Reads and drops up to max bytes of request body, so that a gateway that
 * insists on delivering it (mod_fcgid) is not cut off mid-write.
 */
void		 req_drain(struct req *, size_t max);

/*
 * Ends the request: flushes, records it in the metrics, finishes the
 * FastCGI request (closing its connection) and frees everything.  Safe
 * from any thread, once per request.
 */
void		 req_finish(struct req *);

#endif

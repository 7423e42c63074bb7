#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "metrics.h"
#include "req.h"

#define REQ_STDIN_DRAIN_MAX	(1024 * 1024)

int req_unix_socket;

static int64_t
req_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * FCGX_Accept_r on an open connection (ipcFd set) reads its next request
 * and accepts nothing.  keepConnection stops it from closing the
 * connection before it reads; no listening socket (-1), so that a failed
 * read ends with an error instead of an accept; detached, so that a
 * connection at its end is closed at once, not lingered on.
 */
struct req *
req_new_fcgi(int fd)
{
	struct req *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (FCGX_InitRequest(&r->fcgx, -1, 0) != 0) {
		free(r);
		return NULL;
	}
	r->fcgx.ipcFd = fd;
	r->fcgx.keepConnection = 1;
	r->fcgx.detached = 1;
	return r;
}

struct req *
req_new_cgi(void)
{
	struct req *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->cgi = 1;
	return r;
}

static enum method
req_method(const char *m)
{
	if (m == NULL)
		return METHOD_OTHER;
	if (strcmp(m, "GET") == 0)
		return METHOD_GET;
	if (strcmp(m, "HEAD") == 0)
		return METHOD_HEAD;
	if (strcmp(m, "OPTIONS") == 0)
		return METHOD_OPTIONS;
	return METHOD_OTHER;
}

void
req_begin(struct req *r)
{
	r->fcgx.detached = 0;	/* req_finish decides */
	r->start_us = req_mono_us();
	r->method = req_method(req_getenv(r, "REQUEST_METHOD"));
	if ((r->query = req_getenv(r, "QUERY_STRING")) == NULL)
		r->query = "";
	r->status = HTTP_INTERNAL_ERROR;	/* until something is answered */
	r->route_id = -1;
}

const char *
req_getenv(const struct req *r, const char *name)
{
	if (r->cgi)
		return getenv(name);
	return FCGX_GetParam(name, r->fcgx.envp);
}

int
req_write(struct req *r, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (r->cgi)
		return fwrite(p, 1, n, stdout) == n ? 0 : -1;
	if (n > INT32_MAX)
		return -1;
	return FCGX_PutStr(p, (int)n, r->fcgx.out) == (int)n ? 0 : -1;
}

int
req_flush(struct req *r)
{
	if (r->cgi)
		return fflush(stdout) == 0 ? 0 : -1;
	return FCGX_FFlush(r->fcgx.out) == 0 ? 0 : -1;
}

void
req_drain(struct req *r, size_t max)
{
	char	buf[4096];
	size_t	got = 0;
	int	n;

	while (got < max) {
		if (r->cgi)
			n = (int)fread(buf, 1, sizeof(buf), stdin);
		else
			n = FCGX_GetStr(buf, sizeof(buf), r->fcgx.in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
}

/* Reads the rest of stdin (up to a bound); 1 when it reached its end. */
static int
req_stdin_ended(struct req *r)
{
	if (r->fcgx.in == NULL)		/* parked: wait.c took the connection */
		return 0;
	req_drain(r, REQ_STDIN_DRAIN_MAX);
	return r->fcgx.in != NULL && FCGX_HasSeenEOF(r->fcgx.in) != 0;
}

void
req_finish(struct req *r)
{
	int ended;

	metrics_record(r->route_id, r->status, req_mono_us() - r->start_us);
	if (r->cgi) {
		fflush(stdout);
		free(r);
		return;
	}
	/*
	 * A connection is kept only when the web server asked for it and
	 * this request's stdin was read to its end: what follows on it is
	 * then the next request.  libfcgi's close half-shuts the connection
	 * and waits for the web server to close its side (up to 2 s), so
	 * that a server still writing gets no reset; on a unix socket,
	 * stdin read to its end proves it has written all it will, so close
	 * at once and free the thread.
	 */
	ended = req_stdin_ended(r);
	if (!ended)
		r->fcgx.keepConnection = 0;
	else if (req_unix_socket)
		r->fcgx.detached = 1;
	FCGX_Finish_r(&r->fcgx);
	if (r->fcgx.ipcFd >= 0)		/* kept: wait for its next request */
		conn_idle(r->fcgx.ipcFd);
	free(r);
}

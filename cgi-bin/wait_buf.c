/*
 * The waiting machinery's output buffers and FastCGI framing: growable
 * byte buffers that remember an allocation failure instead of reporting
 * each one, and the FCGI_STDOUT / FCGI_END_REQUEST records the dispatcher
 * writes itself once it has taken a parked request's connection (wait.c).
 * FastCGI 1.0 specification, section 3.3 (records) and 5.5 (end).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wait.h"

/* FastCGI 1.0, section 8: the record types the dispatcher writes. */
#define FCGI_VERSION_1		1
#define FCGI_END_REQUEST	3
#define FCGI_STDOUT		6
#define FCGI_HEADER_LEN		8
#define FCGI_CHUNK		65528	/* content bytes per record, 8-aligned */

void
wait_buf_add(struct wait_buf *b, const void *p, size_t n)
{
	size_t	 ncap;
	char	*np;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 1024;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	if (n > 0)		/* p may be NULL when n is 0 */
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
wait_buf_printf(struct wait_buf *b, const char *fmt, ...)
{
	char	small[256];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(small)) {
		b->oom = 1;	/* only short lines are printed this way */
		return;
	}
	wait_buf_add(b, small, (size_t)n);
}

void
wait_buf_free(struct wait_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void
wait_record(struct wait_buf *b, int type, unsigned rid, size_t len)
{
	unsigned char h[FCGI_HEADER_LEN] = { FCGI_VERSION_1, (unsigned char)type,
	    (unsigned char)(rid >> 8), (unsigned char)rid,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	wait_buf_add(b, h, sizeof(h));
}

/*
 * Frames payload as FCGI_STDOUT records of request rid into b; with
 * final, also the empty STDOUT record and FCGI_END_REQUEST (app status 0,
 * FCGI_REQUEST_COMPLETE) that end the request.
 */
void
wait_frame(struct wait_buf *b, unsigned rid, const char *p, size_t len,
    int final)
{
	static const unsigned char end_body[8];
	size_t n;

	while (len > 0) {
		n = len < FCGI_CHUNK ? len : FCGI_CHUNK;
		wait_record(b, FCGI_STDOUT, rid, n);
		wait_buf_add(b, p, n);
		p += n;
		len -= n;
	}
	if (final) {
		wait_record(b, FCGI_STDOUT, rid, 0);
		wait_record(b, FCGI_END_REQUEST, rid, sizeof(end_body));
		wait_buf_add(b, end_body, sizeof(end_body));
	}
}

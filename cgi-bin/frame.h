/*
 * FastCGI records the app writes itself, once the waiting machinery has
 * taken a parked request's connection from libfcgi (wait.h).  FastCGI
 * 1.0 specification, section 3.3 (records), 5.3 (FCGI_STDOUT) and 5.5
 * (FCGI_END_REQUEST).
 */
#ifndef TICKFEED_FRAME_H
#define TICKFEED_FRAME_H

#include <stddef.h>

#include "buf.h"

/* Record types (section 8). */
#define FRAME_END_REQUEST	3
#define FRAME_STDOUT		6
#define FRAME_HEADER_LEN	8

/* Appends one record header of type for request rid, len content bytes. */
void	frame_record(struct buf *, int type, unsigned rid, size_t len);
/*
 * Appends payload as FCGI_STDOUT records of request rid; with final,
 * also the empty FCGI_STDOUT record and the FCGI_END_REQUEST (app status
 * 0, FCGI_REQUEST_COMPLETE) that end the request.
 */
void	frame_stdout(struct buf *, unsigned rid, const char *, size_t,
	    int final);

#endif

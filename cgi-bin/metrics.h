/*
 * Process-wide counters for GET metrics (Prometheus text format 0.0.4):
 * requests by endpoint and status, a latency histogram per endpoint,
 * FastCGI connections.  Updated with relaxed atomics from any thread;
 * read without a lock (each value is consistent on its own).  The
 * waiting machinery keeps its own counts (wait_stats_get()).
 */
#ifndef TICKFEED_METRICS_H
#define TICKFEED_METRICS_H

#include <stdint.h>

#include "buf.h"
#include "http.h"

#define METRICS_ROUTES	16	/* route ids counted: 0..METRICS_ROUTES-1 */

/*
 * Where the routes' names come from (route ids 0..nroutes-1): main()
 * calls it once, before any request.  Requests of no route show as
 * "none".
 */
void	metrics_init(const char *(*name)(int route), int nroutes);
/* route is a route id, or -1 for requests no route matched. */
void	metrics_record(int route, enum http_status, int64_t elapsed_us);
/* A FastCGI connection was accepted. */
void	metrics_connection(void);

/* Appends every metric above in text format to out. */
void	metrics_write(struct buf *out);
/* Appends one formatted line of at most 255 bytes (a longer one is lost). */
void	metrics_line(struct buf *out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

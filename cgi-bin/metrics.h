/*
 * Process-wide counters for GET metrics (Prometheus text format 0.0.4):
 * requests by endpoint and status, a latency histogram per endpoint, the
 * number of waiting (parked) clients.  Updated with relaxed atomics from
 * any thread; read without a lock (each value is consistent on its own).
 */
#ifndef TICKFEED_METRICS_H
#define TICKFEED_METRICS_H

#include <stdint.h>

#include "jsonw.h"
#include "reply.h"

/* route is a route id, or ROUTE__MAX for requests no route matched. */
void	metrics_record(int route, enum http_status, int64_t elapsed_us);
/* The waiting machinery: +1 when a request parks, -1 when it leaves. */
void	metrics_waiting_add(int delta);
long	metrics_waiting(void);
/* A FastCGI connection was accepted. */
void	metrics_connection(void);

/* Appends every metric above in text format to out. */
void	metrics_write(struct jw *out);

#endif

#include <stdarg.h>
#include <stdio.h>

#include "metrics.h"

/* Upper bounds of the latency buckets, in microseconds (+Inf implied). */
static const int64_t metrics_bounds_us[] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000, 30000000,
};
#define NBOUNDS	(sizeof(metrics_bounds_us) / sizeof(metrics_bounds_us[0]))

/* Row METRICS_ROUTES is for requests no route matched. */
static uint64_t	metrics_requests[METRICS_ROUTES + 1][HTTP_STATUS__MAX];
static uint64_t	metrics_buckets[METRICS_ROUTES + 1][NBOUNDS + 1];
static uint64_t	metrics_sum_us[METRICS_ROUTES + 1];
static const char *(*metrics_name)(int route);
static int	metrics_nroutes;
static uint64_t	metrics_connections_n;

void
metrics_record(int route, enum http_status st, int64_t elapsed_us)
{
	size_t b;

	if (route < 0 || route >= METRICS_ROUTES)
		route = METRICS_ROUTES;
	if ((unsigned)st >= HTTP_STATUS__MAX)
		st = HTTP_INTERNAL_ERROR;
	if (elapsed_us < 0)
		elapsed_us = 0;
	for (b = 0; b < NBOUNDS && elapsed_us > metrics_bounds_us[b]; b++)
		;
	__atomic_fetch_add(&metrics_requests[route][st], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&metrics_buckets[route][b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&metrics_sum_us[route], (uint64_t)elapsed_us,
	    __ATOMIC_RELAXED);
}

void
metrics_connection(void)
{
	__atomic_fetch_add(&metrics_connections_n, 1, __ATOMIC_RELAXED);
}

void
metrics_init(const char *(*name)(int route), int n)
{
	metrics_name = name;
	metrics_nroutes = n < METRICS_ROUTES ? n : METRICS_ROUTES;
}

/* Rows shown: the named routes, then the unmatched. */
static int
metrics_row(int i)
{
	return i < metrics_nroutes ? i : METRICS_ROUTES;
}

static const char *
metrics_route_name(int r)
{
	return r < metrics_nroutes ? metrics_name(r) : "none";
}

void
metrics_line(struct buf *out, const char *fmt, ...)
{
	char	line[256];
	int	n;
	va_list	ap;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(line))
		buf_add(out, line, (size_t)n);
}

static void
metrics_write_requests(struct buf *out)
{
	uint64_t	v;
	int		i, r, s;

	buf_addz(out, "# HELP tickfeed_requests_total HTTP requests answered, "
	    "by endpoint and status.\n# TYPE tickfeed_requests_total counter\n");
	for (i = 0; i <= metrics_nroutes; i++)
		for (s = 0; s < HTTP_STATUS__MAX; s++) {
			r = metrics_row(i);
			v = __atomic_load_n(&metrics_requests[r][s],
			    __ATOMIC_RELAXED);
			if (v > 0)
				metrics_line(out, "tickfeed_requests_total{"
				    "endpoint=\"%s\",status=\"%d\"} %llu\n",
				    metrics_route_name(r),
				    http_status_code((enum http_status)s),
				    (unsigned long long)v);
		}
}

static void
metrics_write_histogram(struct buf *out, int r)
{
	uint64_t	cum = 0;
	size_t		b;

	for (b = 0; b <= NBOUNDS; b++) {
		cum += __atomic_load_n(&metrics_buckets[r][b],
		    __ATOMIC_RELAXED);
		if (b < NBOUNDS)
			metrics_line(out, "tickfeed_request_duration_seconds_"
			    "bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
			    metrics_route_name(r),
			    (double)metrics_bounds_us[b] / 1e6,
			    (unsigned long long)cum);
	}
	metrics_line(out, "tickfeed_request_duration_seconds_bucket{endpoint="
	    "\"%s\",le=\"+Inf\"} %llu\n", metrics_route_name(r),
	    (unsigned long long)cum);
	metrics_line(out, "tickfeed_request_duration_seconds_sum{endpoint="
	    "\"%s\"} %.6f\n", metrics_route_name(r),
	    (double)__atomic_load_n(&metrics_sum_us[r], __ATOMIC_RELAXED) / 1e6);
	metrics_line(out, "tickfeed_request_duration_seconds_count{endpoint="
	    "\"%s\"} %llu\n", metrics_route_name(r), (unsigned long long)cum);
}

void
metrics_write(struct buf *out)
{
	int i;

	metrics_write_requests(out);
	buf_addz(out, "# HELP tickfeed_request_duration_seconds Time from "
	    "accept to the end of the answer.\n"
	    "# TYPE tickfeed_request_duration_seconds histogram\n");
	for (i = 0; i <= metrics_nroutes; i++)
		metrics_write_histogram(out, metrics_row(i));
	buf_addz(out, "# HELP tickfeed_connections_total FastCGI connections "
	    "accepted (fewer than requests when the web server keeps them).\n"
	    "# TYPE tickfeed_connections_total counter\n");
	metrics_line(out, "tickfeed_connections_total %llu\n",
	    (unsigned long long)__atomic_load_n(&metrics_connections_n,
	    __ATOMIC_RELAXED));
}

/*
 * fleetstat: what the fleet test's programs count with: growing arrays of
 * 64-bit values, percentiles, the comparison of the ticks a client got
 * with the ones it had to get, commit times from fleetwatch's log; and
 * the decoding of a chunked HTTP body.
 */
#ifndef FLEETSTAT_H
#define FLEETSTAT_H

#include <stddef.h>
#include <stdint.h>

struct vec {
	int64_t	*v;
	size_t	 n, cap;
};

/* When the origin's head reached each value: parallel, head ascending. */
struct commits {
	struct vec	 head, t;
};

/* Time windows (us) to tell apart: faults and what follows them. */
struct windows {
	struct vec	 start, end;
};

void	vec_add(struct vec *, int64_t);
double	pct(struct vec *, int);
void	vec_compare(const struct vec *, const struct vec *, long *, long *,
	    long *, long *);
int	commits_load(const char *, const char *, struct commits *);
int	windows_load(const char *, struct windows *);
void	latencies(const struct vec *, const struct vec *,
	    const struct commits *, int64_t, const struct windows *,
	    struct vec *, struct vec *);
long	http_dechunk(char *, size_t);

#endif

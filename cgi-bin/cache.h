/*
 * Answers cached as the bytes that go on the wire (head + body, with their
 * ETag), per thread, keyed by route and raw query string.  The worker
 * drops the whole cache when PRAGMA data_version moves; an entry may also
 * carry an expiry in wall-clock ms for answers that depend on the time
 * (a candle's `live` flag, today's previous close).
 */
#ifndef TICKFEED_CACHE_H
#define TICKFEED_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "reply.h"

#define CACHE_SLOTS		512	/* direct-mapped, power of two */
#define CACHE_ENTRY_MAX		(512 * 1024)	/* bigger answers are not kept */

struct cache_entry {
	char		*key;		/* NULL: empty slot */
	size_t		 keylen;
	uint64_t	 hash;
	int64_t		 expires_ms;	/* 0: until the next commit */
	struct answer	 a;
};

struct cache {
	struct cache_entry	slot[CACHE_SLOTS];
	unsigned long		hits, misses;
};

/* The cached answer for (route, query) still valid at now, or NULL. */
const struct answer	*cache_get(struct cache *, int route,
			    const char *query, int64_t now_ms);
/*
 * Keeps a (taken over; freed on any failure or when too big) for
 * (route, query) until expires_ms (0: until cache_clear).
 */
void			 cache_put(struct cache *, int route, const char *query,
			    struct answer *a, int64_t expires_ms);
void			 cache_clear(struct cache *);

#endif

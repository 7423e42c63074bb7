/*
 * Answers shared by every worker of the process, as the bytes that go on
 * the wire (head + body, with their ETag), keyed by route and raw query
 * string.  Each is valid for a token, a hash of what the answer depends
 * on (its symbols' newest tick ids, where history starts: ep_token()),
 * and until an expiry in wall-clock ms for answers that depend on the
 * time (a candle's `live` flag, today's previous close).  A commit that
 * does not touch an answer's symbols leaves its token, and so the
 * answer, as they were.
 *
 * One computation per answer for the whole process: cache_get() on a
 * missing answer makes the caller its computer; other workers asking for
 * the same answer meanwhile wait for it (up to CACHE_WAIT_MS, then they
 * compute it themselves).  The computer ends with cache_put() or, when it
 * answered something else (an error), cache_cancel().
 *
 * The table is direct-mapped (two queries that share a slot evict each
 * other) and holds at most CACHE_BYTES_MAX of answers.  Answers are
 * reference-counted: a worker serving one holds it (memo.h).
 */
#ifndef TICKFEED_CACHE_H
#define TICKFEED_CACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "reply.h"

#define CACHE_SLOTS		4096		/* power of two */
#define CACHE_ENTRY_MAX		(512 * 1024)	/* bigger answers are not kept */
#define CACHE_BYTES_MAX		(64 * 1024 * 1024)
#define CACHE_WAIT_MS		2000

/* What an endpoint's answers depend on (their token: ep_token()). */
enum cache_deps {
	DEPS_NONE,		/* not cached */
	DEPS_ALL,		/* every symbol: the newest tick id */
	DEPS_SYMBOL,		/* symbol=: that symbol's newest tick id */
	DEPS_SYMBOLS,		/* symbols=: theirs; absent: every symbol */
	DEPS__MAX
};

struct cached {
	struct answer	a;
	int64_t		expires_ms;	/* wall clock; 0: none */
	atomic_int	refs;
};

/* The hash a (route, query) key is looked up by, here and in memo.h. */
uint64_t	 cache_key_hash(int route, const char *query, size_t len);

/*
 * The answer for (route, query) made for token and valid at now, with a
 * reference for the caller; or NULL: the caller computes it (and ends
 * with cache_put or cache_cancel).
 */
struct cached	*cache_get(int route, const char *query, uint64_t token,
		    int64_t now_ms);
/*
 * Keeps a (taken over; freed on failure) as the answer for (route,
 * query, token) until expires_ms (0: no time limit), waking the workers
 * that wait for it.  Returns a reference for the caller, or NULL when out
 * of memory (a was freed).
 */
struct cached	*cache_put(int route, const char *query, uint64_t token,
		    struct answer *a, int64_t expires_ms);
/* The computer of (route, query) gives up: the waiters compute it. */
void		 cache_cancel(int route, const char *query);

struct cached	*cached_ref(struct cached *);
void		 cached_unref(struct cached *);

/* Hits and misses since start (for tests and metrics). */
void		 cache_stats(unsigned long *hits, unsigned long *misses,
		    unsigned long *waits);
/* Drops every answer (tests). */
void		 cache_clear(void);

#endif

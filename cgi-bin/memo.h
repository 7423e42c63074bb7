/*
 * A worker's memo of the shared answers it served (cache.h): for each
 * (route, query), the answer, the token it was made for, and the
 * connection's PRAGMA data_version when the worker last checked that
 * token.  While data_version has not moved, nothing was committed and the
 * answer is served with no query at all (the common case: many requests
 * between two commits); when it has moved, the worker reads the token
 * again, and serves the same answer when it is the same.  Not locked:
 * one per worker.
 */
#ifndef TICKFEED_MEMO_H
#define TICKFEED_MEMO_H

#include <stdint.h>

#include "cache.h"

#define MEMO_SLOTS	512	/* direct-mapped, power of two */

struct memo_entry {
	char		*key;		/* route byte + query; NULL: empty */
	size_t		 keylen;
	uint64_t	 hash;
	uint64_t	 token;
	long long	 dv;		/* data_version it was checked at */
	struct cached	*c;
};

struct memo {
	struct memo_entry	slot[MEMO_SLOTS];
};

/*
 * The answer for (route, query) if checked at data_version dv, or with
 * token when token is not 0 (then it counts as checked at dv), still
 * valid at now; NULL otherwise.  The memo keeps its reference.
 */
struct cached	*memo_get(struct memo *, int route, const char *query,
		    long long dv, uint64_t token, int64_t now_ms);
/* Remembers c (a reference taken over) for (route, query). */
void		 memo_put(struct memo *, int route, const char *query,
		    long long dv, uint64_t token, struct cached *c);
void		 memo_clear(struct memo *);

#endif

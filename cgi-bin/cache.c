#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "hash.h"

enum slot_state {
	SLOT_EMPTY,
	SLOT_COMPUTING,		/* a worker computes it; others wait */
	SLOT_READY,
	SLOT_STATE__MAX
};

struct slot {
	enum slot_state	 state;
	char		*key;		/* route byte + query */
	size_t		 keylen;
	uint64_t	 hash;
	uint64_t	 token;
	struct cached	*c;		/* SLOT_READY */
};

static struct {
	pthread_mutex_t	 lock;
	pthread_cond_t	 done;		/* a computation ended */
	struct slot	 slot[CACHE_SLOTS];
	size_t		 bytes;		/* of READY answers */
	size_t		 sweep;		/* eviction cursor */
	unsigned long	 hits, misses, waits;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER };

struct cached *
cached_ref(struct cached *c)
{
	atomic_fetch_add(&c->refs, 1);
	return c;
}

void
cached_unref(struct cached *c)
{
	if (c != NULL && atomic_fetch_sub(&c->refs, 1) == 1) {
		answer_free(&c->a);
		free(c);
	}
}

uint64_t
cache_key_hash(int route, const char *q, size_t n)
{
	return hash64(hash64(HASH64_INIT, &route, sizeof(route)), q, n);
}

static int
slot_is(const struct slot *s, uint64_t h, int route, const char *q,
    size_t n)
{
	return s->key != NULL && s->hash == h && s->keylen == n + 1 &&
	    s->key[0] == (char)route && memcmp(s->key + 1, q, n) == 0;
}

/* Empties s (lock held). */
static void
slot_clear(struct slot *s)
{
	if (s->state == SLOT_READY) {
		cache.bytes -= s->c->a.len + s->c->a.gz_len;
		cached_unref(s->c);
	}
	free(s->key);
	memset(s, 0, sizeof(*s));
}

/* Makes s (route, query)'s, being computed for token (lock held). */
static int
slot_claim(struct slot *s, uint64_t h, int route, const char *q, size_t n,
    uint64_t token)
{
	char *key;

	if ((key = malloc(n + 1)) == NULL)
		return -1;
	slot_clear(s);
	key[0] = (char)route;
	memcpy(key + 1, q, n);
	s->key = key;
	s->keylen = n + 1;
	s->hash = h;
	s->token = token;
	s->state = SLOT_COMPUTING;
	return 0;
}

/* Waits for a computation to end, at most until deadline; 0 or -1. */
static int
cache_wait(const struct timespec *deadline)
{
	cache.waits++;
	return pthread_cond_timedwait(&cache.done, &cache.lock, deadline) ==
	    ETIMEDOUT ? -1 : 0;
}

struct cached *
cache_get(int route, const char *query, uint64_t token, int64_t now_ms)
{
	size_t		 n = strlen(query);
	uint64_t	 h = cache_key_hash(route, query, n);
	struct slot	*s = &cache.slot[h & (CACHE_SLOTS - 1)];
	struct cached	*c = NULL;
	struct timespec	 deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += CACHE_WAIT_MS / 1000;
	pthread_mutex_lock(&cache.lock);
	while (slot_is(s, h, route, query, n) && s->token == token &&
	    s->state == SLOT_COMPUTING)
		if (cache_wait(&deadline) == -1)
			break;
	if (slot_is(s, h, route, query, n) && s->token == token &&
	    s->state == SLOT_READY && (s->c->expires_ms == 0 ||
	    now_ms < s->c->expires_ms)) {
		c = cached_ref(s->c);
		cache.hits++;
	} else {
		cache.misses++;
		(void)slot_claim(s, h, route, query, n, token);
	}
	pthread_mutex_unlock(&cache.lock);
	return c;
}

/* Frees answers until there is room for need more bytes (lock held). */
static void
cache_make_room(size_t need)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS && cache.bytes + need > CACHE_BYTES_MAX;
	    i++) {
		cache.sweep = (cache.sweep + 1) & (CACHE_SLOTS - 1);
		if (cache.slot[cache.sweep].state == SLOT_READY)
			slot_clear(&cache.slot[cache.sweep]);
	}
}

struct cached *
cache_put(int route, const char *query, uint64_t token, struct answer *a,
    int64_t expires_ms)
{
	size_t		 n = strlen(query);
	uint64_t	 h = cache_key_hash(route, query, n);
	struct slot	*s = &cache.slot[h & (CACHE_SLOTS - 1)];
	struct cached	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		answer_free(a);
		cache_cancel(route, query);
		return NULL;
	}
	c->a = *a;
	c->expires_ms = expires_ms;
	memset(a, 0, sizeof(*a));
	atomic_init(&c->refs, 1);
	pthread_mutex_lock(&cache.lock);
	/* Still ours (or refilled by a waiter that gave up on us). */
	if (slot_is(s, h, route, query, n)) {
		if (s->state == SLOT_READY) {
			cache.bytes -= s->c->a.len + s->c->a.gz_len;
			cached_unref(s->c);
			s->state = SLOT_COMPUTING;
		}
		if (c->a.len + c->a.gz_len > CACHE_ENTRY_MAX)
			slot_clear(s);
		else {
			cache_make_room(c->a.len + c->a.gz_len);
			s->state = SLOT_READY;
			s->token = token;
			s->c = cached_ref(c);
			cache.bytes += c->a.len + c->a.gz_len;
		}
	}
	pthread_cond_broadcast(&cache.done);
	pthread_mutex_unlock(&cache.lock);
	return c;
}

void
cache_cancel(int route, const char *query)
{
	size_t		 n = strlen(query);
	uint64_t	 h = cache_key_hash(route, query, n);
	struct slot	*s = &cache.slot[h & (CACHE_SLOTS - 1)];

	pthread_mutex_lock(&cache.lock);
	if (slot_is(s, h, route, query, n) && s->state == SLOT_COMPUTING)
		slot_clear(s);
	pthread_cond_broadcast(&cache.done);
	pthread_mutex_unlock(&cache.lock);
}

void
cache_stats(unsigned long *hits, unsigned long *misses, unsigned long *waits)
{
	pthread_mutex_lock(&cache.lock);
	*hits = cache.hits;
	*misses = cache.misses;
	*waits = cache.waits;
	pthread_mutex_unlock(&cache.lock);
}

void
cache_clear(void)
{
	size_t i;

	pthread_mutex_lock(&cache.lock);
	for (i = 0; i < CACHE_SLOTS; i++)
		slot_clear(&cache.slot[i]);
	pthread_cond_broadcast(&cache.done);
	pthread_mutex_unlock(&cache.lock);
}

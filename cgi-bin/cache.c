#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "hash.h"

static uint64_t
cache_hash(int route, const char *q, size_t n)
{
	return hash64(hash64(HASH64_INIT, &route, sizeof(route)), q, n);
}

static void
cache_entry_clear(struct cache_entry *e)
{
	free(e->key);
	answer_free(&e->a);
	memset(e, 0, sizeof(*e));
}

const struct answer *
cache_get(struct cache *c, int route, const char *query, int64_t now_ms)
{
	size_t			 n = strlen(query);
	uint64_t		 h = cache_hash(route, query, n);
	struct cache_entry	*e = &c->slot[h & (CACHE_SLOTS - 1)];

	if (e->key == NULL || e->hash != h || e->keylen != n + 1 ||
	    e->key[0] != (char)route || memcmp(e->key + 1, query, n) != 0) {
		c->misses++;
		return NULL;
	}
	if (e->expires_ms != 0 && now_ms >= e->expires_ms) {
		cache_entry_clear(e);
		c->misses++;
		return NULL;
	}
	c->hits++;
	return &e->a;
}

void
cache_put(struct cache *c, int route, const char *query, struct answer *a,
    int64_t expires_ms)
{
	size_t			 n = strlen(query);
	uint64_t		 h = cache_hash(route, query, n);
	struct cache_entry	*e = &c->slot[h & (CACHE_SLOTS - 1)];
	char			*key;

	if (a->len > CACHE_ENTRY_MAX || (key = malloc(n + 1)) == NULL) {
		answer_free(a);
		return;
	}
	key[0] = (char)route;
	memcpy(key + 1, query, n);
	cache_entry_clear(e);
	e->key = key;
	e->keylen = n + 1;
	e->hash = h;
	e->expires_ms = expires_ms;
	e->a = *a;
	memset(a, 0, sizeof(*a));
}

void
cache_clear(struct cache *c)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].key != NULL)
			cache_entry_clear(&c->slot[i]);
}

#include <stdlib.h>
#include <string.h>

#include "memo.h"

static void
memo_entry_clear(struct memo_entry *e)
{
	free(e->key);
	cached_unref(e->c);
	memset(e, 0, sizeof(*e));
}

struct cached *
memo_get(struct memo *m, int route, const char *query, long long dv,
    uint64_t token, int64_t now_ms)
{
	size_t			 n = strlen(query);
	uint64_t		 h = cache_key_hash(route, query, n);
	struct memo_entry	*e = &m->slot[h & (MEMO_SLOTS - 1)];

	if (e->key == NULL || e->hash != h || e->keylen != n + 1 ||
	    e->key[0] != (char)route || memcmp(e->key + 1, query, n) != 0)
		return NULL;
	if (e->c->expires_ms != 0 && now_ms >= e->c->expires_ms) {
		memo_entry_clear(e);
		return NULL;
	}
	if (e->dv != dv && (token == 0 || e->token != token))
		return NULL;
	e->dv = dv;
	return e->c;
}

void
memo_put(struct memo *m, int route, const char *query, long long dv,
    uint64_t token, struct cached *c)
{
	size_t			 n = strlen(query);
	uint64_t		 h = cache_key_hash(route, query, n);
	struct memo_entry	*e = &m->slot[h & (MEMO_SLOTS - 1)];
	char			*key;

	if ((key = malloc(n + 1)) == NULL) {
		cached_unref(c);
		return;
	}
	key[0] = (char)route;
	memcpy(key + 1, query, n);
	memo_entry_clear(e);
	e->key = key;
	e->keylen = n + 1;
	e->hash = h;
	e->token = token;
	e->dv = dv;
	e->c = c;
}

void
memo_clear(struct memo *m)
{
	size_t i;

	for (i = 0; i < MEMO_SLOTS; i++)
		if (m->slot[i].key != NULL)
			memo_entry_clear(&m->slot[i]);
}

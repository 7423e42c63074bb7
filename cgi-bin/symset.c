#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "symset.h"

static int
symset_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

enum symset_err
symset_parse(struct symset *set, const char *csv, size_t len)
{
	const char	*p = csv, *end = csv + len, *comma;
	size_t		 n, i;

	for (set->n = 0;; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		n = (size_t)(comma - p);
		if (set->n == SYMSET_MAX)
			return SYMSET_TOO_MANY;
		if (valid_symbol(p, n) == -1)
			return SYMSET_BAD_NAME;
		for (i = 0; i < set->n; i++)
			if (strlen(set->name[i]) == n &&
			    memcmp(set->name[i], p, n) == 0)
				return SYMSET_REPEATED;
		memcpy(set->name[set->n], p, n);
		set->name[set->n++][n] = '\0';
		if (comma == end)
			return SYMSET_OK;
	}
}

void
symset_sort(struct symset *set)
{
	size_t i, j;

	qsort(set->name, set->n, sizeof(set->name[0]), symset_name_cmp);
	for (i = j = 0; i < set->n; i++)
		if (j == 0 || strcmp(set->name[j - 1], set->name[i]) != 0)
			memmove(set->name[j++], set->name[i],
			    sizeof(set->name[0]));
	set->n = j;
}

int
symset_has(const struct symset *set, const char *symbol)
{
	if (set->n == 0)
		return 1;
	return bsearch(symbol, set->name, set->n, sizeof(set->name[0]),
	    symset_name_cmp) != NULL;
}

int
symset_cmp(const struct symset *a, const struct symset *b)
{
	size_t	i;
	int	c;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = 0; i < a->n; i++)
		if ((c = strcmp(a->name[i], b->name[i])) != 0)
			return c;
	return 0;
}

uint32_t
symset_hash(uint32_t h, const struct symset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		h = hash32(h, set->name[i], strlen(set->name[i]) + 1);
	return h;
}

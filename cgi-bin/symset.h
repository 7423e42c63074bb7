/*
 * A set of symbols as a request names them (symbols=A,B): the one parser
 * of symbol lists, and the sorted form the waiting machinery matches
 * ticks against and groups requests by.  Small and flat, so that it can
 * be copied and compared.  n == 0 means every symbol.
 */
#ifndef TICKFEED_SYMSET_H
#define TICKFEED_SYMSET_H

#include <stddef.h>
#include <stdint.h>

#include "valid.h"

#define SYMSET_MAX	64	/* symbols in one symbols= list */

struct symset {
	size_t	n;
	char	name[SYMSET_MAX][SYMBOL_MAX + 1];
};

enum symset_err {
	SYMSET_OK,
	SYMSET_BAD_NAME,	/* empty, or not a valid symbol */
	SYMSET_REPEATED,	/* a name given twice */
	SYMSET_TOO_MANY,	/* more than SYMSET_MAX names */
	SYMSET_ERR__MAX
};

/*
 * Fills set from a comma-separated list of len bytes, in the order given.
 * On an error set holds the names before the bad one.
 */
enum symset_err	symset_parse(struct symset *set, const char *csv,
		    size_t len);
/* Sorts the names (and folds repeats): the form the functions below take. */
void		symset_sort(struct symset *);
/* Whether a sorted set holds symbol (every symbol when n == 0). */
int		symset_has(const struct symset *, const char *symbol);
int		symset_cmp(const struct symset *, const struct symset *);
/* Chains the names (NUL-separated) into an FNV-1a hash (lib/hash.h). */
uint32_t	symset_hash(uint32_t h, const struct symset *);

#endif

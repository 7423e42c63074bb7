/*
 * fleetstat: arrays, percentiles and comparisons for the fleet test's
 * programs (tests/fleet/fleetload.c), and a chunked body's decoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetstat.h"

/* Appends x to a; exits when memory runs out (a test tool). */
void
vec_add(struct vec *a, int64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		if ((a->v = realloc(a->v, a->cap * sizeof(*a->v))) == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	a->v[a->n++] = x;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile of a (sorted in place; 100: the largest); -1 empty. */
double
pct(struct vec *a, int p)
{
	if (a->n == 0)
		return -1;
	qsort(a->v, a->n, sizeof(*a->v), cmp64);
	return (double)a->v[((a->n - 1) * (size_t)p) / 100];
}

/*
 * got (in the order received) against want (ascending, each once): adds
 * to *missing the wanted ids never received, to *doubled each repeat,
 * to *disorder each id received after a larger one, to *extra each id
 * received that was not wanted.
 */
void
vec_compare(const struct vec *got, const struct vec *want, long *missing,
    long *doubled, long *disorder, long *extra)
{
	int64_t	*s;
	size_t	 i, j;

	for (i = 1; i < got->n; i++)
		if (got->v[i] < got->v[i - 1])
			(*disorder)++;
	if ((s = malloc((got->n + 1) * sizeof(*s))) == NULL)
		exit(2);
	if (got->n > 0)
		memcpy(s, got->v, got->n * sizeof(*s));
	qsort(s, got->n, sizeof(*s), cmp64);
	for (i = 0; i < got->n; i++)
		if (i > 0 && s[i] == s[i - 1])
			(*doubled)++;
	for (i = j = 0; i < got->n; i++) {
		if (i > 0 && s[i] == s[i - 1])
			continue;
		while (j < want->n && want->v[j] < s[i])
			j++, (*missing)++;
		if (j < want->n && want->v[j] == s[i])
			j++;
		else
			(*extra)++;
	}
	*missing += (long)(want->n - j);
	free(s);
}

/* Reads "T_US NAME HEAD" lines of file for name; -1 if unreadable. */
int
commits_load(const char *file, const char *name, struct commits *c)
{
	FILE		*f;
	char		 line[256], who[64];
	long long	 t, head;

	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%lld %63s %lld", &t, who, &head) == 3 &&
		    strcmp(who, name) == 0 && (c->head.n == 0 ||
		    head > c->head.v[c->head.n - 1])) {
			vec_add(&c->head, head);
			vec_add(&c->t, t);
		}
	fclose(f);
	return 0;
}

/* Reads "START_US END_US" lines; -1 if unreadable. */
int
windows_load(const char *file, struct windows *w)
{
	FILE		*f;
	long long	 a, b;

	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while (fscanf(f, "%lld %lld", &a, &b) == 2) {
		vec_add(&w->start, a);
		vec_add(&w->end, b);
	}
	fclose(f);
	return 0;
}

static int
in_window(const struct windows *w, int64_t t)
{
	size_t i;

	for (i = 0; w != NULL && i < w->start.n; i++)
		if (t >= w->start.v[i] && t <= w->end.v[i])
			return 1;
	return 0;
}

/* The commit time of id: when the head first reached it; -1 unknown. */
static int64_t
commit_time(const struct commits *c, int64_t id)
{
	size_t	lo = 0, hi = c->head.n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c->head.v[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->head.n ? c->t.v[lo] : -1;
}

/*
 * For each id above after received at at[i]: at[i] minus its commit
 * time, into all, and into calm unless it was committed in one of w.
 * Ids up to after were committed before the client came: their wait is
 * the client's catching up, not a delivery's.
 */
void
latencies(const struct vec *ids, const struct vec *at,
    const struct commits *c, int64_t after, const struct windows *w,
    struct vec *all, struct vec *calm)
{
	size_t	i;
	int64_t	t;

	for (i = 0; i < ids->n; i++) {
		if (ids->v[i] <= after || (t = commit_time(c, ids->v[i])) < 0)
			continue;
		vec_add(all, at->v[i] - t);
		if (!in_window(w, t))
			vec_add(calm, at->v[i] - t);
	}
}

/*
 * A chunked HTTP body of len bytes at body: once its last chunk is in,
 * decoded in place and its length returned; else -1 (more to come).
 */
long
http_dechunk(char *body, size_t len)
{
	char	*p, *end = body + len, *nl, *out = body;
	long	 n;

	for (p = body; ; p = nl + 2 + n + 2) {
		if ((nl = memmem(p, (size_t)(end - p), "\r\n", 2)) == NULL)
			return -1;
		if ((n = strtol(p, NULL, 16)) == 0)
			break;
		if (nl + 2 + n + 2 > end)
			return -1;
	}
	for (p = body; (n = strtol(p, NULL, 16)) > 0; p = nl + 2 + n + 2) {
		nl = memmem(p, (size_t)(end - p), "\r\n", 2);
		memmove(out, nl + 2, (size_t)n);
		out += n;
	}
	return out - body;
}

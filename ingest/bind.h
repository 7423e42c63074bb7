/* Binding a row of integers, the shape of every ingest statement. */
#ifndef INGEST_BIND_H
#define INGEST_BIND_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Binds v[0..n) to parameters ?1..?n of st; SQLITE_OK or the first error. */
static inline int
bind_int64s(sqlite3_stmt *st, const int64_t *v, size_t n)
{
	size_t	i;
	int	rc = SQLITE_OK;

	for (i = 0; i < n && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_int64(st, (int)i + 1, v[i]);
	return rc;
}

#define BIND_N(a)	(sizeof(a) / sizeof((a)[0]))

#endif

/*
 * The one growable byte buffer: JSON answers (cgi-bin/jsonw.h), the
 * waiting machinery's FastCGI records and event text all grow one.  A
 * failed allocation latches `oom`: later appends do nothing, and the
 * owner checks once at the end (as stdio's ferror does).  The bytes are
 * always NUL-terminated past len, so a buffer can be read as a string.
 */
#ifndef TICKFEED_BUF_H
#define TICKFEED_BUF_H

#include <stddef.h>

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;		/* an allocation failed */
};

#define BUF_INIT	{ NULL, 0, 0, 0 }

/* Allocation hook, for the malloc-failure tests; NULL restores realloc. */
void	 buf_set_alloc(void *(*re)(void *, size_t));

void	 buf_init(struct buf *);
/* Frees the bytes and empties the buffer (oom cleared). */
void	 buf_free(struct buf *);
/* Empties the buffer, keeping its memory (oom cleared). */
void	 buf_reset(struct buf *);
/* Hands the bytes over (the caller frees them); NULL when oom or empty. */
char	*buf_take(struct buf *, size_t *len);

void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addz(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

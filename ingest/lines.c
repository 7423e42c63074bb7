#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lines.h"
#include "src.h"

int
lines_init(struct lines *l, int fd)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	if ((l->buf = malloc(LINES_BUFSZ)) == NULL)
		return -1;
	return 0;
}

void
lines_reset(struct lines *l)
{
	l->start = l->end = 0;
	l->lineno = 0;
	l->skipping = 0;
	l->eof = 0;
}

void
lines_free(struct lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

size_t
lines_pending(const struct lines *l)
{
	return l->end - l->start;
}

/* Drops a BOM at the very start of the input. */
static void
lines_bom(struct lines *l, char **p, size_t *len)
{
	if (l->lineno == 1 && *len >= 3 && memcmp(*p, "\xEF\xBB\xBF", 3) == 0) {
		*p += 3;
		*len -= 3;
	}
}

enum lines_rc
lines_next(struct lines *l, const char **line, size_t *len, long *lineno,
    int final)
{
	char	*p, *nl;
	size_t	 n;

	for (;;) {
		p = l->buf + l->start;
		n = l->end - l->start;
		nl = memchr(p, '\n', n);
		if (nl != NULL) {
			n = (size_t)(nl - p) + 1;
			l->start += n;
			if (l->skipping) {	/* the overlong line's end */
				l->skipping = 0;
				continue;
			}
			l->lineno++;
			*lineno = l->lineno;
			lines_bom(l, &p, &n);
			if (n - 1 > SRC_LINE_MAX + (size_t)(n >= 2 && p[n - 2] == '\r'))
				return LINES_LONG;
			*line = p;
			*len = n;
			return LINES_LINE;
		}
		if (n > SRC_LINE_MAX + 3) {	/* + BOM, CR: still no '\n' */
			l->start = l->end = 0;
			if (l->skipping)
				return LINES_NEED;
			l->skipping = 1;
			*lineno = ++l->lineno;
			return LINES_LONG;
		}
		if (!final || n == 0 || l->skipping) {
			if (final && l->skipping)
				l->start = l->end = 0;
			return LINES_NEED;
		}
		l->start = l->end;
		l->lineno++;
		*lineno = l->lineno;
		lines_bom(l, &p, &n);
		if (n > SRC_LINE_MAX)
			return LINES_LONG;
		*line = p;
		*len = n;
		return LINES_PARTIAL;
	}
}

ssize_t
lines_fill(struct lines *l)
{
	ssize_t n;

	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	n = read(l->fd, l->buf + l->end, LINES_BUFSZ - l->end);
	if (n > 0) {
		l->end += (size_t)n;
		l->eof = 0;
	} else if (n == 0)
		l->eof = 1;
	return n;
}

/*
 * Splitting an input into lines without ever holding more than one line
 * of it: a fixed buffer, one read() at a time, lines handed out by
 * pointer.  A line longer than SRC_LINE_MAX is reported once and skipped
 * up to its newline.  A UTF-8 byte order mark before line 1 is dropped.
 */
#ifndef INGEST_LINES_H
#define INGEST_LINES_H

#include <stddef.h>
#include <sys/types.h>

#define LINES_BUFSZ	(256 * 1024)

enum lines_rc {
	LINES_LINE,		/* *line, *len (with its '\n'), *lineno */
	LINES_PARTIAL,		/* the same for a last line without '\n' */
	LINES_LONG,		/* line *lineno is too long: report it */
	LINES_NEED,		/* no complete line buffered: read more */
	LINES_RC__MAX
};

struct lines {
	int	 fd;
	char	*buf;
	size_t	 start, end;
	long	 lineno;
	int	 skipping;	/* inside an overlong line */
	int	 eof;		/* the last read returned 0 */
};

/* Returns 0, or -1 (ENOMEM). */
int		lines_init(struct lines *, int fd);
void		lines_free(struct lines *);
/*
 * The next complete line.  With final set (the input has ended), a last
 * line without a newline is returned as LINES_PARTIAL (the caller holds
 * it back or takes it as it is); otherwise it waits in the buffer for
 * more input.
 */
enum lines_rc	lines_next(struct lines *, const char **line, size_t *len,
		    long *lineno, int final);
/* Forgets everything buffered and counted: a new input on the same fd. */
void		lines_reset(struct lines *);
/* One read(): bytes read, 0 at end of input (sets eof), -1 with errno. */
ssize_t		lines_fill(struct lines *);
/* Bytes buffered but not yet handed out (a partial line). */
size_t		lines_pending(const struct lines *);

#endif

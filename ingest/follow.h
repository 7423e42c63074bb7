/*
 * --follow: waiting for more input.  A pipe or terminal is polled; a
 * regular file that reached its end is watched with inotify (IN_MODIFY),
 * and re-read at least every FOLLOW_IDLE_MS in case an event was missed.
 * A file truncated under us is read again from its start.
 *
 * Log rotation (the file renamed or removed, a new one created under its
 * name) is followed as `tail -F` does: the old file is read to its end,
 * and once a new file has been at the path for FOLLOW_IDLE_MS with
 * nothing more written to the old one (a writer that has not yet
 * reopened its output still lands there), the new file is opened in the
 * old one's descriptor and read from its start as a new input.
 */
#ifndef INGEST_FOLLOW_H
#define INGEST_FOLLOW_H

#include <stdint.h>

#include "lines.h"

#define FOLLOW_IDLE_MS	200

struct follow {
	int		 fd;
	int		 regular;	/* a regular file: EOF means "not yet" */
	int		 ino;		/* inotify descriptor, -1 if none */
	int		 wd;		/* its watch on the file */
	const char	*path;		/* NULL: not a named file */
	int64_t		 moved_ms;	/* when a new file was first seen */
};

void	follow_init(struct follow *, int fd, const char *path);
void	follow_free(struct follow *);
/*
 * Waits up to ms for input.  Returns 1 when a read may find something,
 * 0 when the time ran out (or a signal came) with nothing new, and
 * FOLLOW_RESTART when the file was truncated: the caller starts over as
 * on a new input (header, line numbers), reading from offset 0.
 * FOLLOW_ROTATED: the old file was read to its end and the descriptor now
 * reads the new one from its start; the caller ends the old input (a last
 * line without a newline included), then starts over as on truncation.
 */
#define FOLLOW_RESTART	2
#define FOLLOW_ROTATED	3
int	follow_wait(struct follow *, const struct lines *, int ms);
/*
 * Whether a read would find input now, without waiting: a regular file
 * not yet read to its end, a pipe or terminal with bytes (or its end)
 * waiting.
 */
int	follow_ready(const struct follow *, const struct lines *);
/* After a read returned 0: 1 if the input may still grow, 0 if it ended. */
int	follow_growing(const struct follow *);

#endif

/*
 * --follow: waiting for more input.  A pipe or terminal is polled; a
 * regular file that reached its end is watched with inotify (IN_MODIFY),
 * and re-read at least every FOLLOW_IDLE_MS in case an event was missed.
 * A file truncated under us is read again from its start.
 * XXX a file renamed away (log rotation) is still followed by descriptor:
 * restart the tool on the new file.
 */
#ifndef INGEST_FOLLOW_H
#define INGEST_FOLLOW_H

#include "lines.h"

#define FOLLOW_IDLE_MS	200

struct follow {
	int	 fd;
	int	 regular;	/* a regular file: EOF means "not yet" */
	int	 ino;		/* inotify descriptor, -1 if none */
};

void	follow_init(struct follow *, int fd, const char *path);
void	follow_free(struct follow *);
/*
 * Waits up to ms for input.  Returns 1 when a read may find something,
 * 0 when the time ran out (or a signal came) with nothing new, and
 * FOLLOW_RESTART when the file was truncated: the caller starts over as
 * on a new input (header, line numbers), reading from offset 0.
 */
#define FOLLOW_RESTART	2
int	follow_wait(struct follow *, const struct lines *, int ms);
/* After a read returned 0: 1 if the input may still grow, 0 if it ended. */
int	follow_growing(const struct follow *);

#endif

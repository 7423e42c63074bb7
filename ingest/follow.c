#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"
#include "log.h"

void
follow_init(struct follow *f, int fd, const char *path)
{
	struct stat sb;

	f->fd = fd;
	f->ino = -1;
	f->regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	if (!f->regular || strcmp(path, "-") == 0)
		return;
	if ((f->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(f->ino, path, IN_MODIFY) == -1) {
		log_debug("%s: no inotify, polling every %d ms", path,
		    FOLLOW_IDLE_MS);
		if (f->ino != -1)
			close(f->ino);
		f->ino = -1;
	}
}

void
follow_free(struct follow *f)
{
	if (f->ino != -1)
		close(f->ino);
	f->ino = -1;
}

int
follow_growing(const struct follow *f)
{
	return f->regular;
}

/* A file shorter than what we read was truncated: 1 after rewinding. */
static int
follow_truncated(struct follow *f)
{
	struct stat	sb;
	off_t		off;

	off = lseek(f->fd, 0, SEEK_CUR);
	if (fstat(f->fd, &sb) == -1 || off == -1 || sb.st_size >= off)
		return 0;
	log_info("input truncated, reading it again from its start");
	return lseek(f->fd, 0, SEEK_SET) == 0;
}

/* Empties the inotify queue: the events only said "look again". */
static void
follow_drain(struct follow *f)
{
	char buf[4096];

	while (read(f->ino, buf, sizeof(buf)) > 0)
		;
}

int
follow_wait(struct follow *f, const struct lines *l, int ms)
{
	struct pollfd	pfd;
	int		n;

	if (f->regular && !l->eof)
		return 1;
	if (f->regular) {
		if (follow_truncated(f))
			return FOLLOW_RESTART;
		if (f->ino == -1) {
			(void)poll(NULL, 0, ms);
			return 1;
		}
		pfd.fd = f->ino;
	} else
		pfd.fd = f->fd;
	pfd.events = POLLIN;
	n = poll(&pfd, 1, ms);
	if (n <= 0)
		return f->regular && n == 0 && ms >= FOLLOW_IDLE_MS;
	if (f->regular)
		follow_drain(f);
	return 1;
}
